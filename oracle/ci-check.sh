#!/usr/bin/env bash
# CI: re-record every scenario in every recorded mode and compare with the
# committed goldens. A scenario that differs is recorded once more on its own:
# if it then matches, the first difference was a flaky run (reported, not
# fatal); if it differs again, the browser's behaviour changed (or a golden is
# stale): that is news, and CI fails with the diff.
#
#   bash oracle/ci-check.sh [MODES]      # default: every mode with goldens
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# The modes that have goldens (a mode without any is not recorded yet).
recorded="$(find tests/oracle/goldens -name '*.json' -printf '%f\n' 2>/dev/null | sed 's/\.json$//' | sort -u | paste -sd, -)"
modes="${1:-${ORACLE_MODES:-$recorded}}"
if [ -z "$modes" ]; then
  echo "oracle: no goldens under tests/oracle/goldens" >&2
  exit 1
fi
echo "oracle: checking modes $modes" >&2
jobs="${ORACLE_JOBS:-2}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
node oracle/src/record.js --check --jobs "$jobs" --mode "$modes" 2>&1 | tee "$log" || status=$?
if [ "$status" -eq 0 ]; then
  exit 0
fi
if [ "$status" -ne 1 ]; then
  echo "oracle: the recorder failed (exit $status)" >&2
  exit "$status"
fi

# Lines "path/to/scenario.toml [mode]: STATUS" list what differed.
mapfile -t again < <(grep -E '^[^ ]+\.toml \[[a-z0-9-]+\]: ' "$log" | sed -E 's/^([^ ]+) \[([a-z0-9-]+)\]: .*/\2 \1/' | sort -u)
if grep -qE '^[^ ]+\.json \[[a-z0-9-]+\]: STALE' "$log"; then
  echo "oracle: stale goldens (listed above): remove them or restore their scenarios" >&2
  exit 1
fi
if [ "${#again[@]}" -eq 0 ]; then
  exit 1
fi
echo "oracle: ${#again[@]} recording(s) differed; recording them once more to tell a flaky run from a change" >&2
final=0
for entry in "${again[@]}"; do
  mode="${entry%% *}"
  file="${entry#* }"
  if node oracle/src/record.js --check --mode "$mode" "$file"; then
    echo "oracle: FLAKY (matched on the second recording): $file [$mode]" >&2
  else
    final=1
  fi
done
exit "$final"
