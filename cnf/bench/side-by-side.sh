#!/usr/bin/env bash
# Builds the bench module (and what it depends on) and runs cnnkit next to ONNX Runtime on the
# workloads W1..W4. Arguments go to io.cnnkit.bench.SideBySide:
#   [--runs N] [--rounds N] [--warmup N] [--threads 1,2] [--workloads W1,W2,W3,W4] [--seed N] [--tolerance X]
# Set SKIP_BUILD=1 to reuse bench/target; JAVA_OPTS for the JVM (e.g. -Xmx4g).
# Not for CI: it times things, and ONNX Runtime's native library is in its jar (bench only).
set -euo pipefail
cd "$(dirname "$0")/../.."
. cnf/bench/bench-jar.sh
exec java $jvm_opts ${JAVA_OPTS:-} -cp "$jar" io.cnnkit.bench.SideBySide "$@"
