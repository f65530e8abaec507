#!/usr/bin/env bash
# Instructions per reply for each engine, counted by valgrind (cachegrind, no cache
# simulation). Unlike wall-clock figures, these do not move with a noisy neighbour on a shared
# VM, so they show what a change to the analyzer saves. One extra pass of the `throughput`
# example is counted: (instructions with two passes - with one) / replies, so start-up, regex
# compilation and the warm-up pass cancel out.
# Usage: scripts/bench-instructions.sh [INPUT/ENGINE ...]   (default: all four below)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt install valgrind)" >&2; exit 2; }
cargo build --release -q -p evenkeel-model --example throughput
BIN=target/release/examples/throughput
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(synthetic/rules synthetic/hybrid corpus/rules corpus/hybrid)
count() {
  THROUGHPUT_ONLY="$1" THROUGHPUT_PASSES="$2" valgrind --tool=cachegrind --cache-sim=no \
    --cachegrind-out-file=/dev/null "$BIN" 2>&1 >/dev/null |
    awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}
for c in "${CASES[@]}"; do
  one=$(count "$c" 1)
  two=$(count "$c" 2)
  case "$c" in synthetic/*) n=10000 ;; *) n=5440 ;; esac
  echo "$c: $(( (two - one) / n )) instructions a reply"
done
