#!/usr/bin/env bash
# The audit on a million agent turns: `evenkeel demo-data --turns N` writes a CSV export, then
# `evenkeel audit` reads, groups, analyses (every core) and writes the four outputs, timed with
# /usr/bin/time -v (wall clock and peak resident memory).
# Usage: scripts/bench-audit.sh [N] [ENGINE]   (defaults: N = 1000000 agent turns, ENGINE = hybrid)
# Goal (issue 4): 1,000,000 agent turns on 2 cores in under 60 s, peak memory under 500 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
ENGINE="${2:-hybrid}"
OUT="${BENCH_OUT:-bench-out}"
mkdir -p "$OUT"

cargo build --release -p evenkeel 2>&1 | tail -1
BIN=target/release/evenkeel
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

if [ ! -s "$OUT/audit-$N.csv" ]; then
  "$BIN" demo-data --turns "$N" --out "$OUT/audit-$N.csv"
fi
echo "input: $(du -h "$OUT/audit-$N.csv" | cut -f1) ($OUT/audit-$N.csv)"

rm -rf "$OUT/audit-$N-$ENGINE"
/usr/bin/time -v "$BIN" --engine "$ENGINE" audit "$OUT/audit-$N.csv" --out "$OUT/audit-$N-$ENGINE" > "$OUT/audit-$N-$ENGINE.txt" 2> "$OUT/time-audit-$N-$ENGINE.txt"
cat "$OUT/audit-$N-$ENGINE.txt"
grep -E 'Elapsed \(wall clock\)|Maximum resident set size|Percent of CPU' "$OUT/time-audit-$N-$ENGINE.txt"
ls -l "$OUT/audit-$N-$ENGINE"
