#!/usr/bin/env bash
# The cost of keygate behind a real proxy: nginx in front of a static upstream, with and without
# auth_request to keygate's HTTP forward-auth listener (docs/http/nginx.conf, ports replaced), in
# one run. h2load drives both over HTTP/1.1 keep-alive (--h1); phases alternate (plain, auth,
# plain, auth) so drift on a shared machine hits both alike. Every auth call is a cache hit (one
# hot key, Redis behind keygate). Reports throughput ratio and p50/p99 differences, with the load
# average before and after.
#
#   bench/proxy.sh                      # 32 connections, 3 s warm-up + 10 s per phase
#   CONNECTIONS=64 DURATION=20 bench/proxy.sh
#   SKIP_BUILD=1 bench/proxy.sh         # reuse server/target/keygate-server.jar and the bench jar
#
# Results: bench/results/proxy.md (and the raw h2load summaries under bench/results/proxy/).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in nginx h2load redis-server; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "$tool is required (apt-get install -y nginx nghttp2-client redis-server)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q package -DskipTests -pl server,bench -am
fi
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
RESULTS=bench/results
mkdir -p "$RESULTS/proxy"

source bench/lib.sh

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_port "$REDIS_PORT"

GRPC_PORT=$(free_port); HTTP_PORT=$(free_port); APP_PORT=$(free_port)
AUTH_PORT=$(free_port); PLAIN_PORT=$(free_port)
ADMIN_TOKEN=$(head -c 24 /dev/urandom | base64)
KEYGATE_LISTEN=127.0.0.1:$GRPC_PORT KEYGATE_HTTP_LISTEN=127.0.0.1:$HTTP_PORT \
  KEYGATE_REDIS_URL=redis://127.0.0.1:$REDIS_PORT KEYGATE_PEPPER=$(head -c 32 /dev/urandom | base64) \
  KEYGATE_ADMIN_TOKEN=$ADMIN_TOKEN KEYGATE_ROUTES=docs/http/routes.txt \
  java -Xmx512m -jar server/target/keygate-server.jar >"$WORK/keygate.log" 2>&1 &
PIDS+=($!)
wait_port "$HTTP_PORT"
sleep 1
KEY=$(java -jar bench/target/keygate-bench.jar create-key "$GRPC_PORT" "$ADMIN_TOKEN" tasks:read)

# the example config, ports replaced, plus the static upstream and an unauthenticated twin
mkdir -p "$WORK/nginx/logs"
sed -e "s/127.0.0.1:7071/127.0.0.1:$HTTP_PORT/; s/127.0.0.1:3000/127.0.0.1:$APP_PORT/; s/127.0.0.1:8080/127.0.0.1:$AUTH_PORT/" \
  docs/http/nginx.conf | sed '$d' >"$WORK/nginx/nginx.conf"
cat >>"$WORK/nginx/nginx.conf" <<CONF
    server {   # the static upstream
        listen 127.0.0.1:$APP_PORT;
        location / { return 200 "ok\n"; }
    }
    server {   # the same proxying without auth_request
        listen 127.0.0.1:$PLAIN_PORT;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location / { proxy_pass http://app; }
    }
}
CONF
"$NGINX" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -g "daemon off; user $(id -un);" \
  >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
wait_port "$AUTH_PORT"; wait_port "$PLAIN_PORT"

# sanity: the auth side really checks (401 without the key, 200 with it)
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$AUTH_PORT/v1/tasks")" = 401 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $KEY" "http://127.0.0.1:$AUTH_PORT/v1/tasks")" = 200 ]

phase() { # name port
  local log="$WORK/$1.log"
  h2load --h1 -c "$CONNECTIONS" -D "$DURATION" --warm-up-time "$WARMUP" \
    -H "authorization: Bearer $KEY" --log-file "$log" "http://127.0.0.1:$2/v1/tasks" \
    >"$RESULTS/proxy/$1.txt" 2>&1
  # req/s, non-2xx, p50 and p99 (µs) from the per-request log (3rd column: elapsed µs)
  local rps fail p50 p99
  rps=$(awk '/^finished in/ {gsub(",","",$4); print $4}' "$RESULTS/proxy/$1.txt")
  fail=$(awk '$2 !~ /^2/' "$log" | wc -l)
  read -r p50 p99 < <(awk '{print $3}' "$log" | sort -n | awk '{a[NR]=$1} END {print a[int(NR*0.5)], a[int(NR*0.99)]}')
  echo "$1 $rps $p50 $p99 $fail"
}

RUNS=()
for round in 1 2; do
  RUNS+=("$(phase plain$round "$PLAIN_PORT")")
  RUNS+=("$(phase auth$round "$AUTH_PORT")")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# keygate behind nginx: auth_request cost"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $("$NGINX" -v 2>&1 | sed 's/.*\///'), h2load --h1 -c $CONNECTIONS, ${WARMUP} s warm-up + ${DURATION} s per phase,"
  echo "one hot key (cache hits), nginx worker_processes 1, keygate/redis/nginx/h2load on the same machine."
  echo "Load average before: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo
  echo "| Phase | req/s | p50 µs | p99 µs | non-2xx |"
  echo "|---|---|---|---|---|"
  for r in "${RUNS[@]}"; do set -- $r; echo "| $1 | $2 | $3 | $4 | $5 |"; done
  echo
  echo "| Round | Throughput ratio (auth / plain) | p50 Δ | p99 Δ |"
  echo "|---|---|---|---|"
  for i in 0 2; do
    set -- ${RUNS[$i]}; prps=$2; p50=$3; p99=$4
    set -- ${RUNS[$((i+1))]}; arps=$2; a50=$3; a99=$4
    echo "| $((i/2+1)) | $(awk -v a="$arps" -v p="$prps" 'BEGIN{printf "%.2f", a/p}') | +$(( (a50-p50) )) µs | +$(( (a99-p99) )) µs |"
  done
  echo
  echo "Target (issue 15, against Kong's published key-auth + rate-limiting cost of 24 % throughput and ~2 ms p99):"
  echo ">= 0.8x throughput and p99 within +1 ms."
} >"$RESULTS/proxy.md"
cat "$RESULTS/proxy.md"
