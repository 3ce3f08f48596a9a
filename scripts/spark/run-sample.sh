#!/usr/bin/env bash
# Runs the Apache Spark recipe (scripts/spark/audit_spark.py) in local[2] mode on
# the sample corpus under tests/audit/ (audit lines and WARC), runs the
# single-process `cookie-doctor audit` on the same input, and diffs the two:
# exit 1 on any difference. Prints the time taken.
#
#   bash scripts/spark/run-sample.sh
#
# Installs what it needs when missing: pyspark (pip, pinned: 3.5.x runs on
# Java 17) and a Java 17 runtime (apt-get).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
started=$(date +%s)
now=1795435200
pyspark_version="3.5.3"

if ! command -v java >/dev/null 2>&1; then
    echo "spark: installing a Java 17 runtime" >&2
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! python3 -c "import pyspark, sys; sys.exit(0 if pyspark.__version__ == '$pyspark_version' else 1)" 2>/dev/null; then
    echo "spark: installing pyspark $pyspark_version" >&2
    python3 -m pip install --quiet --disable-pip-version-check "pyspark==$pyspark_version"
fi

cargo build -q -p cookie-doctor
bin="$root/target/debug/cookie-doctor"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/warc"
# Two WARC files, so that the order across files is checked too.
cp tests/audit/sample.warc.gz "$work/warc/a-sample.warc.gz"
cp tests/audit/sample.warc.gz "$work/warc/b-sample.warc.gz"

# Exit 0 (clean), 1 (findings) and 2 (error lines: the sample has some) are answers.
answer() { local rc=0; "$@" || rc=$?; if [ "$rc" -gt 2 ]; then echo "spark: '$*' exited $rc" >&2; exit 1; fi; }

echo "spark: single process" >&2
answer "$bin" --now "$now" audit --jobs 2 < tests/audit/sample.jsonl > "$work/single.jsonl" 2>"$work/single.log"
(cd "$work/warc" && answer "$bin" --now "$now" audit --jobs 2 a-sample.warc.gz b-sample.warc.gz > "$work/single-warc.jsonl" 2>"$work/single-warc.log")

export PYSPARK_PYTHON="${PYSPARK_PYTHON:-python3}"
spark_started=$(date +%s)
echo "spark: local[2], audit lines" >&2
python3 scripts/spark/audit_spark.py --master 'local[2]' --partitions 4 --binary "$bin" --now "$now" \
    --format jsonl --single-file --output "$work/spark.jsonl" "$root/tests/audit/sample.jsonl" 2>"$work/spark.log" \
    || { tail -n 40 "$work/spark.log" >&2; exit 1; }
echo "spark: local[2], WARC" >&2
python3 scripts/spark/audit_spark.py --master 'local[2]' --binary "$bin" --now "$now" \
    --format warc --single-file --output "$work/spark-warc.jsonl" "$work/warc/a-sample.warc.gz" "$work/warc/b-sample.warc.gz" 2>"$work/spark-warc.log" \
    || { tail -n 40 "$work/spark-warc.log" >&2; exit 1; }
spark_seconds=$(( $(date +%s) - spark_started ))

status=0
for pair in "single.jsonl spark.jsonl" "single-warc.jsonl spark-warc.jsonl"; do
    set -- $pair
    if cmp -s "$work/$1" "$work/$2"; then
        echo "spark: $2 equals $1 ($(wc -l < "$work/$1") lines, byte for byte)" >&2
    else
        echo "spark: $2 DIFFERS from $1:" >&2
        diff "$work/$1" "$work/$2" | head -n 20 | cut -c1-300 >&2 || true
        status=1
    fi
done
# The single-process output is also the committed golden.
if ! cmp -s "$work/single.jsonl" tests/audit/sample.expected.jsonl; then
    echo "spark: the single-process output differs from tests/audit/sample.expected.jsonl" >&2
    status=1
fi
echo "spark: done in $(( $(date +%s) - started )) s (Spark runs: ${spark_seconds} s)" >&2
exit "$status"
