#!/usr/bin/env bash
# End-to-end test of ./cnnkit and the exported runtime launcher/target/cnnkit.jar, run by the
# launcher module's build at integration-test (with CNNKIT_NO_BUILD=1), or by hand after a build:
#   launcher/src/test/e2e/cnnkit-e2e.sh            from the repository root
# Prints one line per check and "e2e: N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
CNNKIT="$ROOT/cnnkit"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
pass=0; fail=0

check() { # name expected-rc command... ; output in $OUT
    local name="$1" want="$2"; shift 2
    OUT="$("$@" 2>"$TMP/err")"; local rc=$?
    ERR="$(cat "$TMP/err")"
    if [ "$rc" -eq "$want" ]; then
        return 0
    fi
    echo "FAIL $name: exit $rc, expected $want"; echo "$OUT" | head -5; echo "$ERR" | head -5
    fail=$((fail + 1)); return 1
}
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# 1. types lists the layer types and activations with their bundles
if check types 0 "$CNNKIT" types; then
    TYPES_OUT="$OUT" # section 6 reads the kernel backend from it
    if grep -q "conv2d" <<<"$OUT" && grep -q "io.cnnkit.layers.conv" <<<"$OUT"; then ok types
    else bad "types: no conv2d from io.cnnkit.layers.conv in: $OUT"; fi
fi

# 2. a Gogo script: load a model from JSON, list models, summary
cat > "$TMP/m.json" <<'JSON'
{"name": "tiny", "input_shape": [32, 32, 3], "layers": [
  {"type": "conv2d", "name": "conv_1", "filters": 3, "kernel_size": [3, 3]},
  {"type": "max_pooling2d", "pool_size": [2, 2]},
  {"type": "flatten"},
  {"type": "dense", "name": "dens_1", "units": 10}]}
JSON
printf "cnn:load tiny '%s'\ncnn:models\n" "$TMP/m.json" > "$TMP/s.gogo"
if check script 0 "$CNNKIT" script "$TMP/s.gogo"; then
    # every command's result, not only the last
    if grep -q "^model 'tiny' loaded from " <<<"$OUT" && grep -q "tiny.*ready" <<<"$OUT"; then ok script
    else bad "script: no load line and 'tiny ... ready' in: $OUT"; fi
fi

# 2b. the Java entry point: --help on every command, arguments with quotes, a failing script line
HELP_OK=0; HELP_BAD=""
for c in demo run summary types filter "weights init" "weights show" bench shell script; do
    # shellcheck disable=SC2086 # "weights init" is two words
    if H="$("$CNNKIT" $c --help 2>&1)" && [ "$(head -n 1 <<<"$H")" != "" ] && grep -q "^usage: ./cnnkit $c" <<<"$H" \
            && grep -q "^  --help " <<<"$H"; then HELP_OK=$((HELP_OK + 1)); else HELP_BAD="$HELP_BAD [$c: $(head -n 2 <<<"$H")]"; fi
done
if [ -z "$HELP_BAD" ]; then ok "help-every-command ($HELP_OK)"; else bad "help-every-command:$HELP_BAD"; fi
if check help-list 0 "$CNNKIT" help; then
    if grep -q "^  run MODEL IMAGE " <<<"$OUT" && grep -q "^  weights show FILE " <<<"$OUT" \
            && grep -q "CNNKIT_KERNELS=vector or scalar chooses" <<<"$OUT"; then ok help-list
    else bad "help-list: $OUT"; fi
fi
if check unknown-option 2 "$CNNKIT" run "$TMP/m.json" x.png --rescal 2; then
    if [ "$ERR" = "cnnkit: run: unknown option --rescal; did you mean '--rescale'?
hint: ./cnnkit run --help lists its options" ]; then ok unknown-option; else bad "unknown-option: $ERR"; fi
fi
if check bad-number 2 "$CNNKIT" run "$TMP/m.json" x.png --rescale abc; then
    if grep -q "^cnnkit: run: --rescale expects a number, got 'abc'$" <<<"$ERR" && ! grep -q "Cannot coerce" <<<"$ERR"
    then ok bad-number; else bad "bad-number: $ERR"; fi
fi
QUOTED="$TMP/it's a \"model\".json"
cp "$TMP/m.json" "$QUOTED"
if check quoted-path 0 "$CNNKIT" summary "$QUOTED"; then
    if grep -q "Total params: 6,844" <<<"$OUT"; then ok quoted-path; else bad "quoted-path: $OUT"; fi
fi
printf "cnn:load tiny '%s'\ncnn:summary nothing\ncnn:models\n" "$TMP/m.json" > "$TMP/fail.gogo"
if check script-failing-line 1 "$CNNKIT" script "$TMP/fail.gogo"; then
    if grep -q "^model 'tiny' loaded" <<<"$OUT" && grep -q "^cnnkit: script fail.gogo line 2: cnn:summary: no model named 'nothing'" <<<"$ERR"
    then ok script-failing-line; else bad "script-failing-line: $OUT / $ERR"; fi
fi
if check summary 0 "$CNNKIT" summary "$TMP/m.json"; then
    # conv 3*3*3*3+3 = 84, dense 15*15*3*10+10 = 6760
    if grep -q "Total params: 6,844" <<<"$OUT"; then ok summary; else bad "summary: $OUT"; fi
fi

# 3. user errors: one line + hint, exit 1 (2 for usage errors: the command line itself), no stack trace
if check missing-file 1 "$CNNKIT" summary "$TMP/nope.json"; then
    if [ "$(echo "$ERR" | grep -c .)" -eq 2 ] && grep -q "^cnnkit: summary: no such model file" <<<"$ERR" \
            && ! grep -q "	at " <<<"$ERR"; then ok missing-file; else bad "missing-file: $ERR"; fi
fi
if check unknown-command 2 "$CNNKIT" frobnicate; then ok unknown-command; fi
# swapped arguments and a folder as the model: say what is wrong
IMG0="$ROOT/launcher/src/main/resources/io/cnnkit/launcher/shell/sample/astronaut.png"
if check swapped-args 1 "$CNNKIT" run "$IMG0" 'conv2d(3, 3)'; then
    if grep -q "is an image where the model is expected" <<<"$ERR" && grep -q "the model comes first" <<<"$ERR"
    then ok swapped-args; else bad "swapped-args: $ERR"; fi
fi
if check folder-model 1 "$CNNKIT" summary "$TMP"; then
    if grep -q "is a folder" <<<"$ERR"; then ok folder-model; else bad "folder-model: $ERR"; fi
fi
# a misspelt layer type: the closest name, not the list of all, and the hint where the list is
if check did-you-mean 1 "$CNNKIT" summary 'input(8, 8, 1) | maxpool(2)'; then
    if grep -q "unknown layer type or activation 'maxpool' at layer 1; did you mean 'max_pooling2d'?$" <<<"$ERR" \
            && grep -q "^hint: ./cnnkit types" <<<"$ERR" && ! grep -q "zero_padding2d" <<<"$ERR"
    then ok did-you-mean; else bad "did-you-mean: $ERR"; fi
fi
if check unknown-kernel 1 "$CNNKIT" filter "$TMP/m.json" blur; then
    if grep -q "sharpen5" <<<"$ERR"; then ok unknown-kernel; else bad "unknown-kernel: $ERR"; fi
fi

# 3b. bench: a workload and a description file, ending with the one bench line; a bad option is one line + hint
if check bench-w1 0 "$CNNKIT" bench W1 --threads 2 --runs 2 --warmup 1; then
    if echo "$OUT" | tail -n 1 | grep -Eq '^bench: W1 batch=1 threads=2 median_ms=[0-9.]+ p90_ms=[0-9.]+ gflops=[0-9.]+ peak_heap_mb=[0-9.]+ weights_mb=[0-9.]+ top2_act_mb=[0-9.]+ live_mb=[0-9.]+ run_peak_mb=[0-9.]+$' \
            && grep -q "^cold (first) run: " <<<"$OUT" \
            && grep -Eq "^[0-9]+ runs of warm-up in [0-9.]+ s; 2 runs timed$" <<<"$OUT"; then ok bench-w1
    else bad "bench-w1: $OUT"; fi
fi
if check bench-file 0 "$CNNKIT" bench "$TMP/m.json" --batch 4 --threads 1 --runs 2 --warmup 0 --warmup-seconds 0; then
    if echo "$OUT" | tail -n 1 | grep -q '^bench: tiny batch=4 threads=1 '; then ok bench-file; else bad "bench-file: $OUT"; fi
fi
if check bench-bad-runs 2 "$CNNKIT" bench W1 --runs 0; then
    if [ "$(echo "$ERR" | grep -c .)" -eq 2 ] && grep -q "^cnnkit: bench: --runs must be at least 1, got 0" <<<"$ERR"; then ok bench-bad-runs
    else bad "bench-bad-runs: $ERR"; fi
fi

# 4. the demo (needs io.image, layers and activations)
if check demo 0 "$CNNKIT" demo --out "$TMP/demo"; then
    if [ -f "$TMP/demo/index.html" ] && [ -f "$TMP/demo/seed.h5" ] && grep -q "dens_1" <<<"$OUT"; then ok demo
    else bad "demo: missing index.html/seed.h5 or table: $OUT"; fi
fi

# 5. run and filter on the demo's photo, weights init/show
IMG="$TMP/demo/astronaut.png"
if [ -f "$IMG" ]; then
    if check run 0 "$CNNKIT" run 'conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu' "$IMG" --out "$TMP/run" --npy; then
        if [ -f "$TMP/run/report.html" ]; then ok run; else bad "run: no report.html: $OUT"; fi
    fi
    if check filter 0 "$CNNKIT" filter "$IMG" laplacian --out "$TMP/lap.png"; then
        if [ -f "$TMP/lap.png" ]; then ok filter; else bad "filter: no picture"; fi
    fi
    # --clip: the values clamped to 0..255, a different picture than min-max's
    if check filter-clip 0 "$CNNKIT" filter "$IMG" sharpen --clip --out "$TMP/sharp-clip.png"; then
        CLIP_OUT="$OUT"
        if check filter-minmax 0 "$CNNKIT" filter "$IMG" sharpen --out "$TMP/sharp.png"; then
            if [ -f "$TMP/sharp-clip.png" ] && grep -q "(clipped to 0..255)" <<<"$CLIP_OUT" \
                    && grep -q "(min-max normalised)" <<<"$OUT" && ! cmp -s "$TMP/sharp-clip.png" "$TMP/sharp.png"
            then ok filter-clip; else bad "filter-clip: $CLIP_OUT / $OUT"; fi
        fi
    fi
    if check weights-init 0 "$CNNKIT" weights init "$TMP/m.json" "$TMP/w.h5" --seed 3 \
            && check weights-show 0 "$CNNKIT" weights show "$TMP/w.h5"; then
        if grep -q "conv_1" <<<"$OUT" && grep -q "dens_1" <<<"$OUT"; then ok weights; else bad "weights show: $OUT"; fi
    fi
fi

# 6. hot swap in the exported runtime: stop every conv2d provider (the Vector API bundle and
#    io.cnnkit.layers.conv) -> a run fails naming the missing type; start them -> bit-identical output
if [ -f "$IMG" ] && check types-ids 0 "$CNNKIT" types; then
    VEC_ID="$(echo "$OUT" | awk '$2 == "conv2d" {gsub(/[^0-9]/, "", $NF); print $NF}')"
    CONV_ID="$(echo "$OUT" | awk '$2 == "depthwise_conv2d" {gsub(/[^0-9]/, "", $NF); print $NF}')"
    LOAD="cnn:load m 'input(16, 16, 3) | conv2d(2, 3, name=c) | relu'"
    printf '%s\nstop %s\nstop %s\ncnn:run --resize m %s\n' "$LOAD" "$VEC_ID" "$CONV_ID" "$IMG" > "$TMP/stop.gogo"
    if check stopped-run 1 "$CNNKIT" script "$TMP/stop.gogo"; then
        if grep -q "unavailable: missing layer type conv2d" <<<"$ERR"; then ok stopped-run
        else bad "stopped-run: expected the unavailable message, got: $ERR"; fi
    fi
    printf '%s\ncnn:run --resize --npy --out %s m %s\nstop %s\nstop %s\nstart %s\nstart %s\ncnn:run --resize --npy --out %s m %s\n' \
        "$LOAD" "$TMP/before" "$IMG" "$VEC_ID" "$CONV_ID" "$CONV_ID" "$VEC_ID" "$TMP/after" "$IMG" > "$TMP/swap.gogo"
    if check restarted-run 0 "$CNNKIT" script "$TMP/swap.gogo"; then
        if cmp -s "$TMP/before/01_c.npy" "$TMP/after/01_c.npy" && cmp -s "$TMP/before/02_activation.npy" "$TMP/after/02_activation.npy"
        then ok restarted-run; else bad "restarted-run: outputs before and after stop/start differ or are missing"; fi
    fi
fi

# 6b. one-shot commands run in the finished runtime (issue #15): the final start level, the
#     console's commands and converters, and plug-ins dropped into plugins/
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}"
(cd "$TMP" && "${JAVA_BIN}jar" xf "$ROOT/launcher/target/cnnkit.jar" launcher.properties)
FINAL_LEVEL="$(sed -n 's/^org.osgi.framework.startlevel.beginning=//p' "$TMP/launcher.properties")"
printf 'frameworklevel\n' > "$TMP/level.gogo"
if check frameworklevel 0 "$CNNKIT" script "$TMP/level.gogo"; then
    if [ -n "$FINAL_LEVEL" ] && grep -qx "Level is $FINAL_LEVEL" <<<"$OUT"; then ok "frameworklevel ($FINAL_LEVEL)"
    else bad "frameworklevel: expected 'Level is $FINAL_LEVEL', got: $OUT"; fi
fi
printf 'echo hi\n' > "$TMP/echo.gogo"
if check echo 0 "$CNNKIT" script "$TMP/echo.gogo"; then
    if [ "$OUT" = "hi" ]; then ok echo; else bad "echo: expected 'hi', got: $OUT $ERR"; fi
fi
# 'stop ID' as the first line needs the console's string-to-bundle converter; stopping a bundle
# marks the kept bundle cache, and the next command starts from a fresh one with tanh back
if check types-tanh 0 "$CNNKIT" types; then
    if grep -Eq '^kernels +vector[0-9]+ +io\.cnnkit\.kernels\.vector ' <<<"$OUT"; then ok types-kernels
    else bad "types-kernels: no vector kernel backend row: $OUT"; fi
    TANH_ID="$(echo "$OUT" | awk '$2 == "tanh" {gsub(/[^0-9]/, "", $NF); print $NF}')"
    printf 'stop %s\ncnn:types\n' "$TANH_ID" > "$TMP/stoptanh.gogo"
    if check stop-first-line 0 "$CNNKIT" script "$TMP/stoptanh.gogo"; then
        if ! grep -Eq "^activation +tanh " <<<"$OUT"; then ok stop-first-line
        else bad "stop-first-line: tanh still listed after 'stop $TANH_ID': $OUT"; fi
    fi
    if check after-stop 0 "$CNNKIT" types; then
        if grep -Eq "^activation +tanh +io.cnnkit.activations.tanh " <<<"$OUT"; then ok "after-stop (fresh cache)"
        else bad "after-stop: tanh missing in the next command: $OUT"; fi
    fi
fi
# README's hot-swap session as written: 'stop 26' (io.cnnkit.layers.conv) makes the seed model
# unavailable naming conv2d, 'start 26' brings it back; 'stop 24' (io.cnnkit.kernels.vector, the
# kernel backend) leaves it available on the scalar kernels. The ids are README's: if the bundle
# order changes, this case fails until README is updated. ('script' prints the last command's
# result, so each result to check is echoed.)
cat > "$TMP/hotswap.gogo" <<'GOGO'
cnn:load seed "input(64, 64, 3) | conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu | flatten | dense(8, activation=relu, name=dens_1)"
echo (lb)
stop 26
echo (cnn:models)
start 26
echo (cnn:models)
stop 24
echo (cnn:models)
echo (cnn:types)
start 24
GOGO
if check readme-hot-swap 0 "$CNNKIT" script "$TMP/hotswap.gogo"; then
    if grep -Eq '^ *26\|Active .*cnnkit conv layers' <<<"$OUT" && grep -Eq '^ *24\|Active .*cnnkit kernels \(Vector API\)' <<<"$OUT" \
            && grep -Eq '^seed +unavailable: missing layer type conv2d$' <<<"$OUT" \
            && [ "$(grep -Ec '^seed +ready \(5 layers\)$' <<<"$OUT")" = 2 ] \
            && grep -Eq '^kernels +scalar +the layer bundles' <<<"$OUT"; then ok readme-hot-swap
    else bad "readme-hot-swap: $OUT $ERR"; fi
fi
# A tanh plug-in of service.ranking 200 (the built-in tanh bundle, renamed, its component
# ranked), then a plug-in that cannot resolve: a warning naming it, and the command still runs.
PLUGINS="$ROOT/plugins"
mkdir -p "$PLUGINS" "$TMP/plugin"
PLUGIN="$PLUGINS/cnnkit-e2e-tanh.jar"; BROKEN="$PLUGINS/cnnkit-e2e-broken.jar"
trap 'rm -rf "$TMP" "$PLUGIN" "$BROKEN"' EXIT
TANH_JAR="$(ls "$ROOT"/launcher/target/repository/eclipse/io.cnnkit.activations.tanh-*.jar | head -n 1)"
(cd "$TMP/plugin" && "${JAVA_BIN}jar" xf "$TANH_JAR" \
    && sed -i 's/^Bundle-SymbolicName: .*/Bundle-SymbolicName: cnnkit.e2e.tanh/' META-INF/MANIFEST.MF \
    && sed -i 's|<service>|<property name="service.ranking" type="Integer" value="200"/><service>|' OSGI-INF/*.xml \
    && "${JAVA_BIN}jar" cfm "$TMP/tanh-plugin.jar" META-INF/MANIFEST.MF OSGI-INF io)
cp "$TMP/tanh-plugin.jar" "$PLUGIN"
if check plugin-types 0 "$CNNKIT" types; then
    if grep -Eq "^activation +tanh +cnnkit.e2e.tanh " <<<"$OUT"; then ok plugin-types
    else bad "plugin-types: the plug-in's tanh (ranking 200) does not serve ./cnnkit types: $(grep tanh <<<"$OUT")"; fi
fi
(cd "$TMP/plugin" && sed -i -e 's/^Bundle-SymbolicName: .*/Bundle-SymbolicName: cnnkit.e2e.broken/' \
        -e 's/^Import-Package: /Import-Package: cnnkit.e2e.nowhere,/' META-INF/MANIFEST.MF \
    && "${JAVA_BIN}jar" cfm "$TMP/broken-plugin.jar" META-INF/MANIFEST.MF OSGI-INF io)
cp "$TMP/broken-plugin.jar" "$BROKEN"
if check plugin-broken 0 "$CNNKIT" types; then
    if grep -q "warning: plug-in $BROKEN .*cnnkit.e2e.nowhere" <<<"$ERR" && grep -Eq "^activation +tanh +cnnkit.e2e.tanh " <<<"$OUT"
    then ok plugin-broken; else bad "plugin-broken: expected a warning naming the missing package: $ERR"; fi
fi
rm -f "$PLUGIN" "$BROKEN"
if check plugin-removed 0 "$CNNKIT" types; then
    if grep -Eq "^activation +tanh +io.cnnkit.activations.tanh " <<<"$OUT" && [ -z "$ERR" ]; then ok plugin-removed
    else bad "plugin-removed: the built-in tanh should serve again: $(grep tanh <<<"$OUT") $ERR"; fi
fi
# Two commands at once: each its own cache slot, both complete
"$CNNKIT" summary "$TMP/m.json" > "$TMP/c1.out" 2>&1 & P1=$!
"$CNNKIT" summary "$TMP/m.json" > "$TMP/c2.out" 2>&1 & P2=$!
wait "$P1"; R1=$?; wait "$P2"; R2=$?
if [ "$R1" -eq 0 ] && [ "$R2" -eq 0 ] && grep -q "Total params: 6,844" "$TMP/c1.out" && grep -q "Total params: 6,844" "$TMP/c2.out"
then ok concurrent; else bad "concurrent: exits $R1 $R2: $(cat "$TMP/c1.out" "$TMP/c2.out" | head -6)"; fi
# A command that changes nothing keeps its bundle cache for the next one (slotlean0: the first
# free lean slot of a command run alone); the marker says why a cache was not kept
CACHE_DIR="$(ls -d "${CNNKIT_CACHE:-$ROOT/launcher/target/runtime-cache}"/*/ 2>/dev/null | grep -v deleting | head -n 1)"
if check cache-kept 0 "$CNNKIT" summary "$TMP/m.json"; then
    if [ -d "${CACHE_DIR}slotlean0" ] && [ ! -e "${CACHE_DIR}slotlean0/cnnkit-dirty" ]; then ok cache-kept
    else bad "cache-kept: ${CACHE_DIR}slotlean0 marked: $(cat "${CACHE_DIR}slotlean0/cnnkit-dirty" 2>&1)"; fi
fi
# ... and says so (cnnkit-kept), and the next command starts on it without bnd's launcher
# (KeptCacheMain: its own class-data archive, cds-*-kept*.jsa, is written by such a start)
if check cache-kept-start 0 "$CNNKIT" summary "$TMP/m.json"; then
    if [ -e "${CACHE_DIR}slotlean0/cnnkit-kept" ] && ls "${CACHE_DIR}"cds-*-kept*.jsa >/dev/null 2>&1 \
            && grep -q "Total params: 6,844" <<<"$OUT" && [ -z "$ERR" ]; then ok cache-kept-start
    else bad "cache-kept-start: marker $(ls "${CACHE_DIR}slotlean0" | grep cnnkit-), archives $(ls "$CACHE_DIR" | grep cds), $OUT $ERR"; fi
fi
# ... whose bundle jars the first command stored uncompressed (StoredBundleJars): a class file's
# magic number shows in the engine's jar as it is
ENGINE_INFO="$(grep -l "io.cnnkit.engine.core-" "${CACHE_DIR}"slotlean0/bundle*/bundle.info 2>/dev/null | head -n 1)"
ENGINE_JAR="$(ls "${ENGINE_INFO%/bundle.info}"/version*/bundle.jar 2>/dev/null | head -n 1)"
if [ -n "$ENGINE_JAR" ] && LC_ALL=C grep -qa $'\xca\xfe\xba\xbe' "$ENGINE_JAR"; then ok cache-stored-jars
else bad "cache-stored-jars: no class file stored as it is in '$ENGINE_JAR' ($ENGINE_INFO)"; fi
# ... which recorded the bundle classes it loaded for the next summary to preload (ClassPreload);
# a list naming classes, bundles or lines that are not there changes nothing of the command
LIST="${CACHE_DIR}classes-summary.txt"
if [ -f "$LIST" ] && grep -q "^io.cnnkit.engine.core	io.cnnkit.engine.impl.EngineImpl$" "$LIST" \
        && grep -q "^org.apache.felix.scr	" "$LIST"; then ok cache-classlist
else bad "cache-classlist: $LIST: $(head -3 "$LIST" 2>&1)"; fi
printf 'io.cnnkit.engine.core\tio.cnnkit.engine.impl.Gone\ncnnkit.e2e.nobundle\tx.Y\nno tab here\n\n' >> "$LIST"
if check cache-classlist-stale 0 "$CNNKIT" summary "$TMP/m.json"; then
    if [ -z "$ERR" ] && grep -q "Total params: 6,844" <<<"$OUT"; then ok cache-classlist-stale
    else bad "cache-classlist-stale: $OUT $ERR"; fi
fi
# ... and that lean slot (./cnnkit's commands at level 3) no longer holds the bundles above it
# that nothing below needs (Jetty, the explorer), while a script's slot has the whole runtime
if ! grep -qs "http.jetty12" "${CACHE_DIR}"slotlean0/bundle*/bundle.info \
        && grep -qs "gogo.runtime" "${CACHE_DIR}"slotlean0/bundle*/bundle.info; then ok cache-lean
else bad "cache-lean: $(grep -l "http.jetty12" "${CACHE_DIR}"slotlean0/bundle*/bundle.info 2>&1)"; fi
printf 'lb -s\n' > "$TMP/lb.gogo"
if check cache-full-script 0 "$CNNKIT" script "$TMP/lb.gogo"; then
    if grep -q "org.apache.felix.http.jetty12" <<<"$OUT" && grep -q "io.cnnkit.web.explorer" <<<"$OUT"; then ok cache-full-script
    else bad "cache-full-script: no Jetty or explorer in: $OUT $ERR"; fi
fi
# ... and records the JVM packages its bundles import, which its system bundle then exports
# alone; recorded packages that no longer do (one removed) send the command to a fresh cache
SYSPKG="${CACHE_DIR}slotlean0/cnnkit-system-packages"
if grep -q "javax.xml.parsers" "$SYSPKG" 2>/dev/null && ! grep -q "javax.swing" "$SYSPKG"; then ok cache-system-packages
else bad "cache-system-packages: $SYSPKG: $(head -c 300 "$SYSPKG" 2>&1)"; fi
sed -i 's/javax\.xml\.parsers;/javax.xml.gone;/' "$SYSPKG"
if check cache-system-packages-stale 0 "$CNNKIT" summary "$TMP/m.json"; then
    if grep -q "warning: the runtime's kept bundle cache .*did not open (.*did not resolve with the packages recorded" <<<"$ERR" \
            && grep -q "Total params: 6,844" <<<"$OUT"; then ok cache-system-packages-stale
    else bad "cache-system-packages-stale: $OUT $ERR"; fi
fi
# A kept cache that does not open (its bundles gone): a warning, and the command still runs, on a
# fresh cache; the next one is quiet
rm -rf "${CACHE_DIR}"slotlean0/bundle*
if check cache-kept-broken 0 "$CNNKIT" summary "$TMP/m.json"; then
    if grep -q "warning: the runtime's kept bundle cache .*did not open (.*the cache holds no bundles); the command runs on a fresh one" <<<"$ERR" \
            && grep -q "Total params: 6,844" <<<"$OUT"; then ok cache-kept-broken
    else bad "cache-kept-broken: $OUT $ERR"; fi
fi
if check cache-kept-after 0 "$CNNKIT" summary "$TMP/m.json"; then
    if [ -z "$ERR" ] && grep -q "Total params: 6,844" <<<"$OUT"; then ok cache-kept-after
    else bad "cache-kept-after: $OUT $ERR"; fi
fi
# JVM options that leave the command's own bundle unresolved: an error naming what is missing,
# not a command that waits for ever (the slot stays as it was)
if check command-bundle-unresolved 2 timeout 60 env CNNKIT_JAVA_OPTS=-Dorg.osgi.framework.system.packages=org.osgi.framework \
        "$CNNKIT" summary "$TMP/m.json"; then
    if grep -q "^cnnkit: the runtime's command bundle io.cnnkit.launcher does not resolve: nothing provides osgi.wiring.package" <<<"$ERR" \
            && grep -q "^hint: check CNNKIT_JAVA_OPTS" <<<"$ERR"; then ok command-bundle-unresolved
    else bad "command-bundle-unresolved: $ERR"; fi
fi
# --debug on a kept slot: after the command, one line of where its time went, every step named
if check debug-times 0 "$CNNKIT" summary "$TMP/m.json" --debug; then
    if grep -Eq "^cnnkit: time: [0-9]+ ms from ./cnnkit to the command's end: script [0-9]+, JVM start [0-9]+, framework [0-9]+, bundles read [0-9]+, resolved [0-9]+, bundles started [0-9]+, command [0-9]+ \(model read [0-9]+, built [0-9]+, the rest [0-9]+\)$" <<<"$ERR" \
            && grep -q "Total params: 6,844" <<<"$OUT"; then ok debug-times
    else bad "debug-times: $OUT $ERR"; fi
fi

# 7. graph models: README's one-line graphs, the caret under an unknown reference, and the real
#    Keras graphs of ../shared/keras-real (residual Adds, two heads, two outputs, MobileNetV2)
if check graph-block 0 "$CNNKIT" summary 'input(32, 32, 16) | conv2d(16, 3, padding=same) | batch_normalization | relu
                  | conv2d(16, 3, padding=same) | batch_normalization | add(@input) | relu'; then
    if grep -q "Connected to" <<<"$OUT" && grep -Eq "^add \(add\) .* batch_normalization_1, input$" <<<"$OUT"; then ok graph-block
    else bad "graph-block: no Connected to / add row in: $OUT"; fi
fi
if check graph-heads 0 "$CNNKIT" summary 'input(64, 64, 3) | conv2d(8, 3, activation=relu, name=trunk) | flatten | dense(10, activation=softmax, name=classes)
                  ; @trunk | global_average_pooling2d | dense(4, name=box)'; then
    if grep -Eq "^box \(dense\) +\(None, 4\) +36 +global_average_pooling2d$" <<<"$OUT"; then ok graph-heads
    else bad "graph-heads: no box row in: $OUT"; fi
fi
if check graph-caret 1 "$CNNKIT" summary 'conv2d(3, 3, name=stem) | add(@stme)'; then
    if grep -q "unknown node @stme" <<<"$ERR" && grep -q "did you mean @stem?" <<<"$ERR" \
            && grep -q "^                                ^$" <<<"$ERR"; then ok graph-caret
    else bad "graph-caret: $ERR"; fi
fi
KR="$ROOT/../shared/keras-real"
CORPUS_IMAGES="$ROOT/reliability.test/src/test/resources/badinput/images"
if [ -d "$KR" ] && [ -f "$IMG" ]; then
    graph_run() { # name file expected-output-line-regex options...
        local name="$1" file="$2" want="$3"; shift 3
        if check "$name" 0 "$CNNKIT" run "$KR/$file" "$IMG" "$@" --out "$TMP/$name"; then
            if grep -Eq "$want" <<<"$OUT" && [ -f "$TMP/$name/report.html" ] && grep -q "<svg" "$TMP/$name/report.html"
            then ok "$name"; else bad "$name: expected /$want/ and a graph report in: $(echo "$OUT" | tail -4)"; fi
        fi
    }
    # A command's class list and archive are recorded by its first kept start; a later start that
    # uses many packages the list lacks (an HDF5 model's run after a one-line model's) marks the
    # list stale and deletes the archive; the next start records both anew, the list with them
    rm -f "${CACHE_DIR}classes-run.txt" "${CACHE_DIR}classes-run.txt.stale" "${CACHE_DIR}"cds-*-kept-run.jsa
    for i in 1 2; do "$CNNKIT" run 'conv2d(2, 3)' "$IMG" --out "$TMP/small-run" >/dev/null 2>&1; done
    RUNLIST="${CACHE_DIR}classes-run.txt"
    SMALL=$(wc -l < "$RUNLIST" 2>/dev/null || echo 0)
    graph_run resnet8-k2 k2-resnet8-cifar10.h5 '^output dense \(1, 10\): \[' --resize --rescale 0.00392156862745098
    if [ "$SMALL" -gt 0 ] && [ -f "$RUNLIST.stale" ] && ! compgen -G "${CACHE_DIR}cds-*-kept-run.jsa" >/dev/null; then
        ok cache-classlist-stale-marked
    else bad "cache-classlist-stale-marked: $SMALL lines; $(ls "$CACHE_DIR" | grep -e kept-run -e stale)"; fi
    graph_run resnet8-k3 k3-resnet8-cifar10.h5 '^output dense \(1, 10\): \[' --resize --rescale 0.00392156862745098
    if [ "$(wc -l < "$RUNLIST")" -gt $((SMALL + 100)) ] && grep -q "^io.jhdf	" "$RUNLIST" && [ ! -e "$RUNLIST.stale" ] \
            && compgen -G "${CACHE_DIR}cds-*-kept-run.jsa" >/dev/null; then ok cache-classlist-rerecorded
    else bad "cache-classlist-rerecorded: $SMALL lines before, $(wc -l < "$RUNLIST" 2>&1) after; $(ls "$CACHE_DIR" | grep -e kept-run -e stale)"; fi
    graph_run mtcnn-two-heads k2-mtcnn-12net.h5 '^output conv4-2 \(1, 145, 145, 4\)' --rescale 0.00392156862745098
    graph_run donkeycar-two-outputs k2-donkeycar-2heads.h5 '^output throttle_out \(1, 1\): \[' --resize
    graph_run kws-mobilenetv2 k2-kws-mobilenetv2.h5 '^output predictions \(1, 8\): \[' --resize --grey
    graph_run fer-mini-xception k2-fer-mini-xception.h5 '^output predictions \(1, 7\): \[' --resize --grey
    # A full-model .h5 summary reads HDF5 through jHDF, which logs through slf4j: nothing warns
    # that slf4j has no provider (io.cnnkit.slf4j finds it in its own bundle)
    if check summary-h5 0 "$CNNKIT" summary "$KR/k2-mtcnn-12net.h5"; then
        if grep -q "^Total params: " <<<"$OUT" && [ -z "$ERR" ]; then ok summary-h5
        else bad "summary-h5: stderr '$ERR', $(echo "$OUT" | tail -2)"; fi
    fi
    # The chains of the corpus, as a user runs them (weights-only files: the .json beside them plus --weights)
    chain_run() { # name model expected-output-line-regex options...
        local name="$1" model="$2" want="$3"; shift 3
        if check "$name" 0 "$CNNKIT" run "$model" "$IMG" "$@" --out "$TMP/$name"; then
            if grep -Eq "$want" <<<"$OUT" && [ -f "$TMP/$name/report.html" ]; then ok "$name"
            else bad "$name: expected /$want/ in: $(echo "$OUT" | tail -3)"; fi
        fi
    }
    chain_run vww96 "$KR/k2-vww96-mobilenet.h5" '^output dense \(1, 2\): \[' --resize --rescale 0.00392156862745098
    # --labels on the trained MobileNet (classes non-person, person; issue #15): after the stage table
    # the top 2 with their probabilities, rank first, and the same list in report.html
    printf 'no_person\nperson\n' > "$TMP/vww-labels.txt"
    if check vww96-labels 0 "$CNNKIT" run "$KR/k2-vww96-mobilenet.h5" "$IMG" --resize --rescale 0.00392156862745098 \
            --labels "$TMP/vww-labels.txt" --out "$TMP/vww-labels"; then
        if grep -qx 'top 2 of dense (softmax):' <<<"$OUT" \
                && [ "$(grep -Ec '^  [12]\. (no_person|person)  [01]\.[0-9]{3}$' <<<"$OUT")" = 2 ] \
                && grep -q '<p class="top">top 2 of dense (softmax):</p>' "$TMP/vww-labels/report.html"
        then ok vww96-labels; else bad "vww96-labels: $(echo "$OUT" | tail -4)"; fi
    fi
    # One pass runs on the scalar kernels by default; CNNKIT_KERNELS=vector runs the same trace on
    # the Vector API's (and C2): the same top 2 to the printed 3 decimals; a mistyped value is refused
    if check vww96-vector 0 env CNNKIT_KERNELS=vector "$CNNKIT" run "$KR/k2-vww96-mobilenet.h5" "$IMG" --resize \
            --rescale 0.00392156862745098 --labels "$TMP/vww-labels.txt" --out "$TMP/vww-vector"; then
        VEC_TOP="$(grep -E '^  [12]\. ' <<<"$OUT")"
        if check vww96-scalar 0 env CNNKIT_KERNELS=scalar "$CNNKIT" run "$KR/k2-vww96-mobilenet.h5" "$IMG" --resize \
                --rescale 0.00392156862745098 --labels "$TMP/vww-labels.txt" --out "$TMP/vww-scalar"; then
            if [ -n "$VEC_TOP" ] && [ "$VEC_TOP" = "$(grep -E '^  [12]\. ' <<<"$OUT")" ]; then ok "vww96 vector = scalar"
            else bad "vww96 vector/scalar differ: '$VEC_TOP' against '$(grep -E '^  [12]\. ' <<<"$OUT")'"; fi
        fi
    fi
    if check kernels-typo 2 env CNNKIT_KERNELS=vectr "$CNNKIT" summary "$TMP/m.json"; then
        if grep -q "^cnnkit: CNNKIT_KERNELS must be auto, scalar or vector, got 'vectr'" <<<"$ERR"; then ok kernels-typo
        else bad "kernels-typo: $ERR"; fi
    fi
    if check vww96-bad-top 2 "$CNNKIT" run "$KR/k2-vww96-mobilenet.h5" "$IMG" --resize --top many --out "$TMP/vww-top"; then
        if [ "$(echo "$ERR" | grep -c .)" -eq 2 ] && grep -q "^cnnkit: run: --top expects a whole number, got 'many'" <<<"$ERR"
        then ok vww96-bad-top; else bad "vww96-bad-top: $ERR"; fi
    fi
    # classify (issue #17): a folder of two photos and a text file named .png; one CSV row each, in
    # sorted order, the bad file's row with its error, exit 3 and the failed count on the last line
    mkdir -p "$TMP/cls/sub"
    cp "$IMG" "$TMP/cls/a.png"; cp "$IMG" "$TMP/cls/sub/b.png"; echo "not a picture" > "$TMP/cls/c.png"
    if check classify 3 "$CNNKIT" classify "$KR/k2-vww96-mobilenet.h5" "$TMP/cls" --resize \
            --rescale 0.00392156862745098 --labels "$TMP/vww-labels.txt" --out "$TMP/cls.csv"; then
        rows="$(cat "$TMP/cls.csv" 2>/dev/null)"
        if [ "$(sed -n 1p <<<"$rows")" = "path,label1,probability1,label2,probability2,error" ] \
                && [ "$(grep -c . <<<"$rows")" = 4 ] \
                && [ "$(grep -Ec "^$TMP/cls/(a|sub/b)\.png,(no_person|person),[01]\.[0-9]+(E-[0-9]+)?,(no_person|person),[0-9.E-]+,$" <<<"$rows")" = 2 ] \
                && grep -q "^$TMP/cls/c\.png,,,,,.\+" <<<"$rows" \
                && [ "$(tail -1 <<<"$OUT")" = "classify: 1 image failed (rows with an error)" ] && [ ! -e "$TMP/cls.csv.part" ]
        then ok classify; else bad "classify: $(tail -2 <<<"$OUT") rows: $rows"; fi
    fi
    # classify killed with SIGKILL (issue #17): a real ./cnnkit classify on 600 images (the photos, a
    # CMYK JPEG and a text file named .png, in turn) is killed with kill -9 mid-run; --resume then
    # finishes it, and the file equals an uninterrupted run's byte for byte.
    mkdir -p "$TMP/many"
    KINDS=("$IMG" "$ROOT/cnf/bench/astronaut96.png" "$CORPUS_IMAGES/cmyk.jpg" "$CORPUS_IMAGES/text.png")
    for i in $(seq 100 699); do
        k="${KINDS[$((i % 4))]}"; cp "$k" "$TMP/many/img$i.${k##*.}"
    done
    descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
    "$CNNKIT" classify "$KR/k2-vww96-mobilenet.h5" "$TMP/many" --resize --batch 1 --out "$TMP/killed.csv" \
        >"$TMP/killed.out" 2>&1 &
    RUN=$!
    killed=""
    for _ in $(seq 1 1200); do # up to 60 s: the runtime starts, then rows arrive one by one
        rows="$(grep -c . "$TMP/killed.csv.part" 2>/dev/null)" # nothing until the file exists
        if [ "${rows:-0}" -ge 40 ]; then
            # the JVM and the script above it, by their ids
            kill -9 $(descendants "$RUN") "$RUN" 2>/dev/null; killed=yes; break
        fi
        kill -0 "$RUN" 2>/dev/null || break
        sleep 0.05
    done
    wait "$RUN" 2>/dev/null
    before="$(grep -c . "$TMP/killed.csv.part" 2>/dev/null)"
    if [ -z "$killed" ] || [ -e "$TMP/killed.csv" ] || [ "${before:-0}" -ge 601 ]; then
        bad "classify-kill-9: the run was not killed mid-run (killed=${killed:-no}, rows in .part: ${before:-none}): $(tail -3 "$TMP/killed.out")"
    elif check classify-resume 3 "$CNNKIT" classify "$KR/k2-vww96-mobilenet.h5" "$TMP/many" --resize --batch 1 \
            --out "$TMP/killed.csv" --resume \
        && check classify-uninterrupted 3 "$CNNKIT" classify "$KR/k2-vww96-mobilenet.h5" "$TMP/many" --resize \
            --out "$TMP/whole.csv"; then
        if cmp -s "$TMP/killed.csv" "$TMP/whole.csv" && [ "$(grep -c . "$TMP/whole.csv")" = 601 ] \
                && [ ! -e "$TMP/killed.csv.part" ]
        then ok "classify-kill-9 (killed after $((before - 1)) rows, resumed)"
        else bad "classify-kill-9: the resumed file differs from an uninterrupted run's: $(diff "$TMP/killed.csv" "$TMP/whole.csv" | head -4)"; fi
    fi
    chain_run jettagger "$KR/k2-jettagger-conv2d-bn.json" '^output output_softmax \(1, 5\): \[' --resize --grey \
        --weights "$KR/k2-jettagger-conv2d-bn.h5"
    chain_run conv2d-sigmoid "$KR/k2-conv2d-sigmoid.h5" '^output conv2d \(1, 3, 3, 1\): \[' --resize --grey
    chain_run conv-avgpool-gap "$KR/k2-conv-avgpool-gap.h5" '^output global_average_pooling2d_19 \(1, 4\): \[' --resize
    chain_run convtranspose-crop-gmp "$KR/k2-convtranspose-crop-gmp.h5" '^output global_max_pooling2d_34 \(1, 4\): \[' --resize
    chain_run theano-mnist "$KR/k1-th-mnist-cnn.json" '^output activation_4 \(1, 10\): \[' --resize --grey \
        --weights "$KR/k1-th-mnist-cnn.h5"
    if check theano-summary 0 "$CNNKIT" summary "$KR/k1-th-mnist-cnn.json"; then
        if grep -q "^Note: converted from channels_first" <<<"$OUT"; then ok theano-summary
        else bad "theano-summary: no conversion note in: $OUT"; fi
    fi
    # Its input has 5 channels, which no image has: a clear error, not a crash
    if check reshape-5-channels 1 "$CNNKIT" run "$KR/k1-tf-conv2d-reshape.h5" "$IMG" --resize --out "$TMP/k1r"; then
        if grep -q "takes (None, 5, 5, 5)" <<<"$ERR"; then ok reshape-5-channels; else bad "reshape-5-channels: $ERR"; fi
    fi
    if check subclassed 1 "$CNNKIT" summary "$KR/k3-nested-dense.json"; then
        if grep -q "subclassed" <<<"$ERR"; then ok subclassed; else bad "subclassed: $ERR"; fi
    fi
elif [ "${CI:-}" = "true" ]; then
    bad "graph runs: $KR is missing (CI must have ../shared/keras-real beside the checkout)"
fi

# 5. the interactive shell (stdin not a terminal: jline's dumb terminal): banner, 'help cnn', errors
# that name the command with a hint and never a Gogo signature or a Java class name, the bad-input
# corpus's model files through cnn:load, no incubator-module warning
CORPUS="$ROOT/reliability.test/src/test/resources/badinput"
{
    echo "help cnn"
    echo "cnn:bench"
    echo "cnn:run --rescal 2 m x.png"
    echo "cnn:run --threads many m x.png"
    echo "cnn:summary sed"
    echo "cnn:lod m x"
    echo "cnn:load m 'conv2d(3;3)'"
    for f in "$CORPUS"/models/*; do echo "cnn:load m '$f'"; done
    echo "cnn:load m1 'conv2d(3, 3, name=conv_1) | relu'"
    echo "cnn:run m1 '$CORPUS/images/truncated.png'"
    echo "exit abc"
    echo "exit"
} > "$TMP/shell-in"
SHELL_OUT="$(timeout 120 "$CNNKIT" shell < "$TMP/shell-in" 2>&1)"; rc=$?
why=""
[ "$rc" -eq 0 ] || why="exit $rc"
grep -q "^cnnkit shell: " <<<"$SHELL_OUT" || why="$why; no banner"
grep -q "cnn:run NAME IMAGE " <<<"$SHELL_OUT" || why="$why; 'help cnn' lists no cnn:run"
grep -q "Cannot coerce" <<<"$SHELL_OUT" && why="$why; a Gogo signature"
grep -Eq '([a-z][a-z0-9_]*\.){2,}[A-Z][A-Za-z0-9_$]*(Exception|Error)' <<<"$SHELL_OUT" && why="$why; a Java class name"
grep -q "Using incubator modules" <<<"$SHELL_OUT" && why="$why; the incubator warning"
grep -q "cnn:run: unknown option --rescal; did you mean '--rescale'?" <<<"$SHELL_OUT" || why="$why; no did-you-mean for --rescal"
grep -q "unknown command 'cnn:lod'; did you mean 'cnn:load'?" <<<"$SHELL_OUT" || why="$why; no did-you-mean for cnn:lod"
errors=$(grep -c "^hint: " <<<"$SHELL_OUT")
expected=9 # the corpus files that load without error (some fail only when run) add none
[ "$errors" -ge "$expected" ] || why="$why; $errors hint lines for $expected errors"
if [ -z "$why" ]; then ok "shell-errors ($errors errors)"; else bad "shell-errors:$why
$(grep -v '^g! $' <<<"$SHELL_OUT" | head -40)"; fi

# 6. the JIT takes every kernel: models that reach each Vector API kernel through ./cnnkit bench
# with -XX:+PrintCompilation. A kernel method too big for the client compiler's profiling tier
# (tier 3: "COMPILE SKIPPED: out of virtual registers in linear scan") after a first, non-profiling
# tier-2 compilation (chosen when C2's queue is long) is never handed to C2 on JDK 17: it stays on
# C1's code, its vectors objects, the model 10 to 170 times slower for the process's life; a method
# C2 skips runs on C1's code too. Either is a skipped compilation of an io.cnnkit method here
# (a retry after concurrent class loading aside), whichever tier the run happened to take.
JIT_MODELS=(
    # Winograd (3x3, 64 filters over 64 and 32 channels), every row-tile shape: 32 (5x5), 16 (12
    # and 6 rows), 8 and 64 filters over 64 and 16 channels (kernel rows in place as segments), the
    # row kernels at stride 1 and 2, depthwise, dense of 64, 48, 24 and 10
    'input(12, 20, 64) | conv2d(64, 3, padding=same, activation=relu) | conv2d(32, 5, padding=same) | conv2d(64, 3, padding=same) | conv2d(16, 3, padding=same) | conv2d(64, 3, padding=same) | conv2d(8, 3, padding=same) | conv2d(16, 3, strides=2, padding=same) | depthwise_conv2d(3, padding=same) | flatten | dense(64) | dense(48) | dense(24) | dense(10)'
    # the planar few-filter kernel (3 and 4 filters: rows of 64 pixels and more) and depthwise 5x5
    'input(32, 130, 3) | conv2d(4, 3) | depthwise_conv2d(5, padding=same) | depthwise_conv2d(5, strides=2, use_bias=false)'
    # the CIFAR CNN (the tile of the last filters read a whole vector wide, tile6x1Padded)
    W3
)
[ -d "$KR" ] && JIT_MODELS+=("$KR/k2-vww96-mobilenet.h5" "$KR/k2-resnet8-cifar10.h5")
JIT_LOG="$TMP/jit.log"; : > "$JIT_LOG"; JIT_WHY=""
for m in "${JIT_MODELS[@]}"; do
    if ! CNNKIT_KERNELS=vector CNNKIT_JAVA_OPTS="-XX:+PrintCompilation" "$CNNKIT" bench "$m" --batch 8 --runs 2 \
            >> "$JIT_LOG" 2>&1; then
        JIT_WHY="$JIT_WHY; bench failed on ${m:0:60}"
    fi
done
JIT_SKIPPED="$(grep 'COMPILE SKIPPED' "$JIT_LOG" | grep ' io\.cnnkit\.' | grep -v 'concurrent class loading')"
[ -z "$JIT_SKIPPED" ] || JIT_WHY="$JIT_WHY; skipped:
$JIT_SKIPPED"
# the models still reach every kernel that runs hot (a routing change would leave one unchecked;
# the 4-row GEMM tiles' narrow variants, the row path's remainders, are not always compiled in a
# run this short). The models' shapes are chosen for AVX-512's 16 floats a vector (the row and
# pair kernels are AVX-512's only): with narrower vectors other tiles serve them, and only some
# kernel having been compiled is checked.
JIT_BACKEND="$(awk '$1 == "kernels" { print $2 }' <<<"${TYPES_OUT:-}")"
if [ "$JIT_BACKEND" = vector512 ]; then
    JIT_KERNELS=(VectorRowTiles::tile6x4 VectorRowTiles::finish
        VectorWinograd::inputRows01 VectorWinograd::inputRows23 VectorWinograd::outputRow0
        VectorWinograd::outputRow1 VectorRowTiles::tile6x2 VectorRowTiles::tile6x1 VectorRowTiles::tile12x1
        VectorRowTiles::tile6x2Segments VectorRowTiles::tile6x1Segments VectorRowTiles::tile12x1Segments
        VectorRowTiles::tile6x1HalfSegments VectorRowTiles::tile6x1Padded VectorDepthwise::row3x3
        VectorDepthwise::row VectorDepthwise::withBiasPreferred VectorDepthwise::noBiasPreferred
        VectorPlanar::threeFilters VectorPlanar::four VectorGemm::tile4x4 VectorConvRows::tile12x1
        VectorConvRows::tile8x2 VectorConvRows::tile12x1Stride2 VectorConvRows::tile8x2Stride2
        VectorPairTiles::tile16)
elif [[ "$JIT_BACKEND" == vector* ]]; then
    JIT_KERNELS=(VectorRowTiles::tile6x4)
else
    JIT_KERNELS=() # no Vector API kernels: the check for skipped compilations alone
fi
[ -n "$JIT_BACKEND" ] || JIT_WHY="$JIT_WHY; no kernels line in section 1's ./cnnkit types"
JIT_REACHED=0
for k in ${JIT_KERNELS[@]+"${JIT_KERNELS[@]}"}; do
    if grep -q "io\.cnnkit\.kernels\.vector\.$k " "$JIT_LOG"; then JIT_REACHED=$((JIT_REACHED + 1))
    elif [ -d "$KR" ]; then JIT_WHY="$JIT_WHY; $k never compiled"; fi
done
if [ -z "$JIT_WHY" ]; then ok "jit-every-kernel ($JIT_BACKEND: ${#JIT_MODELS[@]} models, $JIT_REACHED kernels compiled, none skipped)"
else bad "jit-every-kernel:$JIT_WHY"; fi

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
