#!/usr/bin/env bash
# The TypeScript declarations. web/lib/qisim-types.d.ts must be what ts-rs generates from the
# core's Rust types (core/tests/ts_bindings.rs fails when it is stale; QISIM_BLESS=1 rewrites
# it); that test also writes the core's real JSON, typed with those declarations, to
# tests/types/samples.gen.ts. Then tsc (strict, offline: typescript is a devDependency) checks
# the samples and a consumer's use of the package (tests/types/usage.ts; its @ts-expect-error
# lines are wrong usage that must not compile).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
rm -f tests/types/samples.gen.ts
cargo test -p qisim-core --features ts --test ts_bindings
[ -f tests/types/samples.gen.ts ] || { echo "tests/types/samples.gen.ts was not written" >&2; exit 1; }
if [ ! -x node_modules/.bin/tsc ]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/tsc -p tests/types
echo "tsc -p tests/types: ok"
