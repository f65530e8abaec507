#!/usr/bin/env bash
# Throughput of the Python package against the CLI (a benchmark, not a test):
#   1. the same N replies (agent turns of the demo data with the customer message before each,
#      cycled to N) through `evenkeel check --jsonl`, `evenkeel.check_many` and
#      `evenkeel.check_arrow` (replies per second; loading the input is not timed);
#   2. `python -m evenkeel.spark` on local[2] against `evenkeel audit` on the same demo export
#      of TURNS agent turns (turns per second, and the per-turn overhead Spark adds).
# Usage: scripts/bench-python.sh [N] [TURNS] [ENGINE]   (defaults: 1000000 200000 hybrid;
# N=0 or TURNS=0 skips that part)
# Needs the venv and wheel that scripts/test-python.sh builds and installs. EVENKEEL_BIN: a
# release evenkeel binary to use instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-1000000}"
TURNS="${2:-200000}"
ENGINE="${3:-hybrid}"
OUT="${BENCH_OUT:-$ROOT/bench-out}"
mkdir -p "$OUT"
VENV="$ROOT/target/py-venv"
PY="$VENV/bin/python"

BIN="${EVENKEEL_BIN:-$ROOT/target/release/evenkeel}"
if [ -z "${EVENKEEL_BIN:-}" ]; then
  cargo build --release --locked -p evenkeel 2>&1 | tail -1
fi
if ! "$PY" -c 'import evenkeel, pyarrow, pyspark' 2>/dev/null; then
  echo "bench-python: evenkeel, pyarrow and pyspark are not all in $VENV; run scripts/test-python.sh first (it builds and installs the wheel)" >&2
  exit 1
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

if [ "$N" -gt 0 ]; then
# The replies: agent turns of the demo data, each with the customer turn before it.
if [ ! -s "$OUT/replies-$N.jsonl" ]; then
  "$BIN" demo-data --turns 100000 --out "$OUT/replies-source.jsonl" 2>/dev/null
  "$PY" - "$OUT/replies-source.jsonl" "$OUT/replies-$N.jsonl" "$N" <<'PYEOF'
import json, sys, itertools
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
pairs, last = [], None
for line in open(src, encoding="utf-8"):
    t = json.loads(line)
    if t.get("author") == "customer":
        last = t["text"]
    elif t.get("author") == "agent" and t.get("text"):
        pairs.append((t["text"], last))
with open(dst, "w", encoding="utf-8") as f:
    for reply, customer in itertools.islice(itertools.cycle(pairs), n):
        f.write(json.dumps({"reply": reply, "customer": customer}, ensure_ascii=False) + "\n")
PYEOF
fi
echo "replies: $N ($(du -h "$OUT/replies-$N.jsonl" | cut -f1))"

start=$(date +%s.%N)
"$BIN" --no-config --engine "$ENGINE" check --jsonl "$OUT/replies-$N.jsonl" --fail-on none > /dev/null
cli=$(echo "$(date +%s.%N) - $start" | bc)
printf 'evenkeel check --jsonl      %8.1f s  %9.0f replies/s\n' "$cli" "$(echo "$N / $cli" | bc -l)"

"$PY" - "$OUT/replies-$N.jsonl" "$N" "$ENGINE" "$cli" <<'PYEOF'
import json, sys, time
import pyarrow as pa, pyarrow.json as pj
import evenkeel
path, n, engine, cli = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
table = pj.read_json(path)
replies = table.column("reply").to_pylist()
customers = table.column("customer").to_pylist()
evenkeel.check("warm up", engine=engine)
for name, run in [
    ("evenkeel.check_many", lambda: evenkeel.check_many(replies, customers, engine=engine)),
    ("evenkeel.check_many_json", lambda: evenkeel.check_many_json(replies, customers, engine=engine)),
    ("evenkeel.check_arrow", lambda: evenkeel.check_arrow(table, customer="customer", engine=engine)),
]:
    t = time.perf_counter(); out = run(); s = time.perf_counter() - t
    assert len(out) == n
    del out
    print(f"{name:<27} {s:8.1f} s  {n / s:9.0f} replies/s  ({cli / s:.2f}x the CLI's rate)")
PYEOF
fi

if [ "$TURNS" -gt 0 ]; then
# Spark against evenkeel audit on the same export.
if [ ! -s "$OUT/spark-$TURNS.csv" ]; then
  "$BIN" demo-data --turns "$TURNS" --out "$OUT/spark-$TURNS.csv"
fi
rm -rf "$OUT/spark-audit-$TURNS" "$OUT/spark-spark-$TURNS"
start=$(date +%s.%N)
"$BIN" --no-config --engine "$ENGINE" audit "$OUT/spark-$TURNS.csv" --out "$OUT/spark-audit-$TURNS" --quiet
audit=$(echo "$(date +%s.%N) - $start" | bc)
printf 'evenkeel audit              %8.1f s  %9.0f agent turns/s\n' "$audit" "$(echo "$TURNS / $audit" | bc -l)"
export PYSPARK_PYTHON="$PY" PYSPARK_DRIVER_PYTHON="$PY"
start=$(date +%s.%N)
"$PY" -m evenkeel.spark "$OUT/spark-$TURNS.csv" --out "$OUT/spark-spark-$TURNS" --engine "$ENGINE" --master 'local[2]' \
  --partitions 16 --driver-memory 4g 2> "$OUT/spark-$TURNS.log"
spark=$(echo "$(date +%s.%N) - $start" | bc)
printf 'python -m evenkeel.spark    %8.1f s  %9.0f agent turns/s (local[2], JVM start included)\n' "$spark" "$(echo "$TURNS / $spark" | bc -l)"
printf 'Spark adds %.1f µs per agent turn over evenkeel audit\n' "$(echo "($spark - $audit) * 1000000 / $TURNS" | bc -l)"
cmp "$OUT/spark-audit-$TURNS/agents.csv" "$OUT/spark-spark-$TURNS/agents.csv" && echo "agents.csv: identical"
fi
