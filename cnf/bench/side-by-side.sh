#!/usr/bin/env bash
# Builds the bench module (and what it depends on) and runs cnnkit next to ONNX Runtime on the
# workloads W1..W4. Arguments go to io.cnnkit.bench.SideBySide:
#   [--runs N] [--rounds N] [--warmup N] [--threads 1,2] [--workloads W1,W2,W3,W4] [--seed N] [--tolerance X]
# Set SKIP_BUILD=1 to reuse bench/target; JAVA_OPTS for the JVM (e.g. -Xmx4g).
# Not for CI: it times things, and ONNX Runtime's native library is in its jar (bench only).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
jar=$(ls bench/target/io.cnnkit.bench-*.jar | grep -v -e sources -e tests | head -n1)
# the jar's manifest Class-Path lists bench/target/lib (engine, layer and activation bundles, onnxruntime)
# the JVM options ./cnnkit uses (huge pages for the heap where the kernel offers them)
thp=""
grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null && thp="-XX:+UseTransparentHugePages"
exec java --add-modules=jdk.incubator.vector $thp ${JAVA_OPTS:-} -cp "$jar" io.cnnkit.bench.SideBySide "$@"
