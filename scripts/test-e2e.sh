#!/usr/bin/env bash
# Browser end-to-end tests: builds web/ if needed, serves it on a free port with
# scripts/serve.mjs (QISIM_URL: the playground's URL it prints), runs tests/e2e.test.mjs
# (node:test + playwright-core + /usr/bin/chromium), stops the server. Screenshot:
# tests/artifacts/screenshot.png; QISIM_UPDATE_SCREENSHOT=1 rewrites the committed
# docs/screenshot.png.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[e2e] $*" >&2; }

[ -d node_modules/playwright-core ] && [ -d node_modules/uplot ] || npm ci --no-audit --no-fund || npm install --no-audit --no-fund
bash scripts/build.sh   # quick when web/lib/pkg is up to date; also runs scripts/build-web.sh
[ -f web/vendor/uPlot.esm.js ] || bash scripts/build-web.sh
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  log "chromium not found at ${CHROMIUM:-/usr/bin/chromium}; run scripts/setup.sh"
  exit 1
fi

logfile=$(mktemp)
node scripts/serve.mjs --port 0 >"$logfile" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$logfile"; }
trap cleanup EXIT
url=
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^ ]*/' "$logfile" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$logfile" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { log "server did not start"; cat "$logfile" >&2; exit 1; }
log "serving web/: the playground at $url"
QISIM_URL="$url" node --test --test-reporter=spec --test-concurrency=1 tests/e2e.test.mjs
