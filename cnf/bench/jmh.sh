#!/usr/bin/env bash
# JMH benchmarks of the bench module (io.cnnkit.bench.ModelBench: W1..W4 at 1 and 2 threads, Vector
# API and scalar kernels). Arguments go to JMH, e.g.
#   cnf/bench/jmh.sh -p workload=W4 -p threads=1,2     (about 2 minutes)
#   cnf/bench/jmh.sh                                    (all 16 cases, about 6 minutes)
# Set SKIP_BUILD=1 to reuse bench/target. Not for CI: it times things.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
jar=$(ls bench/target/io.cnnkit.bench-*.jar | grep -v -e sources -e tests | head -n1)
# the forks' JVM options: those of ./cnnkit (the Vector API; huge pages for the heap where the kernel
# offers them). Given here, they replace the @Fork annotation's.
opts="--add-modules=jdk.incubator.vector"
grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null && opts="$opts -XX:+UseTransparentHugePages"
exec java -cp "$jar" org.openjdk.jmh.Main io.cnnkit.bench.ModelBench -jvmArgsAppend "$opts" "$@"
