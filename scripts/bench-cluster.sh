#!/usr/bin/env bash
# The explorer on one family three ways, side by side in one session, in ABBA order: threads
# (`--threads 1`, `--threads 2`) and a cluster of two local processes of one worker each
# (`--cluster --processes 2`, on 127.0.0.1). Prints per run the verdict, states, seconds,
# peak RSS of each process (/usr/bin/time), bytes per state and the payload bytes the
# processes sent each other, and a markdown table for bench/explore.md. Figures only, no
# asserts; the load average is printed with every run (the machine may be shared).
#
#   scripts/bench-cluster.sh                           # the 4-CPU family (17 M states)
#   FAMILY="--submitters 5" REPEAT=1 RUNS="t2 c" scripts/bench-cluster.sh   # the 5-CPU family
#   (183 M states), 2 threads against the cluster only (RUNS: t1, t2, c; ABBA when REPEAT=2)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-2}
RUNS=${RUNS:-"t1 t2 c"}
FAMILY=${FAMILY:-"--submitters 4"}
ARGS="explore --ring 8 --policy fixed $FAMILY --submissions 2 --count 0..2 --max-states 4000000000 --json -q"
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
# QISIM=path: a binary of its own (a long run survives rebuilds of the tree).
if [ -z "${QISIM:-}" ]; then cargo build --release -q -p qisim-cli; fi
Q=${QISIM:-"$TARGET/release/qisim"}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

field() { sed -E "s/.*\"$1\":([0-9.e+-]+).*/\\1/" <<<"$2"; }

# threads N: one process.
threads() {
  local load out rss
  load=$(cut -d' ' -f1 /proc/loadavg)
  out=$(/usr/bin/time -f "%M" -o "$TMP/t" "$Q" $ARGS --threads "$1")
  rss=$(tail -1 "$TMP/t")
  report "threads $1" "$out" "$rss" "" "$load"
}

# cluster: two processes of one worker on free ports of 127.0.0.1.
cluster() {
  local load p0 p1 rss0 rss1 out0 out1 hosts="$TMP/hosts"
  load=$(cut -d' ' -f1 /proc/loadavg)
  python3 -c 'import socket
ss=[socket.socket() for _ in range(2)]
[s.bind(("127.0.0.1",0)) for s in ss]
print("\n".join("127.0.0.1:%d" % s.getsockname()[1] for s in ss))' > "$hosts"
  /usr/bin/time -f "%M" -o "$TMP/t1" "$Q" $ARGS --cluster --processes 2 --process 1 --hostfile "$hosts" > "$TMP/o1" &
  p1=$!
  /usr/bin/time -f "%M" -o "$TMP/t0" "$Q" $ARGS --cluster --processes 2 --process 0 --hostfile "$hosts" > "$TMP/o0"
  wait $p1
  out0=$(cat "$TMP/o0"); out1=$(cat "$TMP/o1")
  rss0=$(tail -1 "$TMP/t0"); rss1=$(tail -1 "$TMP/t1")
  local wire=$(( $(field wireBytesSent "$out0") + $(field wireBytesSent "$out1") ))
  report "2 processes × 1 worker" "$out0" "$rss0" "$rss1" "$load" "$wire"
}

ROWS=()
report() {
  local label=$1 out=$2 rss0=$3 rss1=$4 load=$5 wire=${6:-}
  local states seconds verdict
  states=$(field states "$out"); seconds=$(field seconds "$out")
  verdict=$(sed -E 's/.*"verdict":"([a-zA-Z]+)".*/\1/' <<<"$out")
  local rss="$((rss0 / 1024)) MB" bps
  bps=$(awk -v r="$rss0" -v r1="${rss1:-0}" -v n="$states" 'BEGIN { printf "%.1f", (r + r1) * 1024 / n }')
  [ -n "$rss1" ] && rss="$((rss0 / 1024)) + $((rss1 / 1024)) MB"
  local w="—"
  [ -n "$wire" ] && w=$(awk -v b="$wire" -v n="$states" 'BEGIN { printf "%.0f MB (%.1f B/state)", b / 1e6, b / n }')
  echo "$label: $verdict $states states, ${seconds}s, peak RSS $rss ($bps B/state), wire $w, load $load" >&2
  ROWS+=("| $label | $verdict | $states | $(printf %.1f "$seconds") | $rss | $bps | $w | $load |")
}

one() { case $1 in t1) threads 1 ;; t2) threads 2 ;; c) cluster ;; esac; }
for r in $(seq "$REPEAT"); do
  order=$RUNS
  [ $((r % 2)) = 0 ] && order=$(tr ' ' '\n' <<<"$RUNS" | tac | tr '\n' ' ')
  for x in $order; do one "$x"; done
done
echo "| run | verdict | states | s | peak RSS | B/state (RSS, all processes) | wire (both ways) | load |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
