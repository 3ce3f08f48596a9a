#!/usr/bin/env bash
# Load benchmark of `cookie-doctor serve` (not a test): builds the release
# binary, starts the server on a free port of 127.0.0.1, and drives
# POST /api/check with the seed story (examples/set-cookie/embedded-dashboard.txt
# embedded in https://partner.example) — first at 500 concurrent connections,
# then at 50 — for BENCH_SECONDS (default 20) each, with `oha` (installed with
# `cargo install oha --locked` when missing) or else Debian's `wrk` with a Lua
# POST script. Prints analyses/s, p50/p99 latency and the error count.
#
# Those runs are closed-loop: every connection sends its next request as soon
# as the answer arrives, so the server always has N requests in hand and by
# Little's law the mean latency is N / throughput (500 connections at 5 000/s
# would be 100 ms of queueing, whatever the server does). The latency at a
# given load comes from the open-loop runs that follow (oha only): requests
# offered at each rate of BENCH_RATES (default "5000 1000": issue 8's target,
# and a rate this machine can serve) over up to 500 connections; there p99 is
# the service time plus whatever queue builds when the offered rate is above
# what the machine can serve.
# Each run also prints the server's CPU time per analysis and the load tool's
# (oha shares the two cores).
# Traffic goes only to 127.0.0.1; each run is bounded in time and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${BENCH_SECONDS:-20}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

tool=""
if command -v oha >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/oha" ]; then
  tool=oha
else
  echo "bench-serve: installing oha (cargo install oha --locked; cached afterwards)" >&2
  if cargo install oha --locked >"$work/oha-install.log" 2>&1; then
    tool=oha
  else
    echo "bench-serve: oha did not install (see below); trying wrk" >&2
    tail -n 5 "$work/oha-install.log" >&2
    command -v wrk >/dev/null 2>&1 || { apt-get install -y -q wrk >/dev/null 2>&1 || true; }
    command -v wrk >/dev/null 2>&1 && tool=wrk
  fi
fi
[ -n "$tool" ] || { echo "bench-serve: neither oha nor wrk is available" >&2; exit 2; }
oha_bin="$(command -v oha || echo "$HOME/.cargo/bin/oha")"

cargo build -q --release -p cookie-doctor
./target/release/cookie-doctor serve --port 0 >"$work/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log" | head -n1 || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "bench-serve: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# The request body: the seed story as POST /api/check JSON.
python3 - "$work/body.json" <<'PY'
import json, sys
lines = [l for l in open("examples/set-cookie/embedded-dashboard.txt").read().splitlines() if l.strip()]
body = {"lines": lines, "url": "https://app.example.com/dashboard", "embedded_in": ["https://partner.example"]}
open(sys.argv[1], "w").write(json.dumps(body))
PY
endpoint="${url}api/check"
# One request first: the answer must be a check report.
curl -sf -H 'Content-Type: application/json' --data-binary @"$work/body.json" "$endpoint" | grep -q '"findings"' \
  || { echo "bench-serve: POST /api/check did not answer a check report" >&2; exit 1; }

echo "bench-serve: $tool against $endpoint, ${seconds}s per run, $(nproc) cores"
# The server's CPU time so far (user and system clock ticks, from /proc): per
# analysis, it is a steadier figure than throughput on a machine whose speed
# drifts, and it is what a change to the analysis moves.
ticks="$(getconf CLK_TCK 2>/dev/null || echo 100)"
server_cpu() {
  if [ -r "/proc/$server_pid/stat" ]; then
    awk '{print $14, $15}' "/proc/$server_pid/stat"
  else
    echo "0 0"
  fi
}
run_oha() {
  local conns="$1"
  local secs="${2:-$seconds}"
  local rate="${3:-}"
  local label="$conns connections"
  local limit=()
  if [ -n "$rate" ]; then
    # Latency counted from when each request was due, not when it left.
    limit=(-q "$rate" --latency-correction)
    label="$rate/s offered over $conns connections"
  fi
  local cpu_before cpu_after
  cpu_before="$(server_cpu)"
  # In a subshell whose only child is oha, `times` then reports oha's own CPU
  # time (its second line: children's user and system time): the load tool
  # runs on the same two cores, so its share belongs in the budget.
  (
    "$oha_bin" --no-tui -z "${secs}s" -w -c "$conns" "${limit[@]}" -m POST -H 'Content-Type: application/json' \
      -D "$work/body.json" --output-format json "$endpoint" >"$work/oha-$conns${rate:+-$rate}.json"
    times >"$work/oha-times"
  )
  cpu_after="$(server_cpu)"
  python3 - "$work/oha-$conns${rate:+-$rate}.json" "$label" "$cpu_before" "$cpu_after" "$ticks" "$work/oha-times" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
(u0, s0), (u1, s1) = (map(int, a.split()) for a in sys.argv[3:5])
tick_us = 1e6 / float(sys.argv[5])
def seconds(text):
    m = re.fullmatch(r"(\d+)m([\d.]+)s", text)
    return int(m.group(1)) * 60 + float(m.group(2)) if m else None
try:
    children = open(sys.argv[6]).read().split("\n")[1].split()
    tool = [seconds(t) for t in children[:2]]
except (OSError, IndexError):
    tool = [None, None]
s = d.get("summary", {})
pct = d.get("latencyPercentiles", {})
codes = d.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k == "200")
bad = sum(v for k, v in codes.items() if k != "200")
errors = sum(d.get("errorDistribution", {}).values())
kinds = ", ".join(f"{k}: {v}" for k, v in d.get("errorDistribution", {}).items())
ms = lambda v: f"{v * 1000:.1f} ms" if isinstance(v, (int, float)) else "n/a"
rps = s.get("requestsPerSec", 0.0)
cpu = ""
if ok and (u1 > u0 or s1 > s0):
    cpu = f"  server CPU per analysis: user {(u1 - u0) * tick_us / ok:.0f} µs, system {(s1 - s0) * tick_us / ok:.0f} µs"
    if None not in tool:
        cpu += f"; oha {(tool[0] + tool[1]) * 1e6 / ok:.0f} µs"
print(f"  {sys.argv[2]:>16}: {rps:8.1f} analyses/s  p50 {ms(pct.get('p50'))}  p99 {ms(pct.get('p99'))}  "
      f"ok {ok}  non-200 {bad}  errors {errors}" + (f" ({kinds})" if kinds else "") + cpu)
PY
}
run_wrk() {
  local conns="$1"
  local secs="${2:-$seconds}"
  cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("  %4d connections: %8.1f analyses/s  p50 %.1f ms  p99 %.1f ms  requests %d  errors %d\n",
    $conns, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors))
end
LUA
  wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s -s "$work/post.lua" "$endpoint" | tail -n 1
}
# One connection first: the latency of one analysis plus the server's
# overhead, with nothing queued; cores / that latency is the throughput the
# machine could reach if the server added nothing under load.
"run_$tool" 1 5
for conns in 500 50; do
  "run_$tool" "$conns"
done
if [ "$tool" = oha ]; then
  for rate in ${BENCH_RATES:-5000 1000}; do
    "run_oha" 500 "$seconds" "$rate"
  done
  # The peer in the same run: the same server answering GET /api/config (no
  # analysis) at 500 connections — what the HTTP stack alone allows; the ratio
  # says how much of the budget the analysis takes.
  "$oha_bin" --no-tui -z "${seconds}s" -w -c 500 --output-format json "${url}api/config" >"$work/oha-config.json"
  python3 - "$work/oha-500.json" "$work/oha-config.json" <<'PY'
import json, sys
check = json.load(open(sys.argv[1]))["summary"].get("requestsPerSec", 0.0)
floor = json.load(open(sys.argv[2]))["summary"].get("requestsPerSec", 0.0)
ratio = check / floor if floor else 0.0
print(f"  peer: GET /api/config {floor:8.1f} requests/s at 500 connections; "
      f"POST /api/check at 500 connections / config = {ratio:.3f}x")
PY
fi
