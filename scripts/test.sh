#!/usr/bin/env bash
# Every test of the project, in order; fails on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo; echo "=== $* ==="; }

stage "architecture: no import cycle, no file over 400 lines, ARCHITECTURE.md true"
node scripts/check-architecture.mjs
stage "cargo fmt --check"
cargo fmt --all -- --check
stage "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
stage "cargo clippy: the CLI without its default features (no cluster)"
cargo clippy -p qisim-cli --no-default-features --all-targets -- -D warnings
stage "cargo clippy --features ts (qisim-core)"
cargo clippy -p qisim-core --all-targets --features ts -- -D warnings
stage "cargo test (native)"
cargo test --workspace
stage "kernel program mutants: reductions sound, oracles strong (minutes)"
cargo test --release -p qisim-core --test program_mutants -- --ignored
stage "cargo doc (links and HTML of every doc comment)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q

# Later stages: TypeScript declarations (generated, tsc), wasm (wasm-pack test in headless
# chromium), npm package, browser end-to-end.
for s in scripts/test-types.sh scripts/test-spin.sh scripts/test-wasm.sh scripts/test-npm.sh scripts/test-e2e.sh; do
  if [ -f "$s" ]; then
    stage "$s"
    bash "$s"
  fi
done
echo
echo "all test stages passed"
