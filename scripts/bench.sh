#!/usr/bin/env bash
# Throughput of the rule engine on one core.
#   1. `evenkeel check --jsonl` on 100,000 generated replies (the whole path: read, analyse,
#      serialise), pinned to one core, timed with /usr/bin/time -v (and hyperfine if present);
#   2. the analyzer alone, through criterion (`cargo bench -p evenkeel-core --bench analyzer`);
#   3. each engine (rules, hybrid, model), through criterion (`cargo bench -p evenkeel-model`).
# Usage: scripts/bench.sh [N]   (default N = 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
OUT="${BENCH_OUT:-bench-out}"
mkdir -p "$OUT"

cargo build --release -p evenkeel -p evenkeel-core --examples --bins 2>&1 | tail -1
BIN=target/release/evenkeel
cargo run --release -q -p evenkeel-core --example gen_replies -- "$N" > "$OUT/replies.jsonl"
echo "generated $N replies ($(du -h "$OUT/replies.jsonl" | cut -f1)) in $OUT/replies.jsonl"

PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

for engine in rules hybrid; do
  echo "== evenkeel --engine $engine check --jsonl, one core"
  "${PIN[@]}" /usr/bin/time -v "$BIN" --engine "$engine" check --jsonl --fail-on none "$OUT/replies.jsonl" > "$OUT/findings-$engine.jsonl" 2> "$OUT/time-$engine.txt"
  wall=$(grep 'Elapsed (wall clock)' "$OUT/time-$engine.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$OUT/time-$engine.txt" | awk '{print $NF}')
  secs=$(python3 -c "
t='$wall'.split(':'); s=0.0
for p in t: s=s*60+float(p)
print(s)")
  echo "wall ${secs}s, max RSS ${rss} KB, $(python3 -c "print(f'{$N/$secs:,.0f}')") replies/s"
done
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 5 "${PIN[*]} $BIN check --jsonl --fail-on none $OUT/replies.jsonl > /dev/null"
fi

echo "== analyzer alone (criterion, one thread)"
"${PIN[@]}" cargo bench -q -p evenkeel-core --bench analyzer -- --noplot 2>&1 | grep -E "analyze|build|time:|thrpt:" || true
echo "== engines: rules, hybrid, model (criterion, one thread)"
"${PIN[@]}" cargo bench -q -p evenkeel-model --bench engine -- --noplot 2>&1 | grep -E "engine/|time:|thrpt:" || true
