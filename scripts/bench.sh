#!/usr/bin/env bash
# Every benchmark, figures only (no asserts): native step rate (criterion), the CLI's standard
# bench, wasm vs native and the worker pool (scripts/bench-wasm.mjs -> bench/wasm.md).
# Explorer vs SPIN: scripts/test-spin.sh prints it; bench/explore.md has the full comparison.
# Soak and fuzz: scripts/soak.sh, scripts/fuzz.sh (long; bench/soak.md, bench/fuzz.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (figures are noisy on a busy machine)"
echo "=== native step rate (criterion: random scheduler, 4 submitters, ring 256) ==="
cargo bench -p qisim-core --bench step_rate -- --warm-up-time 1 --measurement-time 5
echo "=== qisim bench ==="
cargo run --release -q -p qisim-cli -- bench
echo "=== wasm and worker pool ==="
bash scripts/build.sh
node scripts/bench-wasm.mjs "$@"
