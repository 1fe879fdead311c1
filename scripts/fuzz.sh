#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for EXECS executions each (default 1000000) and fails on
# any crash, panic, timeout or out-of-memory. Usage: scripts/fuzz.sh [EXECS]
#
# The fuzz crate is not a member of the root workspace (fuzz/Cargo.toml has its own
# `[workspace]`). cargo-fuzz needs nightly flags (-Zsanitizer, sancov); RUSTC_BOOTSTRAP=1 lets
# the stable toolchain accept them. libFuzzer itself is built from C++ by libfuzzer-sys with the
# system's c++ (g++ works; clang is not needed).
#
# Safe Rust has nothing for AddressSanitizer to find that a panic would not, so targets are built
# without a sanitizer (-s none, ~2-3x faster) but with debug assertions and overflow checks (-a).
# The committed seed corpus fuzz/corpus/<target>/ is read only; new inputs go to
# $CARGO_TARGET_DIR/fuzz-corpus/<target>/ and crashes to fuzz/artifacts/<target>/ (gitignored).
# Environment: FUZZ_TARGETS (default: all targets), FUZZ_TIMEOUT (seconds per input, default 10),
# FUZZ_RSS_MB (memory limit, default 2048).
set -euo pipefail
cd "$(dirname "$0")/.."
EXECS=${1:-1000000}
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target-fuzz}
export RUSTC_BOOTSTRAP=1
TARGETS=${FUZZ_TARGETS:-"config_json config_structured replay_string"}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz from crates.io"
  cargo install cargo-fuzz --locked
fi
if ! command -v c++ >/dev/null 2>&1; then
  echo "fuzz.sh: libfuzzer-sys needs a C++ compiler (apt-get install g++ or clang)" >&2
  exit 2
fi

FLAGS=(-O -a -s none --target-dir "$CARGO_TARGET_DIR")
cargo fuzz build "${FLAGS[@]}"

summary=()
status=0
for t in $TARGETS; do
  work="$CARGO_TARGET_DIR/fuzz-corpus/$t"
  log="$CARGO_TARGET_DIR/fuzz-$t.log"
  mkdir -p "$work"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  echo
  echo "=== fuzz $t: $EXECS executions (log: $log) ==="
  start=$(date +%s.%N)
  set +e
  cargo fuzz run "${FLAGS[@]}" "$t" "$work" "fuzz/corpus/$t" -- \
    -runs="$EXECS" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -print_final_stats=1 \
    "${dict[@]}" >"$log" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  execs=${execs:-0}
  rate=$(awk -v n="$execs" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "$work" -type f | wc -l)
  grep -E '^(stat::|Done )' "$log" || true
  if [ "$rc" -ne 0 ] || grep -qE '^==[0-9]+== ERROR|panicked at|deadly signal|out-of-memory|timeout after' "$log"; then
    echo "FAIL: $t crashed (exit $rc); last lines of $log:"
    grep -vE '^#[0-9]+|Uses:' "$log" | tail -40
    ls -1 "fuzz/artifacts/$t" 2>/dev/null | sed 's/^/  artifact: fuzz\/artifacts\/'"$t"'\//'
    status=1
    result=crash
  else
    result=ok
  fi
  summary+=("$(printf '%-14s %-5s execs %10s  time %8ss  exec/s %8s  cov %5s  corpus %5s' \
    "$t" "$result" "$execs" "$secs" "$rate" "${cov:-?}" "$corpus")")
done
echo
echo "=== fuzz summary ($EXECS executions requested per target) ==="
printf '%s\n' "${summary[@]}"
exit "$status"
