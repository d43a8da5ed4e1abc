#!/usr/bin/env bash
# One command for the README's Performance numbers: builds keygate and the bench, starts a private
# redis-server and two keygate instances sharing it, runs every load scenario (each against the
# gRPC health-Check baseline of the same run), then the JMH micro-benchmarks.
#
#   bench/run.sh                       # everything, defaults (1,000,000 keys, 10 s per phase)
#   bench/run.sh --keys 100000 --duration 5s   # options go to the load generator (see its usage)
#   JMH=0 bench/run.sh                 # skip the micro-benchmarks; SKIP_BUILD=1 to reuse the jars
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

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port
  while true; do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

# fresh secrets per run; they go to the processes through the environment only
export KEYGATE_PEPPER="$(head -c 32 /dev/urandom | base64)"
export KEYGATE_ADMIN_TOKEN="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"

start_keygate() {
  local port=$1 name=$2
  KEYGATE_LISTEN="127.0.0.1:$port" KEYGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    KEYGATE_SHUTDOWN_GRACE=1s java ${KEYGATE_JAVA_OPTS:-} -jar server/target/keygate-server.jar \
    >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
PORT_A=$(free_port); start_keygate "$PORT_A" a
PORT_B=$(free_port); start_keygate "$PORT_B" b

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx3g -jar bench/target/keygate-bench.jar \
  --target "127.0.0.1:$PORT_A" --second "127.0.0.1:$PORT_B" \
  --redis "redis://127.0.0.1:$REDIS_PORT" --out "$RESULTS/latest.json" "$@" | tee "$RESULTS/latest.md"

# heap per active rate limiter, in a JVM of its own so nothing else is on the heap
java -Xmx2g -jar bench/target/keygate-bench.jar limiter-memory 200000 | tee "$RESULTS/limiter-memory.txt"

if [ "${JMH:-1}" != 0 ]; then
  java -jar bench/target/keygate-bench.jar jmh -rf json -rff "$RESULTS/jmh.json" \
    | tee "$RESULTS/jmh.txt" | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' || true
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
