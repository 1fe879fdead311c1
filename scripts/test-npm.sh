#!/usr/bin/env bash
# The npm package (web/lib/): builds web/lib/pkg and web/lib/presets.js, packs the repository
# with `npm pack`, installs the tarball offline into a temporary project and uses it under Node
# (tests/npm-pack.test.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/build.sh
node --test tests/npm-pack.test.mjs
