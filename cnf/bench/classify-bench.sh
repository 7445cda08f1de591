#!/usr/bin/env bash
# Images per second of ./cnnkit classify and of the same run as a Spark job (--spark local[2]), on the
# same images: N (default 2000) crops and flips of the bundled photos (cnf/bench/ClassifyImages.java)
# through the trained MobileNet of ../shared/keras-real (96x96, --resize). Both at 2 cores: classify
# with --threads 2, Spark with local[2] (two tasks of one model thread each). Rounds alternate
# (classify, Spark, classify, Spark, ...) so that a change in the machine's load hits both alike;
# the load average is printed before and after. Each run's result file must be the same bytes.
#   cnf/bench/classify-bench.sh [N] [ROUNDS]       (ROUNDS default 2)
# Not for CI: it times things. Builds what is missing (./cnnkit does).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-2000}"
ROUNDS="${2:-2}"
MODEL="${MODEL:-../shared/keras-real/k2-vww96-mobilenet.h5}"
[ -f "$MODEL" ] || { echo "classify-bench: $MODEL is missing (put shared/keras-real beside the checkout, or set MODEL)" >&2; exit 1; }
WORK="${WORK:-out/classify-bench}"
IMAGES="$WORK/images-$N"
if [ ! -d "$IMAGES" ]; then
    java cnf/bench/ClassifyImages.java "$IMAGES.tmp" "$N" launcher/src/main/resources/io/cnnkit/launcher/shell/sample/astronaut.png \
        cnf/bench/astronaut96.png
    mv "$IMAGES.tmp" "$IMAGES"
fi
OPTS=(--resize --rescale 0.00392156862745098 --top 2)
echo "classify-bench: $N images of $IMAGES, model $MODEL, $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# warm-up: the builds (if needed) and the runtime cache, on a few images
./cnnkit classify "$MODEL" "$IMAGES/img00000.png" "${OPTS[@]}" --out "$WORK/warm.csv" >/dev/null
./cnnkit classify "$MODEL" "$IMAGES/img00000.png" "${OPTS[@]}" --out "$WORK/warm.csv" --spark 'local[2]' >/dev/null
run() { # label out-file extra-options...: prints "label: R images/s (in the command), W images/s (wall, JVM start included)"
    local label="$1" out="$2"; shift 2
    local t0 t1 line
    t0=$(date +%s.%N)
    line="$(./cnnkit classify "$MODEL" "$IMAGES" "${OPTS[@]}" --out "$out" "$@" | head -n 1)"
    t1=$(date +%s.%N)
    local rate="${line##*(}"; rate="${rate%% images/s*}"
    printf '%-22s %8s images/s in the run, %6.1f images/s wall (JVM start included)\n' "$label:" "$rate" \
        "$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { print n / (b - a) }')"
}
for ((r = 1; r <= ROUNDS; r++)); do
    run "round $r classify" "$WORK/classify.csv" --threads 2
    run "round $r spark local[2]" "$WORK/spark.csv" --spark 'local[2]'
    if cmp -s "$WORK/classify.csv" "$WORK/spark.csv"; then echo "round $r: the same $(($(grep -c . "$WORK/classify.csv") - 1)) rows, byte for byte"
    else echo "round $r: the result files differ" >&2; exit 1; fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
