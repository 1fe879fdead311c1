#!/usr/bin/env bash
# The explorer before and after the parallel BFS (issue 13), side by side in one session:
# the old explorer (commit d133e57, built from `git archive` into its own target dir) and this
# tree's at 1 thread, 2 threads, ... up to the cores available, then all cores with the levels
# spilled to files (`--spill-dir`), on one family. Prints states,
# seconds, states/s, peak RSS (/usr/bin/time -v, or the CLI's VmHWM), bytes/state, the
# speed-up against the old explorer and against 1 thread, and a markdown table to paste into
# bench/explore.md. Figures only, no asserts. The load average is printed with every run: on a
# shared machine the figures are noisy.
#
#   scripts/bench-explore.sh                 # the acceptance family (3 CPUs, 729 workloads)
#   FAMILY="--submitters 4" scripts/bench-explore.sh   # the 6,561-workload family
#   BASE=<commit> REPEAT=3 scripts/bench-explore.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
BASE=${BASE:-d133e57}
REPEAT=${REPEAT:-1}
FAMILY=${FAMILY:-"--submitters 3"}
ARGS="--ring 8 --policy fixed $FAMILY --submissions 2 --count 0..2"
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
CORES=$(nproc)

# A stable source dir: cargo rebuilds nothing the second time.
SRC=/tmp/qisim-$BASE
if [ ! -d "$SRC" ]; then
  mkdir -p "$SRC" && git archive "$BASE" | tar -x -C "$SRC"
fi
echo "building the old explorer ($BASE) and this tree (release)..." >&2
(cd "$SRC" && CARGO_TARGET_DIR="$TARGET/baseline" cargo build --release -q -p qisim-cli)
CARGO_TARGET_DIR="$TARGET" cargo build --release -q -p qisim-cli
OLD="$TARGET/baseline/release/qisim"
NEW="$TARGET/release/qisim"

# run LABEL CMD...: one line "label verdict states seconds rss_kb load cpu_s" per run.
run() {
  local label=$1; shift
  local out tm load
  load=$(cut -d' ' -f1 /proc/loadavg)
  tm=$(mktemp)
  out=$(/usr/bin/time -f "%M %U %S" -o "$tm" "$@" --json -q)
  local rss cpu; read -r rss usr sys < <(tail -1 "$tm"); rm -f "$tm"
  cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  local states seconds
  states=$(sed -E 's/.*"states":([0-9]+).*/\1/' <<<"$out")
  seconds=$(sed -E 's/.*"seconds":([0-9.e+-]+).*/\1/' <<<"$out")
  verdict=$(sed -E 's/.*"verdict":"([a-zA-Z]+)".*/\1/' <<<"$out")
  echo "$label $verdict $states $seconds $rss $load $cpu"
}

echo "family: qisim explore $ARGS; $CORES cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS=$(mktemp)
SPILL=$(mktemp -d)
trap 'rm -rf "$SPILL"' EXIT
for _ in $(seq "$REPEAT"); do
  run "old($BASE)" "$OLD" explore $ARGS | tee -a "$RESULTS"
  for t in $(seq 1 "$CORES"); do
    run "new,${t}-thread" "$NEW" explore $ARGS --threads "$t" | tee -a "$RESULTS"
  done
  run "new,${CORES}-thread,spill" "$NEW" explore $ARGS --threads "$CORES" --spill-dir "$SPILL" | tee -a "$RESULTS"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
awk -v base="old($BASE)" '
  { label[NR]=$1; verdict[NR]=$2; states[NR]=$3; sec[NR]=$4; rss[NR]=$5; load[NR]=$6; cpu[NR]=$7
    if ($1 == base && !(b)) b = $4
    if ($1 == "new,1-thread" && !(one)) one = $4 }
  END {
    print "| explorer | verdict | states | s | CPU s | states/s | peak RSS | bytes/state (RSS) | × old | × 1 thread | load |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= NR; i++)
      printf "| %s | %s | %d | %.1f | %s | %.0f | %.0f MB | %.1f | %.2f | %s | %s |\n", label[i], verdict[i],
        states[i], sec[i], cpu[i], states[i] / sec[i], rss[i] / 1024, rss[i] * 1024 / states[i],
        b / sec[i], (label[i] ~ /^new/ ? sprintf("%.2f", one / sec[i]) : "—"), load[i]
  }' "$RESULTS"
rm -f "$RESULTS"
