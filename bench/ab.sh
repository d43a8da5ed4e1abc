#!/usr/bin/env bash
# Branch against branch: runs the selected load scenarios alternately against two keygate server
# builds in one session (old, new, new, old, ... so drift in the machine's load hits both alike)
# and writes a side-by-side Markdown table to bench/results/ab-<NAME>.md (the run files go to
# bench/results/ab-<NAME>-runs/). Each run is a full bench/run.sh: fresh redis-servers and keygate
# instances, every figure against the health-Check baseline of the same run.
#
#   bench/ab.sh OLD_JAR NEW_JAR        # two server jars (keygate-server.jar, the shaded one)
#   bench/ab.sh [REF [NEW_JAR]]        # old = git REF (default eb967a4), built in a worktree at
#                                      # /tmp/old-<commit>; new = this tree's server build
#   bench/ab.sh OLD NEW -- --concurrency 16   # after --: more options for the load generator
#
# Environment: NAME (old-vs-new), ROUNDS (2: runs per build), SCENARIOS (a,b,g,h: hits, uniform
# misses, cache off, hung Redis), KEYS (200000), DURATION (5s), WARMUP (2s), HUNG_CALLS (2000),
# SKIP_BUILD=1 (use this tree's jars as they are; the bench jar must exist).
#
# The load generator (and its seeder, which writes keys with this tree's Redis layout) is always
# this tree's bench/target/keygate-bench.jar; only the server differs between the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=$(pwd)

ARGS=()
EXTRA=()
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then shift; EXTRA=("$@"); break; fi
  ARGS+=("$1"); shift
done
OLD=${ARGS[0]:-eb967a4}
NEW=${ARGS[1]:-}
NAME=${NAME:-old-vs-new}
ROUNDS=${ROUNDS:-2}
SCENARIOS=${SCENARIOS:-a,b,g,h}
KEYS=${KEYS:-200000}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-2s}
HUNG_CALLS=${HUNG_CALLS:-2000}

mvn_package() { # mvn_package DIR MODULES: offline first, online if a dependency is missing
  (cd "$1" && { mvn -B -q -o package -DskipTests -pl "$2" -am || mvn -B -q package -DskipTests -pl "$2" -am; })
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building this tree's server and bench ..." >&2
  mvn_package "$TREE" server,bench
fi
[ -f bench/target/keygate-bench.jar ] || { echo "no bench/target/keygate-bench.jar" >&2; exit 1; }

if [ -f "$OLD" ]; then
  OLD_JAR=$(realpath "$OLD")
  OLD_DESC="$OLD_JAR"
else
  COMMIT=$(git rev-parse --verify --short=12 "$OLD^{commit}")
  DIR=/tmp/old-$COMMIT
  if [ ! -d "$DIR" ]; then
    git worktree add --detach "$DIR" "$COMMIT" >&2
  fi
  OLD_JAR=$DIR/server/target/keygate-server.jar
  if [ ! -f "$OLD_JAR" ]; then
    echo "building $OLD ($COMMIT) in $DIR ..." >&2
    mvn_package "$DIR" server
  fi
  OLD_DESC="$OLD = $COMMIT (built in $DIR)"
fi
if [ -n "$NEW" ]; then
  NEW_JAR=$(realpath "$NEW")
  NEW_DESC="$NEW_JAR"
else
  NEW_JAR=$TREE/server/target/keygate-server.jar
  NEW_DESC="this tree, $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- server proto || echo ' + uncommitted changes')"
fi
for jar in "$OLD_JAR" "$NEW_JAR"; do
  [ -f "$jar" ] || { echo "no server jar at $jar" >&2; exit 1; }
done

RUNS_DIR=ab-$NAME-runs
mkdir -p "bench/results/$RUNS_DIR"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "A/B $NAME: old = $OLD_DESC; new = $NEW_DESC; load average at start $LOAD_START" >&2
REPORT_ARGS=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then ORDER="old new"; else ORDER="new old"; fi
  for side in $ORDER; do
    if [ "$side" = old ]; then jar=$OLD_JAR; else jar=$NEW_JAR; fi
    echo "== round $round: $side ($jar), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    JMH=0 LIMITER=0 SKIP_BUILD=1 KEYGATE_JAR="$jar" RESULTS_NAME="$RUNS_DIR/$side-$round" \
      bench/run.sh --scenarios "$SCENARIOS" --keys "$KEYS" --duration "$DURATION" \
      --warmup "$WARMUP" --hung-calls "$HUNG_CALLS" ${EXTRA[@]+"${EXTRA[@]}"} >&2
    REPORT_ARGS+=("$side=bench/results/$RUNS_DIR/$side-$round.json")
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

java -jar bench/target/keygate-bench.jar ab-report --out "bench/results/ab-$NAME.md" \
  --title "A/B $NAME: old against new server" \
  --load-start "$LOAD_START" --load-end "$LOAD_END" \
  --note "old = $OLD_DESC; new = $NEW_DESC. $ROUNDS run(s) per build, alternating (old first in odd rounds, new first in even ones); each: \`bench/run.sh --scenarios $SCENARIOS --keys $KEYS --duration $DURATION --warmup $WARMUP --hung-calls $HUNG_CALLS${EXTRA[*]+ ${EXTRA[*]}}\` (JMH=0). Closed loop; ratio = Authorize / health-Check baseline of the same run and server. Run files: \`bench/results/$RUNS_DIR/\`." \
  "${REPORT_ARGS[@]}"
