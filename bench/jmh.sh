#!/usr/bin/env bash
# Runs the JMH kernel benchmarks of ariadne-bench (e.g. bench/jmh.sh DecodeMatMulBenchmark -p type=Q4_K,Q6_K).
# Arguments go to JMH's command line; -h lists its options.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/lib/jdk.sh"
ariadne_find_jdk
ariadne_require_maven
(cd "$ROOT" && mvn -q -B -DskipTests -pl ariadne-bench -am package >&2)
exec "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$ROOT/ariadne-bench/target/classes:$ROOT/ariadne-bench/target/lib/*" org.openjdk.jmh.Main "$@"
