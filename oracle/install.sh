#!/usr/bin/env bash
# Installs what the browser oracle needs: Debian's Chromium (and Firefox ESR,
# for the Firefox driver to come), openssl for the test certificate, and the
# pinned npm dependencies (package-lock.json). Idempotent: safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=0
for cmd in chromium openssl firefox-esr; do
  command -v "$cmd" >/dev/null 2>&1 || need_apt=1
done
if [ "$need_apt" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium openssl firefox-esr
fi

# npm ci reinstalls node_modules from scratch; skip it when the installed tree
# already matches the lock file.
if ! cmp -s package-lock.json node_modules/.package-lock.json.copy 2>/dev/null || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.copy
fi

echo "oracle: $(chromium --version 2>/dev/null | head -n1), node $(node --version), playwright-core $(node -p 'require("playwright-core/package.json").version')"
