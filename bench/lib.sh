# Shared by the bench scripts (source it after `cd` to the repository root): a work directory and
# the processes started into PIDS, both cleaned up on exit, and free loopback ports.

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  # a stopped redis-server (run.sh scenario h interrupted) must be resumed to act on SIGTERM
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A loopback port nothing listens on now.
free_port() {
  local port
  while true; do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# Waits (up to 20 s) until something listens on a loopback port.
wait_port() {
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done
  echo "nothing listens on $1" >&2; exit 1
}
