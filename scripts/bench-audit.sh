#!/usr/bin/env bash
# Audit throughput against its peers, same run, same responses (not a test):
#
#   * cookie-doctor audit (release, all cores, shape cache on; and --no-cache
#     on a slice, to show what the cache buys);
#   * tough-cookie (Node): per response a fresh CookieJar, setCookie for each
#     Set-Cookie, getCookieString — scripts/bench/tough-cookie.js;
#   * the cookie_store crate doing the same work in Rust —
#     crates/diagnose/examples/peer_cookie_store.rs.
#
# The corpus is a deterministic synthetic crawl (crates/diagnose/benches/
# support/corpus.rs): many sites, most responses without cookies, fresh
# session ids, ~1 % malformed lines. Peers read and parse the lines before
# their clock starts; cookie-doctor's time includes reading, parsing and
# writing its JSON Lines output.
#
#   scripts/bench-audit.sh            # 50 000 responses
#   N=200000 scripts/bench-audit.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${N:-50000}"
out="$root/target/bench-audit"
mkdir -p "$out"

cargo build -q --release -p cookie-doctor
cargo build -q --release -p cookie-doctor-diagnose --example gen_audit_corpus --example peer_cookie_store
if [ ! -d scripts/bench/node_modules/tough-cookie ]; then
    (cd scripts/bench && npm ci --no-audit --no-fund >/dev/null)
fi

corpus="$out/corpus-$n.jsonl"
[ -f "$corpus" ] || target/release/examples/gen_audit_corpus "$n" 1 > "$corpus"
echo "corpus: $n responses, $(grep -c 'Set-Cookie' "$corpus") with Set-Cookie, $(du -h "$corpus" | cut -f1); machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"

seconds() { python3 -c 'import sys,time; print(f"{time.time():.6f}")'; }

t0=$(seconds)
target/release/cookie-doctor audit --now 1795435200 --summary "$out/summary.json" "$corpus" > "$out/audit.jsonl" 2> "$out/audit.summary" || true
t1=$(seconds)
ours=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
facts=$(python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
c = s["cache"]
print("%d audited, %d error lines, %d findings; cache: %d hits, %d diagnoses computed" % (s["responses"], s["errors"], s["findings"], c["hits"], c["computed"]))
PY
)
echo "cookie-doctor audit: $ours s ($(wc -l < "$out/audit.jsonl") output lines; $facts)"

slice=$(( n < 2000 ? n : 2000 ))
head -n "$slice" "$corpus" > "$out/slice.jsonl"
t0=$(seconds)
target/release/cookie-doctor audit --now 1795435200 --no-cache "$out/slice.jsonl" > /dev/null 2>&1 || true
t1=$(seconds)
t2=$(seconds)
target/release/cookie-doctor audit --now 1795435200 "$out/slice.jsonl" > /dev/null 2>&1 || true
t3=$(seconds)
echo "first $slice responses: --no-cache $(python3 -c "print(f'{$t1 - $t0:.3f}')") s, cache $(python3 -c "print(f'{$t3 - $t2:.3f}')") s"

tough=$(node scripts/bench/tough-cookie.js "$corpus")
echo "$tough"
store=$(target/release/examples/peer_cookie_store "$corpus")
echo "$store"
python3 - "$ours" "$tough" "$store" <<'PY'
import re, sys
ours = float(sys.argv[1])
tough = float(re.search(r"([0-9.]+) s$", sys.argv[2]).group(1))
store = float(re.search(r"([0-9.]+) s$", sys.argv[3]).group(1))
print(f"ratio tough-cookie/cookie-doctor = {tough / ours:.3f}x (target >= 20x); cookie_store/cookie-doctor = {store / ours:.4f}x")
PY
