#!/usr/bin/env bash
# Soak test: 10^9 steps in ONE simulation (release build) with trace on but bounded, schedule
# recording off, watchdog on; samples VmRSS/VmHWM every 10^8 steps and fails if memory grows by
# more than TOL_MB after the first sample. Usage: scripts/soak.sh [STEPS] [EVERY] [TOL_MB]
# (defaults 1000000000 100000000 4). See core/examples/soak.rs; figures in bench/soak.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
STEPS=${1:-1000000000}
EVERY=${2:-100000000}
TOL_MB=${3:-4}
cargo build --release -p qisim-core --example soak
bin="${CARGO_TARGET_DIR:-target}/release/examples/soak"
start=$(date +%s)
"$bin" "$STEPS" "$EVERY" "$TOL_MB"
echo "soak.sh: wall time $(( $(date +%s) - start )) s"
