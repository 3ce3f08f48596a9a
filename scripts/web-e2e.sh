#!/usr/bin/env bash
# End-to-end test of `cookie-doctor serve` in real headless Chromium: installs
# the pinned npm dependency (web-e2e/package-lock.json), builds the binary,
# runs web-e2e/run.js (which starts the server and Chromium itself and attaches
# over CDP). Screenshots land in target/web-e2e/*.png.
# Needs Debian's chromium and node (bash oracle/install.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null || { echo "web-e2e: node is missing (run: bash oracle/install.sh)" >&2; exit 2; }
[ -x "${CHROMIUM_BIN:-/usr/bin/chromium}" ] || { echo "web-e2e: chromium is missing (run: bash oracle/install.sh)" >&2; exit 2; }

(
  cd web-e2e
  if ! cmp -s package-lock.json node_modules/.package-lock.json.copy 2>/dev/null || [ ! -d node_modules/playwright-core ]; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.package-lock.json.copy
  fi
)

cargo build -q -p cookie-doctor
exec node web-e2e/run.js "$PWD/target/debug/cookie-doctor" "$PWD"
