#!/usr/bin/env bash
# The bad-input corpus (reliability.test/src/test/resources/badinput, made by cnf/badinput/make_corpus.py)
# through ./cnnkit run, in a JVM with -Xmx512m (CNNKIT_JAVA_OPTS). Run by the launcher module's build at
# integration-test (CNNKIT_NO_BUILD=1), or by hand after a build:
#   launcher/src/test/e2e/badinput-e2e.sh            a representative subset (every kind of case)
#   BADINPUT_ALL=1 launcher/src/test/e2e/badinput-e2e.sh    the whole corpus
# For every bad case: exit status 1, stderr exactly one 'cnnkit:' line naming the file (or layer)
# and one 'hint:' line, no stack trace, no OutOfMemoryError, done within 30 s, and no report.html
# or .npy in the --out folder. Images and weight files that must work exit 0 with a report.
# Also: a read-only output folder (/sys, where root cannot write either) and --debug.
# Cases run BADINPUT_JOBS (default 2) at a time. Prints "badinput-e2e: N passed, N failed".
set -uo pipefail # (checks read stderr through here-strings: 'echo | grep -q' can fail with SIGPIPE under pipefail)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
CNNKIT="$ROOT/cnnkit"
CORPUS="$ROOT/reliability.test/src/test/resources/badinput"
export CNNKIT_JAVA_OPTS="${CNNKIT_JAVA_OPTS:--Xmx512m}"
LIMIT=30

SELF="$ROOT/launcher/src/test/e2e/$(basename "${BASH_SOURCE[0]}")"

# One case, run in the background by xargs: "$0 --case 'ID KIND EXPECT FILE'"; results under $TMP/ID.*
if [ "${1:-}" = "--case" ]; then
    read -r id kind _ f <<<"$2"; out="$TMP/$id.out"
    case "$kind" in
        image) args=(run 'conv2d(2, 3, name=c1) | relu' "$f" --out "$out" --npy) ;;
        weights) args=(run "$TMP/rel.json" "$CORPUS/images/ok_rgb.png" --grey --resize --out "$out" --npy --weights "$f") ;;
        model) args=(run "$f" "$CORPUS/images/ok_rgb.png" --grey --resize --out "$out" --npy) ;;
        readonly) args=(run 'conv2d(2, 3)' "$CORPUS/images/ok_rgb.png" --out "$f" --npy) ;;
        readonly-weights) args=(weights init "$TMP/rel.json" "$f") ;;
        debug) args=(run "$f" "$CORPUS/images/ok_rgb.png" --out "$out" --debug) ;;
    esac
    start=$(date +%s%N)
    timeout "$LIMIT" "$CNNKIT" "${args[@]}" >"$TMP/$id.stdout" 2>"$TMP/$id.stderr"
    echo "$? $(( ($(date +%s%N) - start) / 1000000 ))" >"$TMP/$id.rc"
    exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export TMP
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# The model the corpus's weight files were made for (MODEL in make_corpus.py)
cat >"$TMP/rel.json" <<'JSON'
{"name": "rel", "input_shape": [8, 8, 1], "seed": 1, "layers": [
  {"type": "conv2d", "name": "conv", "filters": 2, "kernel_size": 3},
  {"type": "flatten", "name": "flat"},
  {"type": "dense", "name": "fc", "units": 3}]}
JSON

# kind file expect: expect = bad (an error) or good (must work)
CASES=()
add() { CASES+=("$1 $3 $2"); } # kind file expect -> "kind expect file" (the file last: it may hold spaces)
if [ -n "${BADINPUT_ALL:-}" ]; then
    for f in "$CORPUS"/images/*.png "$CORPUS"/images/*.jpg; do
        case "$(basename "$f")" in
            ok_*|palette.png|grey_alpha.png|rgba.png|grey16.png|rgb16.png|cmyk.jpg) add image "$f" good ;;
            *) add image "$f" bad ;;
        esac
    done
    for f in "$CORPUS"/h5/*.h5; do
        case "$(basename "$f")" in ok*.h5) add weights "$f" good ;; *) add weights "$f" bad ;; esac
    done
    for f in "$CORPUS"/models/*; do add model "$f" bad; done
else
    # One of each kind of failure (the whole corpus also runs through the Java API in reliability.test).
    for n in empty.png truncated.png truncated.jpg corrupt_idat.png random.jpg zero_size.png \
            huge_ihdr.png bomb_1bit.png; do add image "$CORPUS/images/$n" bad; done
    add image "$CORPUS/images/cmyk.jpg" good
    for n in empty.h5 truncated.h5 truncated_head.h5 bad_superblock.h5 absurd_dims.h5 \
            beyond_int_dims.h5 int32_kernel.h5 no_layer_names.h5 unwritten_chunks.h5; do
        add weights "$CORPUS/h5/$n" bad
    done
    add weights "$CORPUS/h5/ok_gzip.h5" good
    for n in malformed.json empty.json not_object.json unknown_type.json zero_filters.json \
            kernel_too_large.json duplicate_names.json huge_dense_overflow.json huge_input.json \
            deep_nesting.json oneline_garbage.txt keras_unknown_class.json; do
        add model "$CORPUS/models/$n" bad
    done
fi
# A folder nobody can write, root included (tests run as root, where chmod stops nothing).
READONLY=""
if [ -d /sys ] && ! touch /sys/.cnnkit-probe 2>/dev/null; then
    READONLY=/sys
    add readonly /sys/cnnkit-out bad
    add readonly-weights /sys/cnnkit-w.h5 bad
else
    rm -f /sys/.cnnkit-probe 2>/dev/null
    echo "skip read-only folder: no folder here refuses root"
fi
add debug "$CORPUS/models/unknown_type.json" bad

start=$(date +%s)
i=0
for c in "${CASES[@]}"; do
    i=$((i + 1)); printf '%03d %s\n' "$i" "$c"
done | xargs -P "${BADINPUT_JOBS:-2}" -I {} bash "$SELF" --case {}

i=0
for c in "${CASES[@]}"; do
    i=$((i + 1)); id=$(printf '%03d' "$i")
    read -r kind expect f <<<"$c"
    name="$kind $(basename "$f")"
    read -r rc ms <"$TMP/$id.rc" 2>/dev/null || { bad "$name: did not run"; continue; }
    err="$(cat "$TMP/$id.stderr")"
    first="$(head -n 1 "$TMP/$id.stderr")"
    last="$(tail -n 1 "$TMP/$id.stderr")"
    out="$TMP/$id.out"
    [ "$kind" = readonly ] && out="$f"
    # report.html or .npy in --out, or a temporary sibling of --out left behind
    leftover="$(find "$out" \( -name report.html -o -name '*.npy' \) 2>/dev/null | head -3)$(find "$(dirname "$out")" \
        -maxdepth 1 -name ".$(basename "$out").*" 2>/dev/null | head -3)"
    why=""
    if [ "$rc" -eq 124 ]; then
        why="no result within ${LIMIT}s"
    elif grep -q "OutOfMemoryError" <<<"$err"; then
        why="OutOfMemoryError"
    elif [ "$expect" = good ]; then
        [ "$rc" -eq 0 ] || why="exit $rc, expected 0"
        [ -z "$why" ] && [ ! -f "$out/report.html" ] && why="no report.html"
    elif [ "$kind" = debug ]; then
        [ "$rc" -eq 1 ] || why="exit $rc, expected 1"
        grep -q '^cnnkit: ' <<<"$err" || why="${why:+$why; }no 'cnnkit:' line"
        grep -Eq '^[[:space:]]+at io\.cnnkit\.' <<<"$err" || why="${why:+$why; }--debug shows no stack trace"
    else
        [ "$rc" -eq 1 ] || why="exit $rc, expected 1"
        lines=$(grep -c . <<<"$err")
        # one 'cnnkit:' line and one 'hint:' line; a parse error adds the echoed line and its caret
        caret=$(sed -n 3p <<<"$err")
        { { [ "$lines" -eq 2 ] || { [ "$lines" -eq 4 ] && grep -Eq '^ +\^$' <<<"$caret"; }; } \
            && grep -q '^cnnkit: ' <<<"$first" && grep -q '^hint: ' <<<"$last"; } \
            || why="${why:+$why; }stderr is not one 'cnnkit:' line (plus a caret) and one 'hint:' line"
        # a stack trace: "\tat io.x.Y.m(Y.java:1)", "Caused by:", or a line opening with an exception's class name
        if grep -Eq '^[[:space:]]+at |^Caused by:|^[A-Za-z0-9_.$]+(Exception|Error)(:|$)|^Exception in thread' <<<"$err"; then
            why="${why:+$why; }stack trace on stderr"
        fi
        # no Gogo signature and no Java class name in a user error
        if grep -Eq 'Cannot coerce|([a-z][a-z0-9_]*\.){2,}[A-Z][A-Za-z0-9_$]*(Exception|Error)' <<<"$err"; then
            why="${why:+$why; }a Gogo signature or a Java class name on stderr"
        fi
        # the message names the file (or, for a description file's layer errors, the file and the layer)
        case "$kind" in
            readonly|readonly-weights) grep -qF "$f" <<<"$first" || why="${why:+$why; }message does not name $f" ;;
            model) grep -qF "$(basename "$f")" <<<"$first" \
                   || grep -Eq "^cnnkit: [a-z]+: layer [0-9]+ '|model '$(basename "${f%.*}")'" <<<"$first" \
                   || why="${why:+$why; }message names neither $(basename "$f") nor a layer" ;;
            *) grep -qF "$(basename "$f")" <<<"$first" \
                   || why="${why:+$why; }message does not name $(basename "$f")" ;;
        esac
        [ -n "$leftover" ] && why="${why:+$why; }partial output left: $leftover"
    fi
    if [ -z "$why" ]; then
        ok "$name (${ms} ms)"
    else
        bad "$name: $why"; head -n 4 "$TMP/$id.stderr" | sed 's/^/     /'
    fi
done
echo "badinput-e2e: $pass passed, $fail failed ($(( $(date +%s) - start )) s, ${#CASES[@]} cases, ${BADINPUT_JOBS:-2} at a time, $CNNKIT_JAVA_OPTS)"
[ "$fail" -eq 0 ]
