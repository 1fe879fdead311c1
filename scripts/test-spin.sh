#!/usr/bin/env bash
# Cross-checks qisim's exhaustive explorer against SPIN on small configs (both policies): the
# verdicts must agree (qisim `proved` <=> SPIN `errors: 0`). Installs Debian's spin if missing.
# Prints states/s and memory of both on one shared config (see bench/explore.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { echo "[spin] $*" >&2; }

if ! command -v spin >/dev/null; then
  log "installing spin"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq spin >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq spin >/dev/null; }
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build --release -q -p qisim-cli
QISIM=$CARGO_TARGET_DIR/release/qisim

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp tests/spin/qi.pml "$WORK/"

# run_spin RING POLICY SEQ1 SEQ2 [SEQ3] -> prints "errors states seconds memMB"
run_spin() {
  local ring=$1 policy=$2; shift 2
  local n=$# calls i k setc="" 
  calls=$(awk -F, '{print NF}' <<<"$1")
  i=0
  for seq in "$@"; do
    k=0
    for c in ${seq//,/ }; do
      setc+="counts[$((i * calls + k))] = $c; "
      k=$((k + 1))
    done
    i=$((i + 1))
  done
  {
    echo "#define QLEN $ring"
    echo "#define NSUB $n"
    echo "#define NCALLS $calls"
    [ "$policy" = legacy ] && echo "#define LEGACY 1"
    echo "#define SETCOUNTS ${setc%; }"
  } >"$WORK/cfg.h"
  (cd "$WORK" && spin -a qi.pml >/dev/null && gcc -O2 -w -DSAFETY -DMEMLIM=4096 -DVECTORSZ=4096 -o pan pan.c \
     && ./pan -m1000000 >pan.out 2>&1 || true)
  local errors states secs mem
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$WORK/pan.out" | head -1)
  states=$(awk '/states, stored/{print $1; exit}' "$WORK/pan.out")
  secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds/\1/p' "$WORK/pan.out" | head -1)
  mem=$(awk '/total actual memory usage/{print $1; exit}' "$WORK/pan.out")
  echo "${errors:-?} ${states:-?} ${secs:-?} ${mem:-?}"
}

# run_qisim RING POLICY SEQ1 SEQ2 [SEQ3] -> prints "verdict states seconds"
run_qisim() {
  local ring=$1 policy=$2; shift 2
  local args=()
  for seq in "$@"; do args+=(--per-submitter "$seq"); done
  local json
  json=$("$QISIM" explore --ring "$ring" --policy "$policy" "${args[@]}" --json --quiet || true)
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(v["verdict"], v["states"], v["seconds"])' "$json"
}

fail=0
check() {
  local s q
  s=$(run_spin "$@")
  q=$(run_qisim "$@")
  local serr=${s%% *} qv=${q%% *}
  local agree=no
  if { [ "$serr" = 0 ] && [ "$qv" = proved ]; } || { [ "$serr" != 0 ] && [ "$serr" != "?" ] && [ "$qv" = counterexample ]; }; then
    agree=yes
  fi
  printf '%-44s spin errors=%-3s qisim=%-15s agree=%s\n' "ring $1 $2 ${*:3}" "$serr" "$qv" "$agree"
  [ "$agree" = yes ] || fail=1
}

check 8 legacy 1 0
check 8 fixed 1 0
check 4 legacy 0 1
check 4 fixed 0 1
check 8 legacy 1,1 1,1
check 8 fixed 1,0 0,1
check 8 legacy 1,2 0,1 2,0
check 8 fixed 1,2 0,1 2,0
check 6 fixed 0,2 2,0 1,1
check 8 legacy 2,2 1,1 1,2

# One shared config for the speed comparison (fixed: both explore everything).
BENCH=(8 fixed 1,2,0 0,1,2 2,0,1)
s=$(run_spin "${BENCH[@]}")
q=$(run_qisim "${BENCH[@]}")
read -r _ sst ssec smem <<<"$s"
read -r _ qst qsec <<<"$q"
python3 - "$sst" "$ssec" "$smem" "$qst" "$qsec" <<'PY'
import sys
sst, ssec, smem, qst, qsec = sys.argv[1:]
sst, ssec, smem, qst, qsec = int(sst), float(ssec), float(smem), int(qst), float(qsec)
srate = sst / ssec if ssec > 0 else float('nan')
qrate = qst / qsec if qsec > 0 else float('nan')
print(f"bench ring 8 fixed 1,2,0 0,1,2 2,0,1: spin {sst} states in {ssec:.2f} s ({srate:,.0f} states/s, {smem:.0f} MB total); "
      f"qisim {qst} states in {qsec:.2f} s ({qrate:,.0f} states/s); states/s ratio qisim/spin {qrate/srate:.2f}")
PY

if [ "$fail" != 0 ]; then
  log "verdicts disagree"
  exit 1
fi
log "all verdicts agree"
