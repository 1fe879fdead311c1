#!/usr/bin/env bash
# Copies the playground's vendored browser dependencies from node_modules into web/playground/vendor/
# (gitignored but for the committed editor bundle): uPlot's ES module and stylesheet. Run by
# scripts/build.sh after the wasm build. Only the playground (web/playground/) uses web/playground/vendor/;
# the npm package (web/lib/) has no dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/uplot/dist/uPlot.esm.js ]; then
  echo "[build-web] installing npm dependencies" >&2
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi
mkdir -p web/playground/vendor
cp node_modules/uplot/dist/uPlot.esm.js web/playground/vendor/uPlot.esm.js
cp node_modules/uplot/dist/uPlot.min.css web/playground/vendor/uPlot.min.css
cp node_modules/uplot/LICENSE web/playground/vendor/uPlot.LICENSE 2>/dev/null || true
if [ ! -f web/lib/pkg/qisim_wasm.js ]; then
  echo "[build-web] note: web/lib/pkg/ is missing; run scripts/build.sh to build the wasm package" >&2
fi
echo "[build-web] web/playground/vendor ready" >&2
