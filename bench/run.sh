#!/usr/bin/env bash
# One command for the numbers of docs/performance.md: builds keygate and the bench, starts a private
# redis-server and three keygate instances sharing it (two with the cache, one with
# KEYGATE_CACHE_MAX_KEYS=0), plus a fourth instance with a redis-server of its own for the hung-Redis
# scenario, runs every load scenario (each against the gRPC health-Check baseline of the same run),
# then the JMH micro-benchmarks.
#
#   bench/run.sh                       # everything, defaults (1,000,000 keys, 10 s per phase)
#   bench/run.sh --keys 100000 --duration 5s   # options go to the load generator (see its usage)
#   bench/run.sh --scenarios g,h --hung-calls 500   # only cache off and hung Redis
#   JMH=0 bench/run.sh                 # skip the micro-benchmarks; SKIP_BUILD=1 to reuse the jars
#   LIMITER=0                          # skip the limiter-memory measurement
#   KEYGATE_JAR=/path/keygate-server.jar   # the server to measure (default: this tree's build)
#   RESULTS_NAME=x                     # results to bench/results/x.json and x.md (default latest)
#
# Results: bench/results/latest.json and latest.md (load), jmh.json and jmh.txt (JMH).
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=bench/results
mkdir -p "$RESULTS"

command -v redis-server >/dev/null || { echo "redis-server is required (apt-get install -y redis-server)" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q package -DskipTests
fi
KEYGATE_JAR=${KEYGATE_JAR:-server/target/keygate-server.jar}
NAME=${RESULTS_NAME:-latest}
[ -f "$KEYGATE_JAR" ] || { echo "no server jar at $KEYGATE_JAR" >&2; exit 1; }

source bench/lib.sh

start_redis() {
  local port=$1 name=$2
  mkdir -p "$WORK/$name"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK/$name" \
    >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
REDIS_PORT=$(free_port); start_redis "$REDIS_PORT" redis
# scenario h pauses this one (SIGSTOP): nothing else uses it
HUNG_REDIS_PORT=$(free_port); start_redis "$HUNG_REDIS_PORT" redis-hung
HUNG_REDIS_PID=${PIDS[-1]}

# fresh secrets per run; they go to the processes through the environment only
export KEYGATE_PEPPER="$(head -c 32 /dev/urandom | base64)"
export KEYGATE_ADMIN_TOKEN="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"

# start_keygate PORT NAME REDIS_PORT [VAR=value ...]: the extra settings go to its environment
start_keygate() {
  local port=$1 name=$2 redis_port=$3
  shift 3
  env "$@" KEYGATE_LISTEN="127.0.0.1:$port" KEYGATE_REDIS_URL="redis://127.0.0.1:$redis_port" \
    KEYGATE_SHUTDOWN_GRACE=1s java ${KEYGATE_JAVA_OPTS:-} -jar "$KEYGATE_JAR" \
    >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
PORT_A=$(free_port); start_keygate "$PORT_A" a "$REDIS_PORT"
PORT_B=$(free_port); start_keygate "$PORT_B" b "$REDIS_PORT"
PORT_C=$(free_port); start_keygate "$PORT_C" cache-off "$REDIS_PORT" KEYGATE_CACHE_MAX_KEYS=0
PORT_H=$(free_port); start_keygate "$PORT_H" hung "$HUNG_REDIS_PORT" KEYGATE_REDIS_TIMEOUT=1s
HUNG_PID=${PIDS[-1]}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx3g -jar bench/target/keygate-bench.jar \
  --target "127.0.0.1:$PORT_A" --second "127.0.0.1:$PORT_B" \
  --redis "redis://127.0.0.1:$REDIS_PORT" --cache-off "127.0.0.1:$PORT_C" \
  --hung "127.0.0.1:$PORT_H" --hung-redis "redis://127.0.0.1:$HUNG_REDIS_PORT" \
  --hung-redis-pid "$HUNG_REDIS_PID" --hung-keygate-pid "$HUNG_PID" \
  --out "$RESULTS/$NAME.json" "$@" | tee "$RESULTS/$NAME.md"

if [ "${LIMITER:-1}" != 0 ]; then
  # heap per active rate limiter, in a JVM of its own so nothing else is on the heap
  java -Xmx2g -jar bench/target/keygate-bench.jar limiter-memory 200000 | tee "$RESULTS/limiter-memory.txt"
fi

if [ "${JMH:-1}" != 0 ]; then
  java -jar bench/target/keygate-bench.jar jmh -rf json -rff "$RESULTS/jmh.json" \
    | tee "$RESULTS/jmh.txt" | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' || true
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
