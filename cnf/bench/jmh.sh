#!/usr/bin/env bash
# JMH benchmarks of the bench module (io.cnnkit.bench.ModelBench: W1..W4 at 1 and 2 threads, Vector
# API and scalar kernels). Arguments go to JMH, e.g.
#   cnf/bench/jmh.sh -p workload=W4 -p threads=1,2     (about 2 minutes)
#   cnf/bench/jmh.sh                                    (all 16 cases, about 6 minutes)
# Set SKIP_BUILD=1 to reuse bench/target. Not for CI: it times things.
set -euo pipefail
cd "$(dirname "$0")/../.."
. cnf/bench/bench-jar.sh
# the forks' JVM options (given here, they replace the @Fork annotation's)
exec java -cp "$jar" org.openjdk.jmh.Main io.cnnkit.bench.ModelBench -jvmArgsAppend "$jvm_opts" "$@"
