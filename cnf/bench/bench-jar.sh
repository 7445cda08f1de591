# Sourced by side-by-side.sh and jmh.sh, from the project's root: builds the bench module (unless
# SKIP_BUILD=1), sets $jar to its jar (whose manifest Class-Path lists bench/target/lib: engine,
# layer and activation bundles, onnxruntime, JMH) and $jvm_opts to the JVM options ./cnnkit
# uses: the Vector API, warnings-only logging, and huge pages for the heap where the kernel offers them.
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
jar=$(ls bench/target/io.cnnkit.bench-*.jar | grep -v -e sources -e tests | head -n1)
# jHDF logs every group it opens at INFO through slf4j-simple: warnings only, as ./cnnkit does
jvm_opts="--add-modules=jdk.incubator.vector -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.io.jhdf=error"
if grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  jvm_opts="$jvm_opts -XX:+UseTransparentHugePages"
fi
