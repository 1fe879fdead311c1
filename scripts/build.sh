#!/usr/bin/env bash
# Builds the WebAssembly package into web/lib/pkg/ (ES module `web/lib/pkg/qisim_wasm.js`,
# `--target web`), the library's preset table (web/lib/presets.js), then the playground's own
# build step (scripts/build-web.sh) if there is one.
# Quick when nothing changed: the wasm-pack step is skipped while web/lib/pkg is newer than every
# Rust source and manifest. QISIM_FORCE_BUILD=1 rebuilds anyway; QISIM_WASM_PROFILE=dev builds
# an unoptimised debug module.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { echo "[build] $*" >&2; }

out=web/lib/pkg
stamp=$out/.build-stamp
profile=${QISIM_WASM_PROFILE:-release}

needs_build() {
  [ "${QISIM_FORCE_BUILD:-0}" = 1 ] && return 0
  [ -f "$stamp" ] && [ -f "$out/qisim_wasm_bg.wasm" ] && [ -f "$out/qisim_wasm.js" ] || return 0
  [ "$(cat "$stamp")" = "$profile" ] || return 0
  [ -z "$(find core/src core/Cargo.toml wasm/src wasm/Cargo.toml Cargo.toml Cargo.lock .cargo \
      -newer "$stamp" -print -quit 2>/dev/null)" ] && return 1
  return 0
}

if needs_build; then
  log "wasm-pack build ($profile) -> $out"
  # Never let wasm-pack fetch tools: wasm-bindgen-cli comes from scripts/setup.sh (pinned to
  # Cargo.lock) and wasm-opt is off in wasm/Cargo.toml.
  rm -f "$stamp"
  wasm-pack --log-level warn build wasm "--$profile" --mode no-install --target web \
    --out-dir "../$out" --no-pack
  # wasm-pack writes a .gitignore of its own ("*") into the output folder, which would keep
  # the module out of `npm pack`; web/lib/pkg is ignored by the repository's .gitignore instead.
  rm -f "$out/.gitignore"
  echo "$profile" >"$stamp"
  log "$(du -h "$out/qisim_wasm_bg.wasm" | cut -f1) $out/qisim_wasm_bg.wasm"
else
  log "$out is up to date"
fi

# The library's preset table (<qi-sim>'s, the playground's) comes from the core
# (scripts/gen-presets.mjs); it is part of the npm package.
presets=web/lib/presets.js
if [ ! -f $presets ] || [ $out/qisim_wasm_bg.wasm -nt $presets ] || [ scripts/gen-presets.mjs -nt $presets ]; then
  node scripts/gen-presets.mjs
fi

if [ -f scripts/build-web.sh ]; then
  bash scripts/build-web.sh
fi
