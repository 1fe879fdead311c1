#!/usr/bin/env bash
# Kernels as programs (issue 21): the hunting step rate and the explorer's states/s of this
# tree against the Rust-coded model (BASE, default a9e62f5: the last commit before the
# programs), side by side in one session, interleaved (base, new, new, base, ...) so the
# machine's drift hits both alike. Figures only, no asserts; a markdown table at the end for
# bench/programs.md.
#
#   scripts/bench-programs.sh            # 3 rounds
#   ROUNDS=5 BASE=<commit> scripts/bench-programs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
BASE=${BASE:-a9e62f5}
ROUNDS=${ROUNDS:-3}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
SRC=/tmp/qisim-$BASE
if [ ! -d "$SRC" ]; then
  mkdir -p "$SRC" && git archive "$BASE" | tar -x -C "$SRC"
fi
echo "building the base ($BASE) and this tree (release)..." >&2
(cd "$SRC" && CARGO_TARGET_DIR="$TARGET/baseline-$BASE" cargo build --release -q -p qisim-cli)
CARGO_TARGET_DIR="$TARGET" cargo build --release -q -p qisim-cli
OLD="$TARGET/baseline-$BASE/release/qisim"
NEW="$TARGET/release/qisim"
EXPLORE="explore --ring 8 --policy fixed --submitters 3 --submissions 2 --count 0..2"
EXPLORE_ITE="explore --kernel 7.0 --ring 8 --submitters 2 --submissions 2 --count 0..2 --devtlb-share 1 --ite-rate 0.5 --max-faults 1"

field() { sed -E "s/.*\"$1\":([0-9.e+-]+).*/\1/" <<<"$2"; }
hunt() { local o; o=$("$1" bench --json -q); echo "$(field singleThreadStepsPerSecond "$o") $(field stepsPerSecond "$o")"; }
explore() { local o; o=$("$1" $2 --json -q || true); echo "$(field states "$o") $(field seconds "$o")"; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
R=$(mktemp)
for r in $(seq "$ROUNDS"); do
  for who in old new new old; do
    bin=$OLD; [ "$who" = new ] && bin=$NEW
    echo "$who hunt $(hunt "$bin")" | tee -a "$R"
    echo "$who explore $(explore "$bin" "$EXPLORE")" | tee -a "$R"
  done
done
# The 7.0 + ITE family: the programs' ITE step (a writel suspends qi_check_fault) adds states,
# so states/s is the comparable figure there, not seconds.
for who in old new new old; do
  bin=$OLD; [ "$who" = new ] && bin=$NEW
  echo "$who explore-ite $(explore "$bin" "$EXPLORE_ITE")" | tee -a "$R"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  $2 == "hunt" { h1[$1] += $3; h2[$1] += $4; nh[$1]++ }
  $2 == "explore" { es[$1] = $3; et[$1] += $4; ne[$1]++ }
  $2 == "explore-ite" { is[$1] = $3; it[$1] += $4; ni[$1]++ }
  END {
    print ""
    print "| figure | base (Rust model) | programs | ratio |"
    print "|---|---|---|---|"
    printf "| hunting step rate, one thread (`qisim bench`), M steps/s, mean of %d | %.1f | %.1f | %.2f× |\n", nh["new"], h1["old"]/nh["old"]/1e6, h1["new"]/nh["new"]/1e6, (h1["new"]/nh["new"])/(h1["old"]/nh["old"])
    printf "| hunting, both cores, M steps/s | %.1f | %.1f | %.2f× |\n", h2["old"]/nh["old"]/1e6, h2["new"]/nh["new"]/1e6, (h2["new"]/nh["new"])/(h2["old"]/nh["old"])
    printf "| explorer, acceptance family (%d states both), states/s | %.0f k | %.0f k | %.2f× |\n", es["new"], es["old"]*ne["old"]/et["old"]/1e3, es["new"]*ne["new"]/et["new"]/1e3, (es["new"]*ne["new"]/et["new"])/(es["old"]*ne["old"]/et["old"])
    printf "| explorer, 7.0 + ITE family (%d vs %d states), states/s | %.0f k | %.0f k | %.2f× |\n", is["old"], is["new"], is["old"]*ni["old"]/it["old"]/1e3, is["new"]*ni["new"]/it["new"]/1e3, (is["new"]*ni["new"]/it["new"])/(is["old"]*ni["old"]/it["old"])
  }' "$R"
rm -f "$R"
