#!/usr/bin/env bash
# W12 (tls_echo) of ../shared/WORKLOADS.md: the W9 / W9b echo shapes over TLS 1.3 (TLS_AES_128_GCM_SHA256, the JDK's
# provider for every peer, one self-signed EC P-256 certificate), plus full handshakes a second.
#
# Usage: cortado-bench/run-tls-echo.sh
#   Writes a certificate (BenchTls) into a temporary directory; then for each implementation starts TlsEchoServer
#   pinned to CPU 0 and runs, pinned to CPU 1:
#     W12a  EchoLoad closed --tls   closed-loop round trips a second (the W9 shape)
#     W12b  EchoLoad open --tls     server CPU per round trip at a fixed rate (the W9b shape, 20,000/s)
#     W12c  TlsHandshakeLoad        full handshakes a second, one new connection per handshake, no resumption
#   then stops the server; prints the generators' JSON lines, then one table row per implementation with ratios
#   against `nio`, the minimal Selector + SSLEngine loop (the ceiling).
#
# Environment (defaults are the WORKLOADS.md settings):
#   IMPLS="nio netty-nio cortado"  which servers, in this order (nio first: it is the yardstick); netty-epoll also works
#   SECONDS=10 (or MEASURE=10)     measured seconds of each run (SECONDS: see run-echo.sh; MEASURE is the safe name)
#   WARMUP=1 WARMUP_OPEN=5 WARMUP_HS=3   warm-up seconds of W12a, W12b, W12c
#   RATE=20000 CONNS=100 SIZE=64   W12b round trips a second; echo connections; message bytes
#   HS_CONNS=16                    W12c: connections in progress at once
#   WORKLOADS="W12a W12b W12c"     which to run
#   SERVER_OPTS=... LOAD_OPTS=...  extra JVM flags for the server / the generators
#   BUILD=1                        build the bench jar first (default: only when it is missing)
# A quick smoke run: SECONDS=2 WARMUP=1 WARMUP_OPEN=2 WARMUP_HS=2 cortado-bench/run-tls-echo.sh
secs_from_env=$SECONDS # first: bash counts SECONDS up from the value it was given
set -euo pipefail
cd "$(dirname "$0")/.."

MEASURE=${MEASURE:-}
if [ -z "$MEASURE" ]; then
  if [ "$secs_from_env" -gt 0 ]; then MEASURE=$secs_from_env; else MEASURE=10; fi
fi
A_WARMUP=${WARMUP:-1}
B_WARMUP=${WARMUP_OPEN:-${WARMUP:-5}}
C_WARMUP=${WARMUP_HS:-${WARMUP:-3}}
RATE=${RATE:-20000}
CONNS=${CONNS:-100}
SIZE=${SIZE:-64}
HS_CONNS=${HS_CONNS:-16}
IMPLS=${IMPLS:-nio netty-nio cortado}
WORKLOADS=${WORKLOADS:-W12a W12b W12c}
SERVER_OPTS=${SERVER_OPTS:-}
LOAD_OPTS=${LOAD_OPTS:-}

JAVA="$(sh .mvn/find-jdk.sh)/bin/java"
JAR=cortado-bench/target/benchmarks.jar
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  ./mvnw -q -B -DskipTests package -pl cortado-bench -am
fi
command -v taskset >/dev/null || { echo "run-tls-echo.sh: needs taskset (util-linux)" >&2; exit 1; }
[ "$(nproc --all)" -ge 2 ] || { echo "run-tls-echo.sh: needs 2 CPUs (server on CPU 0, load on CPU 1)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/run-tls-echo.XXXXXX")
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

"$JAVA" -cp "$JAR" io.cortado.bench.echo.BenchTls "$TMP/certs"

# summary KEY FILE: a value of the generator's SUMMARY line, or "-"
summary() { awk -v k="$2" '/^SUMMARY /{for(i=2;i<=NF;i++){split($i,a,"=");if(a[1]==k){print a[2];f=1}}} END{if(!f)print "-"}' "$1"; }

declare -A RES
for impl in $IMPLS; do
  jvm=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
  fifo="$TMP/$impl.ctl"
  log="$TMP/$impl.server.log"
  mkfifo "$fifo"
  # shellcheck disable=SC2086
  taskset -c 0 "$JAVA" "${jvm[@]}" $SERVER_OPTS -cp "$JAR" io.cortado.bench.echo.TlsEchoServer "$impl" 0 \
      "$TMP/certs" <"$fifo" >"$log" 2>&1 &
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
  common=(--seconds="$MEASURE" --server-pid="$SERVER_PID" --impl="$impl" --tls="$TMP/certs")
  for w in $WORKLOADS; do
    case "$w" in
      W12a) cmd=(io.cortado.bench.echo.EchoLoad closed "$port" --warmup="$A_WARMUP" --conns="$CONNS" --size="$SIZE") ;;
      W12b) cmd=(io.cortado.bench.echo.EchoLoad open "$port" --warmup="$B_WARMUP" --rate="$RATE" --conns="$CONNS"
                 --size="$SIZE") ;;
      W12c) cmd=(io.cortado.bench.echo.TlsHandshakeLoad "$port" --warmup="$C_WARMUP" --conns="$HS_CONNS") ;;
      *) echo "unknown workload $w" >&2; exit 2 ;;
    esac
    out="$TMP/$impl.$w.out"
    # shellcheck disable=SC2086
    if ! taskset -c 1 "$JAVA" $LOAD_OPTS -cp "$JAR" "${cmd[@]}" "${common[@]}" >"$out" {CTL}>&-; then
      echo "# $impl $w: the load generator failed" >&2
    fi
    grep '^{' "$out" || true
  done
  stop_server
  if grep -q 'WARNING: Cortado worker' "$log"; then
    echo "# $impl: the blocked-worker watchdog fired $(grep -c 'WARNING: Cortado worker' "$log") times" >&2
  fi
  RES[$impl]=ran
done

val() { local f="$TMP/$1.$2.out"; if [ -f "$f" ]; then summary "$f" "$3"; else echo -; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="-"||b=="-"||b+0==0) print "-"; else printf "%.2f", a/b }'; }
echo
echo "W12a: closed loop, $CONNS connections, ${A_WARMUP} s warm-up + ${MEASURE} s.  W12b: open loop at $RATE/s," \
    "${B_WARMUP} s warm-up + ${MEASURE} s.  W12c: $HS_CONNS connections at once, ${C_WARMUP} s warm-up + ${MEASURE} s."
echo "vs nio: round trips and handshakes a second as a fraction of nio's (1 = as fast); server CPU per round trip and" \
    "per handshake as a multiple of nio's (1 = as cheap)."
echo "gen CPU: the W12c generator's CPU, % of one CPU (near 100: the client half of the handshakes is the bottleneck," \
    "compare us/hs). other CPU (W12a/W12b/W12c): see run-echo.sh; far from 0 means a noisy run."
printf '| %-11s | %9s | %6s | %8s | %10s | %6s | %8s | %8s | %6s | %8s | %6s | %7s | %14s |\n' impl "a rt/s" "vs nio" \
    "a p99 us" "b ns/rt" "vs nio" "b p99 us" "c hs/s" "vs nio" "c us/hs" "vs nio" "gen CPU" "other CPU"
printf '|%s|\n' "-------------|-----------|--------|----------|------------|--------|----------|----------|--------|----------|--------|---------|----------------"
nio_rt=$(val nio W12a roundtrips_per_sec)
nio_ns=$(val nio W12b ns_per_roundtrip)
nio_hs=$(val nio W12c handshakes_per_sec)
nio_us=$(val nio W12c server_us_per_handshake)
for impl in $IMPLS; do
  if [ "${RES[$impl]}" = skipped ]; then
    printf '| %-11s | %s |\n' "$impl" "skipped: the server did not start (see above)"
    continue
  fi
  rt=$(val "$impl" W12a roundtrips_per_sec)
  ns=$(val "$impl" W12b ns_per_roundtrip)
  hs=$(val "$impl" W12c handshakes_per_sec)
  us=$(val "$impl" W12c server_us_per_handshake)
  other="$(val "$impl" W12a other_cpu_pct)/$(val "$impl" W12b other_cpu_pct)/$(val "$impl" W12c other_cpu_pct)"
  printf '| %-11s | %9s | %6s | %8s | %10s | %6s | %8s | %8s | %6s | %8s | %6s | %7s | %14s |\n' "$impl" \
      "$rt" "$(ratio "$rt" "$nio_rt")" "$(val "$impl" W12a p99_us)" \
      "$ns" "$(ratio "$ns" "$nio_ns")" "$(val "$impl" W12b p99_us)" \
      "$hs" "$(ratio "$hs" "$nio_hs")" "$us" "$(ratio "$us" "$nio_us")" "$(val "$impl" W12c generator_cpu_pct)" "$other"
done
