#!/usr/bin/env bash
# wasm-bindgen tests of the qisim-wasm bindings in headless Debian Chromium (page and dedicated
# worker), through wasm-pack and the system chromedriver, then the worker pool tests. Nothing is
# downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
# Browser capabilities: /usr/bin/chromium, headless, no sandbox (we run as root).
export WASM_BINDGEN_TEST_WEBDRIVER_JSON=${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-$PWD/wasm/webdriver.json}
wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --mode no-install wasm "$@"

# The Web Worker pool (web/lib/pool.js) in headless Chromium through playwright-core: needs
# web/lib/pkg.
bash scripts/build.sh
node --test tests/pool.test.mjs
