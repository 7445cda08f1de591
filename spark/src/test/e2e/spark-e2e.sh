#!/usr/bin/env bash
# End-to-end test of `./cnnkit classify --spark local[2]` as a user types it: the script starts the
# plain-classpath Spark runner on spark/target/cnnkit-spark.jar and the Spark jars the build listed.
# Run by the spark module's build at integration-test (CNNKIT_NO_BUILD=1), or by hand after a build:
#   spark/src/test/e2e/spark-e2e.sh            from the repository root
# Prints one line per check and "spark-e2e: N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
CNNKIT="$ROOT/cnnkit"
KR="${CNNKIT_KERAS_REAL:-$ROOT/../shared/keras-real}"
IMG="$ROOT/launcher/src/main/resources/io/cnnkit/launcher/shell/sample/astronaut.png"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

if [ ! -f "$KR/k2-vww96-mobilenet.h5" ]; then
    if [ -n "${CI:-}" ]; then bad "no $KR/k2-vww96-mobilenet.h5 (../shared/keras-real beside the checkout)"
    else echo "skip: no $KR (../shared/keras-real beside the checkout)"; fi
else
    # a folder of two photos and a text file named .png, as the README's classify example
    mkdir -p "$TMP/photos/more"
    cp "$IMG" "$TMP/photos/astronaut.png"; cp "$IMG" "$TMP/photos/more/astronaut-copy.png"
    echo "not a picture" > "$TMP/photos/broken.png"
    printf 'no_person\nperson\n' > "$TMP/labels.txt"
    common=("$KR/k2-vww96-mobilenet.h5" "$TMP/photos" --resize --rescale 0.00392156862745098 --labels "$TMP/labels.txt")
    "$CNNKIT" classify "${common[@]}" --out "$TMP/osgi.csv" >"$TMP/osgi.out" 2>&1; rc1=$?
    "$CNNKIT" classify "${common[@]}" --out "$TMP/spark.csv" --spark 'local[2]' >"$TMP/spark.out" 2>"$TMP/spark.err"; rc2=$?
    if [ "$rc1" = 3 ] && [ "$rc2" = 3 ]; then ok "exit 3 with and without --spark (one bad image)"
    else bad "exit codes: without --spark $rc1, with $rc2 (expected 3): $(tail -3 "$TMP/spark.err")"; fi
    if [ -s "$TMP/spark.csv" ] && cmp -s "$TMP/osgi.csv" "$TMP/spark.csv" && [ "$(grep -c . "$TMP/spark.csv")" = 4 ]
    then ok "--spark local[2] writes the same CSV as classify (4 lines)"
    else bad "CSVs differ: $(diff "$TMP/osgi.csv" "$TMP/spark.csv" | head -6)"; fi
    # stdout ends as classify's does (progress lines go to stderr, through ./cnnkit's own filter)
    if [ "$(tail -1 "$TMP/spark.out")" = "classify: 1 image failed (rows with an error)" ] && [ ! -e "$TMP/spark.csv.part" ]
    then ok "--spark: the failed count on the last line, no .part left"
    else bad "--spark last line: $(tail -2 "$TMP/spark.out")"; fi
    # a usage error in the Spark path is one line and a hint, exit 2
    "$CNNKIT" classify "${common[@]}" --out "$TMP/x.csv" --spark 'local[2]' --top many >"$TMP/usage.out" 2>&1; rc=$?
    if [ "$rc" = 2 ] && grep -q "^cnnkit: classify: --top expects a whole number, got 'many'" "$TMP/usage.out" \
            && ! grep -q "Exception\|at org\.\|at io\." "$TMP/usage.out"
    then ok "--spark usage error: exit 2, one line, no stack trace"
    else bad "--spark usage error: exit $rc: $(head -4 "$TMP/usage.out")"; fi
fi
echo "spark-e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
