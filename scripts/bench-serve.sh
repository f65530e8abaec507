#!/usr/bin/env bash
# Load on `POST /v1/check`: `wrk` (Debian's package, installed if missing) from a second process
# against `evenkeel serve` on loopback, 64 connections, with a valid agent token; prints
# throughput, latency percentiles and errors (non-2xx responses and socket errors).
# Usage: scripts/bench-serve.sh [SECONDS] [ENGINE] [CONNECTIONS]   (defaults: 30 hybrid 64)
# Goal (issue 5): >= 10,000 requests/s on 2 cores with p99 < 10 ms and no errors.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-30}"
ENGINE="${2:-hybrid}"
CONNS="${3:-64}"
PORT="${EVENKEEL_BENCH_PORT:-38181}"
OUT="${BENCH_OUT:-bench-out}"
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  SUDO=(); [ "$(id -u)" -ne 0 ] && SUDO=(sudo -n)
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq wrk </dev/null >/dev/null
fi
cargo build --release -p evenkeel 2>&1 | tail -1
BIN=target/release/evenkeel
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "bench-serve: something already answers on port $PORT; set EVENKEEL_BENCH_PORT" >&2
  exit 1
fi
TOKEN="$("$BIN" token create --role agent --name bench --db "$WORK/bench.db" 2>/dev/null | tail -1)"
"$BIN" --engine "$ENGINE" serve --addr "127.0.0.1:$PORT" --db "$WORK/bench.db" --data-dir "$WORK/data" 2> "$OUT/serve.log" &
SERVER=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# A realistic request: the article's sympathetic reply with the customer's message.
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"reply":"Wow! This is so irresponsible of my team. I apologize for their inconsistency. This is not acceptable. I will make sure this never happens again.","customer":"I have been waiting three weeks for my refund and nobody answers my emails. This is ridiculous."}'
response = function(status, headers, body)
  if status ~= 200 and not printed then printed = true; io.stderr:write("first non-2xx: " .. status .. " " .. body .. "\n") end
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.0f\n", summary.requests / (summary.duration / 1e6)))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("errors: non-2xx %d, connect %d, read %d, write %d, timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA
echo "machine: $(nproc) cores; engine $ENGINE; $CONNS connections; $SECS s; wrk on the same machine"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/check" | tee "$OUT/serve-$ENGINE.txt"
