#!/usr/bin/env bash
# Runs the WORKLOADS.md yardstick for Cortado and every JVM peer side by side in one run, then W10.
# Usage: cortado-bench/run-workloads.sh [measured-runs]   (default 10; the results go to stdout as JSON lines)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests install
JAVA="$(sh .mvn/find-jdk.sh)/bin/java"
JAR=cortado-bench/target/benchmarks.jar
"$JAVA" -Xmx8g --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
    -cp "$JAR" io.cortado.bench.workloads.Runner "${1:-10}"
"$JAVA" -cp "$JAR" io.cortado.bench.workloads.ControlLatency 2000
