#!/usr/bin/env bash
# The Redis memory per key of docs/performance.md, alone: starts a private, empty redis-server,
# seeds N keys into it the way bench/run.sh's scenario (b) does (the server's own create, 10 keys a
# project) and prints the used_memory delta per key, MEMORY USAGE samples and the load average.
#
#   bench/memory.sh            # 1,000,000 keys
#   bench/memory.sh 200000     # fewer
#   SKIP_BUILD=1 bench/memory.sh
#
# Result: bench/results/redis-memory.txt (the line and its JSON).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is required" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q package -pl bench -am -DskipTests
fi
source bench/lib.sh
PORT=$(free_port)
mkdir -p "$WORK/redis"
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK/redis" \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT"
mkdir -p bench/results
java -Xmx3g -jar bench/target/keygate-bench.jar redis-memory "redis://127.0.0.1:$PORT" "${1:-1000000}" \
  | tee bench/results/redis-memory.txt
