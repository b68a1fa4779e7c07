#!/usr/bin/env bash
# W9 (tcp_echo) and W9b (echo_cpu) of ../shared/WORKLOADS.md, for every echo server implementation.
#
# Usage: cortado-bench/run-echo.sh
#   For each implementation: starts EchoServer pinned to CPU 0, runs the EchoLoad generator pinned to CPU 1, first in
#   closed loop (W9), then in open loop at a fixed rate (W9b), stops the server; prints the generator's JSON lines, then
#   one table row per implementation with ratios against `nio`, the minimal Selector server.
#
# Environment (defaults are the WORKLOADS.md settings):
#   IMPLS="nio netty-nio netty-epoll vt cortado"   which servers, in this order (nio first: it is the yardstick)
#   SECONDS=10 (or MEASURE=10)   measured seconds of each run. SECONDS is bash's clock: it is read at the very
#                                first line, so `SECONDS=2 cortado-bench/run-echo.sh` works; MEASURE is the safe name
#   WARMUP=1                     W9 warm-up seconds (and W9b's too when WARMUP_OPEN is not set)
#   WARMUP_OPEN=5                W9b warm-up seconds
#   RATE=60000 CONNS=100 SIZE=64 W9b round trips a second; connections; message bytes
#   WORKLOADS="W9 W9b"           which of the two to run
#   SERVER_OPTS=... LOAD_OPTS=...  extra JVM flags for the server / the generator
#   BUILD=1                      build the bench jar first (default: only when it is missing)
# A quick smoke run: SECONDS=2 WARMUP=1 RATE=20000 IMPLS="nio cortado" cortado-bench/run-echo.sh
secs_from_env=$SECONDS # first: bash counts SECONDS up from the value it was given
set -euo pipefail
cd "$(dirname "$0")/.."

MEASURE=${MEASURE:-}
if [ -z "$MEASURE" ]; then
  if [ "$secs_from_env" -gt 0 ]; then MEASURE=$secs_from_env; else MEASURE=10; fi
fi
WARMUP=${WARMUP:-}
W9_WARMUP=${WARMUP:-1}
W9B_WARMUP=${WARMUP_OPEN:-${WARMUP:-5}}
RATE=${RATE:-60000}
CONNS=${CONNS:-100}
SIZE=${SIZE:-64}
IMPLS=${IMPLS:-nio netty-nio netty-epoll vt cortado}
WORKLOADS=${WORKLOADS:-W9 W9b}
SERVER_OPTS=${SERVER_OPTS:-}
LOAD_OPTS=${LOAD_OPTS:-}

JAVA="$(sh .mvn/find-jdk.sh)/bin/java"
JAR=cortado-bench/target/benchmarks.jar
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  ./mvnw -q -B -DskipTests package -pl cortado-bench -am
fi
command -v taskset >/dev/null || { echo "run-echo.sh: needs taskset (util-linux)" >&2; exit 1; }
[ "$(nproc --all)" -ge 2 ] || { echo "run-echo.sh: needs 2 CPUs (server on CPU 0, load on CPU 1)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/run-echo.XXXXXX")
SERVER_PID=
CTL=
stop_server() {
  if [ -n "$CTL" ]; then exec {CTL}>&-; CTL=; fi # the server's stdin ends: it exits
  if [ -n "$SERVER_PID" ]; then
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# summary KEY FILE: a value of the generator's SUMMARY line, or "-"
summary() { awk -v k="$2" '/^SUMMARY /{for(i=2;i<=NF;i++){split($i,a,"=");if(a[1]==k){print a[2];f=1}}} END{if(!f)print "-"}' "$1"; }

declare -A RES
for impl in $IMPLS; do
  jvm=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
  [ "$impl" = vt ] && jvm+=(-Djdk.virtualThreadScheduler.parallelism=1)
  fifo="$TMP/$impl.ctl"
  log="$TMP/$impl.server.log"
  mkfifo "$fifo"
  # shellcheck disable=SC2086
  taskset -c 0 "$JAVA" "${jvm[@]}" $SERVER_OPTS -cp "$JAR" io.cortado.bench.echo.EchoServer "$impl" 0 \
      <"$fifo" >"$log" 2>&1 &
  SERVER_PID=$!
  exec {CTL}>"$fifo"
  port=
  for _ in $(seq 300); do
    port=$(awk '/^READY /{print $2; exit}' "$log")
    [ -n "$port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "# $impl: the server did not start:" >&2
    sed 's/^/#   /' "$log" | head -5 >&2
    stop_server
    RES[$impl]=skipped
    continue
  fi
  for w in $WORKLOADS; do
    if [ "$w" = W9 ]; then
      args=(closed "$port" --warmup="$W9_WARMUP")
    else
      args=(open "$port" --warmup="$W9B_WARMUP" --rate="$RATE")
    fi
    out="$TMP/$impl.$w.out"
    # shellcheck disable=SC2086
    if ! taskset -c 1 "$JAVA" $LOAD_OPTS -cp "$JAR" io.cortado.bench.echo.EchoLoad "${args[@]}" --seconds="$MEASURE" \
        --conns="$CONNS" --size="$SIZE" --server-pid="$SERVER_PID" --impl="$impl" >"$out" {CTL}>&-; then
      echo "# $impl $w: the load generator failed" >&2
    fi
    grep '^{' "$out" || true
  done
  stop_server
  RES[$impl]=ran
done

# the table: W9 round trips a second as a fraction of nio's; W9b CPU per round trip as a multiple of nio's
val() { local f="$TMP/$1.$2.out"; if [ -f "$f" ]; then summary "$f" "$3"; else echo -; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="-"||b=="-"||b+0==0) print "-"; else printf "%.2f", a/b }'; }
echo
echo "W9: closed loop, $CONNS connections, ${W9_WARMUP} s warm-up + ${MEASURE} s.  W9b: open loop at $RATE/s, ${W9B_WARMUP} s warm-up + ${MEASURE} s."
echo "vs nio: W9 round trips as a fraction of nio's (1 = as fast); W9b server CPU per round trip as a multiple of nio's (1 = as cheap)."
echo "other CPU: busy CPU time of everything but the server and the generator (other processes, unattributed irq/softirq), % of one CPU: far from 0 (beyond about +-10) means a noisy run."
printf '| %-11s | %12s | %6s | %8s | %8s | %10s | %6s | %8s | %8s | %10s | %11s | %9s |\n' impl "W9 rt/s" "vs nio" "p50 us" "p99 us" \
    "W9b ns/rt" "vs nio" "p50 us" "p99 us" "sent/s" "send lag p99" "other CPU"
printf '|%s|\n' "-------------|--------------|--------|----------|----------|------------|--------|----------|----------|------------|-------------|-----------"
nio_rt=$(val nio W9 roundtrips_per_sec)
nio_ns=$(val nio W9b ns_per_roundtrip)
for impl in $IMPLS; do
  if [ "${RES[$impl]}" = skipped ]; then
    printf '| %-11s | %s |\n' "$impl" "skipped: the server did not start (see above)"
    continue
  fi
  rt=$(val "$impl" W9 roundtrips_per_sec)
  ns=$(val "$impl" W9b ns_per_roundtrip)
  other="$(val "$impl" W9 other_cpu_pct)/$(val "$impl" W9b other_cpu_pct)"
  printf '| %-11s | %12s | %6s | %8s | %8s | %10s | %6s | %8s | %8s | %10s | %11s | %9s |\n' "$impl" \
      "$rt" "$(ratio "$rt" "$nio_rt")" "$(val "$impl" W9 p50_us)" "$(val "$impl" W9 p99_us)" \
      "$ns" "$(ratio "$ns" "$nio_ns")" "$(val "$impl" W9b p50_us)" "$(val "$impl" W9b p99_us)" \
      "$(val "$impl" W9b achieved_rate)" "$(val "$impl" W9b send_lag_p99_us)" "$other"
done
