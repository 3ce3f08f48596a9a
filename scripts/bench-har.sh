#!/usr/bin/env bash
# HAR replay speed and memory (not a test): `cookie-doctor har` on a
# deterministic HAR of SIZE bytes (default 1 GiB; bodies included, Chrome
# DevTools shape — crates/diagnose/examples/gen_har.rs) against the reading
# floor, serde_json parsing the same file into a Value
# (crates/diagnose/examples/har_floor.rs), and the replay's peak RSS
# (GNU time's maximum resident set size).
#
#   scripts/bench-har.sh                 # 1 GiB
#   SIZE=100000000 scripts/bench-har.sh  # 100 MB
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${SIZE:-1073741824}"
out="$root/target/bench-har"
mkdir -p "$out"
cargo build -q --release -p cookie-doctor
cargo build -q --release -p cookie-doctor-diagnose --example gen_har --example har_floor
har="$out/big-$size.har"
[ -f "$har" ] || target/release/examples/gen_har "$size" 1 > "$har"
echo "HAR: $(du -h "$har" | cut -f1), $(nproc) cores"

# Warm the page cache so both read from memory.
cat "$har" > /dev/null
floor=$(target/release/examples/har_floor "$har")
echo "$floor"

/usr/bin/time -v -o "$out/time.txt" target/release/cookie-doctor har --format json "$har" > "$out/replay.json" || true
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")
python3 - "$floor" "$secs" "$rss" <<'PY'
import re, sys
floor = float(re.search(r"([0-9.]+) s$", sys.argv[1]).group(1))
parts = [float(p) for p in sys.argv[2].split(":")]
secs = parts[-1] + (parts[-2] * 60 if len(parts) > 1 else 0) + (parts[-3] * 3600 if len(parts) > 2 else 0)
rss_mb = int(sys.argv[3]) / 1024
print(f"cookie-doctor har: {secs:.3f} s, peak RSS {rss_mb:.1f} MB (target <= 64 MB)")
print(f"ratio floor/har = {floor / secs:.3f}x (target >= 0.8x)")
PY
