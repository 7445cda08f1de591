#!/usr/bin/env bash
# Builds the bench module (and what it depends on) and runs cnnkit next to ONNX Runtime on the
# workloads W1..W4 and the real networks R1..R4 (../shared/keras-real beside the checkout).
# Arguments go to io.cnnkit.bench.SideBySide:
#   [--runs N] [--rounds N] [--warmup N] [--warmup-seconds S (default 2)] [--threads 1,2] [--workloads W1,...,R4] [--keras-real DIR]
#   [--seed N] [--tolerance X] [--ort-weights constants|inputs]   (constants: ORT's weights as initializers, the default)
# Set SKIP_BUILD=1 to reuse bench/target; JAVA_OPTS for the JVM (e.g. -Xmx4g).
# Not for CI: it times things, and ONNX Runtime's native library is in its jar (bench only).
set -euo pipefail
cd "$(dirname "$0")/../.."
. cnf/bench/bench-jar.sh
exec java $jvm_opts ${JAVA_OPTS:-} -cp "$jar" io.cnnkit.bench.SideBySide "$@"
