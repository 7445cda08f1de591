#!/usr/bin/env bash
# One-shot latency of ./cnnkit against a bare JVM start measured in the same run (issue #14
# item 6): the median of N runs (default 5) of each command, the commands interleaved so that
# a busy machine weighs on all of them alike, and each median's ratio to `java -version`'s;
# also each command's median CPU time (user + system), which the machine's load moves less.
#   cnf/bench/oneshot.sh [N] [BASE]   from the repository root, after a build
# BASE: another built checkout (e.g. a worktree of main) whose ./cnnkit is timed in the same
# interleaved rounds, for a before/after comparison on equal terms.
# The commands: ./cnnkit summary 'conv2d(3, 3)', and the MobileNet of ../shared/keras-real on
# one 96x96 photo (cnf/bench/astronaut96.png) writing pictures, report.html and .npy files.
# Then N runs of each with --debug, whose phase times (the medians) say where the time goes.
# Two untimed runs of each come first: the figures are the steady state (the runtime's bundle
# cache and its class-data archives exist: the first command after a build fills the cache and
# records bnd's launcher's archive, the second starts on the kept cache and records that start's).
# Each checkout gets a runtime cache of its own in a temporary folder, so that these commands
# record its archives and class lists: a kept start's are per command, recorded by its first
# run (a MobileNet run on the archive an earlier small model's run recorded, as the e2e test's
# leaves in launcher/target/runtime-cache, took about 40 ms longer).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-5}"
BASE="${2:-}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "oneshot: N must be a whole number of runs >= 1, got '$N' (usage: cnf/bench/oneshot.sh [N] [BASE])" >&2; exit 2; }
CNNKIT="$ROOT/cnnkit"
[ -z "$BASE" ] || [ -x "$BASE/cnnkit" ] || { echo "oneshot: $BASE/cnnkit is missing (BASE: a built checkout)" >&2; exit 1; }
MODEL="$ROOT/../shared/keras-real/k2-vww96-mobilenet.h5"
PHOTO="$ROOT/cnf/bench/astronaut96.png"
[ -f "$MODEL" ] || { echo "oneshot: $MODEL is missing (../shared/keras-real beside the checkout)" >&2; exit 1; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

NAMES=(java-version summary mobilenet summary@base mobilenet@base)
run() { # index: runs command number $1, output discarded, fails loudly
    case "$1" in
        0) "$JAVA" -version ;;
        1) CNNKIT_CACHE="$TMP/cache" "$CNNKIT" summary 'conv2d(3, 3)' ;;
        2) CNNKIT_CACHE="$TMP/cache" "$CNNKIT" run "$MODEL" "$PHOTO" --rescale 0.00392156862745098 --npy --out "$TMP/vww" ;;
        3) CNNKIT_CACHE="$TMP/cache-base" "$BASE/cnnkit" summary 'conv2d(3, 3)' ;;
        4) CNNKIT_CACHE="$TMP/cache-base" "$BASE/cnnkit" run "$MODEL" "$PHOTO" --rescale 0.00392156862745098 --npy --out "$TMP/vww-base" ;;
    esac > "$TMP/out" 2>&1 || { echo "oneshot: ${NAMES[$1]} failed:" >&2; cat "$TMP/out" >&2; exit 1; }
}
measure() { # run $1; prints its wall time and its CPU time (user + system, the JVM's threads together) in ms
    local TIMEFORMAT='%R %U %S' t
    t=$( { time run "$1"; } 2>&1 ) || { echo "$t" >&2; exit 1; }
    awk '{ printf "%d %d\n", $1 * 1000 + 0.5, ($2 + $3) * 1000 + 0.5 }' <<<"$t"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run 1; run 2; run 1; run 2 # warm: bundle cache, kept start, class-data archives
[ -z "$BASE" ] || { run 3; run 4; run 3; run 4; }
declare -a T0=() T1=() T2=() T3=() T4=() C0=() C1=() C2=() C3=() C4=()
one() { # index: appends run $1's wall and CPU times to T$1 and C$1
    local w c
    read -r w c < <(measure "$1") && [ -n "$c" ] || exit 1
    eval "T$1+=($w); C$1+=($c)"
}
for ((i = 0; i < N; i++)); do
    one 0; one 1; one 2
    [ -z "$BASE" ] || { one 3; one 4; }
done
M0=$(printf '%s\n' "${T0[@]}" | median)
M1=$(printf '%s\n' "${T1[@]}" | median)
M2=$(printf '%s\n' "${T2[@]}" | median)
# CPU (user + system) moves less than wall time with the shared machine's load: a second view
cpu() { printf '%s\n' "$@" | median; }
echo "runs each: $N (interleaved), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf '%-12s median %6s ms   cpu %6s ms   runs: %s\n' java-version "$M0" "$(cpu "${C0[@]}")" "${T0[*]}"
printf '%-12s median %6s ms   cpu %6s ms   runs: %s\n' summary "$M1" "$(cpu "${C1[@]}")" "${T1[*]}"
printf '%-12s median %6s ms   cpu %6s ms   runs: %s\n' mobilenet "$M2" "$(cpu "${C2[@]}")" "${T2[*]}"
awk -v a="$M1" -v b="$M2" -v j="$M0" 'BEGIN {
    printf "oneshot: summary %.1fx java -version (target 8x), mobilenet %.1fx (target 15x)\n", a / j, b / j }'
if [ -n "$BASE" ]; then
    M3=$(printf '%s\n' "${T3[@]}" | median)
    M4=$(printf '%s\n' "${T4[@]}" | median)
    printf '%-12s median %6s ms   cpu %6s ms   runs: %s\n' summary@base "$M3" "$(cpu "${C3[@]}")" "${T3[*]}"
    printf '%-12s median %6s ms   cpu %6s ms   runs: %s\n' mobilenet@base "$M4" "$(cpu "${C4[@]}")" "${T4[*]}"
    awk -v a="$M3" -v b="$M4" -v j="$M0" -v base="$BASE" 'BEGIN {
        printf "base %s: summary %.1fx java -version, mobilenet %.1fx\n", base, a / j, b / j }'
fi
# Where the time goes: N more runs of each command with --debug (untimed here), the median of each
# phase of the line it prints (see README, One-shot commands and the runtime cache)
phases() { # label, then the command; prints "label: phase median, ..."
    local label="$1" i
    shift
    for ((i = 0; i < N; i++)); do
        "$@" --debug 2>&1 >/dev/null | grep "^cnnkit: time: " || { echo "oneshot: no time line from $label" >&2; exit 1; }
    done | awk -v label="$label" '{
        sub(/^.*command.s end: /, ""); sub(/ \(/, ", "); sub(/\)$/, ""); n = split($0, parts, ", ")
        for (i = 1; i <= n; i++) { k = parts[i]; v = k; sub(/ [0-9]+$/, "", k); sub(/^.* /, "", v)
            if (!(k in seen)) { seen[k] = 1; order[++m] = k }; vals[k, ++cnt[k]] = v }
    } END {
        printf "%s phases (medians):", label
        for (j = 1; j <= m; j++) { k = order[j]; c = cnt[k]
            for (a = 1; a <= c; a++) s[a] = vals[k, a] + 0
            for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
            printf "%s %s %g", (j > 1 ? "," : ""), k, (c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2) }
        printf "\n" }'
}
phases summary env CNNKIT_CACHE="$TMP/cache" "$CNNKIT" summary 'conv2d(3, 3)'
phases mobilenet env CNNKIT_CACHE="$TMP/cache" "$CNNKIT" run "$MODEL" "$PHOTO" --rescale 0.00392156862745098 --npy --out "$TMP/vww"
