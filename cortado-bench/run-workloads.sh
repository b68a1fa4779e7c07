#!/usr/bin/env bash
# Runs the WORKLOADS.md yardstick for Cortado and every JVM peer side by side in one run, then W10.
# Usage: cortado-bench/run-workloads.sh [measured-runs]   (default 20, in each of 3 forks; the results go to stdout as JSON lines)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests install
JAVA="$(sh .mvn/find-jdk.sh)/bin/java"
JAR=cortado-bench/target/benchmarks.jar
"$JAVA" -Xms6g -Xmx6g --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Dforks=3 \
    -cp "$JAR" io.cortado.bench.workloads.Runner "${1:-20}"
"$JAVA" -cp "$JAR" io.cortado.bench.workloads.ControlLatency 2000
