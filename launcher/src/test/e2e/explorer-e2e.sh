#!/usr/bin/env bash
# End-to-end test of the explorer web app (./cnnkit serve) through its HTTP API with curl: start,
# a taken port, pages, path traversal, bad uploads (nothing left on disk), a model run and the
# convolution explanation, session isolation, the --models folder, a layer bundle stopped and
# started, cleanup on Ctrl-C. Run by the launcher module's build at integration-test (with
# CNNKIT_NO_BUILD=1), or by hand after a build from the repository root:
#   launcher/src/test/e2e/explorer-e2e.sh
# Prints one line per check and "explorer-e2e: N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
CNNKIT="$ROOT/cnnkit"
TMP="$(mktemp -d)"
SERVER_PGID=""
cleanup() {
    [ -n "$SERVER_PGID" ] && kill -TERM -- "-$SERVER_PGID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
command -v curl >/dev/null || { echo "explorer-e2e: curl is missing"; exit 1; }

# The server's temporary folder goes under $TMP/jtmp, so the test can see what is left on disk.
mkdir -p "$TMP/jtmp" "$TMP/models"
cp "$ROOT/explorer/src/main/resources/web/astronaut.png" "$TMP/photo.png"
cat > "$TMP/models/tiny.json" <<'JSON'
{"name": "tiny", "input_shape": [300, 300, 3], "layers": [
  {"type": "conv2d", "name": "conv_1", "filters": 2, "kernel_size": [3, 3], "padding": "same", "strides": [2, 2]},
  {"type": "max_pooling2d", "name": "pool_1", "pool_size": [2, 2]},
  {"type": "activation", "name": "act_1", "activation": "relu"},
  {"type": "flatten"},
  {"type": "dense", "name": "dens_1", "units": 4, "activation": "softmax"}]}
JSON
printf 'cat\ndog\nbird\nfish\n' > "$TMP/models/tiny.labels.txt"
export CNNKIT_JAVA_OPTS="-Djava.io.tmpdir=$TMP/jtmp -Dcnnkit.explorer.upload.image.mb=2"

# 1. serve --port 0: a free port, the URL printed, on 127.0.0.1 by default
setsid "$CNNKIT" serve --port 0 --models "$TMP/models" > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVER_PGID=$!
URL=""
for _ in $(seq 1 120); do
    URL="$(grep -o 'http://[0-9.]*:[0-9]*/' "$TMP/serve.out" 2>/dev/null | head -1)"
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PGID" 2>/dev/null || break
    sleep 0.5
done
if [ -n "$URL" ] && [[ "$URL" == http://127.0.0.1:* ]] && [ "$(curl -s "${URL}api/health")" = '{"ok":true}' ]; then
    ok "serve --port 0 ($URL)"
else
    bad "serve: no URL or no answer: $(cat "$TMP/serve.out" "$TMP/serve.err" | head -20)"
    echo "explorer-e2e: $pass passed, $fail failed"; exit 1
fi
PORT="${URL##*:}"; PORT="${PORT%/}"
A=(-s -b "$TMP/jar1" -c "$TMP/jar1")   # browser session 1
B=(-s -b "$TMP/jar2" -c "$TMP/jar2")   # browser session 2
status() { curl "${A[@]}" -o "$TMP/body" -w '%{http_code}' "$@"; }
no_trace() { ! grep -Eq '([a-z][a-z0-9_]*\.){2,}[A-Z][A-Za-z0-9_$]*(Exception|Error)|	at [a-z]' "$TMP/body"; }
# uploaded files under the explorer's folder (not the runs' pictures; the JVM keeps temporary files
# of its own beside it)
files_left() { find "$TMP/jtmp" -path '*/cnnkit-explorer-*' -type f -not -path '*/run-*' | wc -l; }

# 2. the same port again: said clearly, non-zero exit
OUT="$(CNNKIT_JAVA_OPTS="" timeout 120 "$CNNKIT" serve --port "$PORT" 2>&1)"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "port $PORT on 127.0.0.1 is in use" <<<"$OUT" && grep -q "^hint: .*--port 0" <<<"$OUT"; then
    ok "port-in-use (exit $rc)"
else bad "port-in-use: exit $rc: $OUT"; fi

# 3. pages from the bundle, nothing else: traversal attempts get 4xx without file contents
c=$(status "$URL"); grep -q "<title>cnnkit explorer</title>" "$TMP/body" && [ "$c" = 200 ] && ok "index page" || bad "index page: $c"
c=$(status "${URL}app.js"); [ "$c" = 200 ] && ok "app.js" || bad "app.js: $c"
why=""
for p in "../../../../etc/passwd" "%2e%2e/%2e%2e/%2e%2e/etc/passwd" "samples/../../../../etc/passwd" \
        "app.js/../../../etc/passwd" "..%2f..%2f..%2fetc%2fpasswd" "api/../../../../etc/passwd" "web/app.js" \
        "OSGI-INF/io.cnnkit.explorer.internal.ApiServlet.xml" "META-INF/MANIFEST.MF" "%2e%2e%5c%2e%2e%5cetc%5cpasswd"; do
    c=$(curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' "$URL$p")
    if [[ "$c" != 4* ]] || grep -q "root:" "$TMP/body" || grep -q "Bundle-SymbolicName\|<scr:component" "$TMP/body" || ! no_trace; then
        why="$why [$p: $c]"
    fi
done
[ -z "$why" ] && ok "path traversal (10 paths, all 4xx)" || bad "path traversal:$why"

# 3b. DNS rebinding: on loopback, a Host other than localhost/127.0.0.1/[::1] gets 403 (pages and API)
c=$(status -H 'Host: evil.example' "${URL}api/models")
c2=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: evil.example:$PORT" "$URL")
c3=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost:$PORT" "${URL}api/health")
c4=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: [::1]:$PORT" "${URL}api/health")
if [ "$c" = 403 ] && grep -q '"error":"the Host header .evil.example. is not' "$TMP/body" && grep -q '"hint"' "$TMP/body" \
        && [ "$c2" = 403 ] && [ "$c3" = 200 ] && [ "$c4" = 200 ]; then ok "Host check (evil.example 403; localhost, [::1] 200)"
else bad "Host check: $c $c2 $c3 $c4 $(cat "$TMP/body")"; fi

# 4. a model: the walkthrough's seed, then bad images, each a clear 4xx and nothing left on disk
c=$(status -X POST "${URL}api/models/seed")
[ "$c" = 200 ] && grep -q '"name":"walkthrough"' "$TMP/body" && ok "seed model" || bad "seed model: $c $(cat "$TMP/body")"
RUNS="${URL}api/models/walkthrough/runs"
head -c 2000 "$TMP/photo.png" > "$TMP/truncated.png"
: > "$TMP/empty.png"
echo "just some text, not an image" > "$TMP/text.png"
python3 - "$TMP/huge.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
# a valid header declaring 10000 x 10000 (100 megapixels), one tiny data chunk
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10000, 10000, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
head -c 3000000 /dev/zero > "$TMP/big.png"
bad_upload() { # name file query expected-status message-pattern
    local name="$1" file="$2" query="$3" want="$4" pattern="$5" c
    # (no Expect: 100-continue, so that curl reports the final status of a refused large body)
    c=$(status -X POST --data-binary @"$file" -H 'Content-Type: application/octet-stream' -H 'Expect:' "$RUNS?$query")
    if [ "$c" = "$want" ] && grep -q '"error":' "$TMP/body" && grep -Eq "$pattern" "$TMP/body" && no_trace \
            && [ "$(files_left)" -eq 0 ]; then
        ok "bad upload: $name ($c)"
    else
        bad "bad upload: $name: status $c (want $want), files left $(files_left): $(head -c 400 "$TMP/body")"
    fi
}
bad_upload "truncated PNG" "$TMP/truncated.png" "name=truncated.png&resize=model" 422 "truncated.png"
bad_upload "100-megapixel header" "$TMP/huge.png" "name=huge.png&resize=model" 413 "huge.png.*(pixel|megapixel)"
bad_upload "0 bytes" "$TMP/empty.png" "name=empty.png" 400 "empty \\(0 bytes\\)"
bad_upload "text named .png" "$TMP/text.png" "name=text.png&resize=model" 422 "text.png"
bad_upload "../ in the name" "$TMP/photo.png" "name=..%2F..%2Fetc%2Fx.png" 400 "not allowed"
bad_upload "folder in the name" "$TMP/photo.png" "name=sub%2Fphoto.png" 400 "not allowed"
bad_upload "over the size limit" "$TMP/big.png" "name=big.png" 413 "limit of 2.0 MB"
bad_upload "not an image extension" "$TMP/photo.png" "name=photo.exe" 400 "is not an image file"

# 5. a run on a real photo: per-node JSON, a map PNG, values, and the conv explanation's sum
c=$(status -X POST --data-binary @"$TMP/photo.png" "$RUNS?name=photo.png&resize=model")
RUN_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body" 2>/dev/null)"
if [ "$c" = 200 ] && [ -n "$RUN_ID" ] && grep -q '"name":"conv_1"' "$TMP/body"; then ok "run (id $RUN_ID)"
else bad "run: $c $(head -c 300 "$TMP/body")"; fi
c=$(curl "${A[@]}" -o "$TMP/map.png" -w '%{http_code} %{content_type}' "${URL}api/runs/$RUN_ID/nodes/1/maps/2.png")
if [ "$c" = "200 image/png" ] && [ "$(head -c 4 "$TMP/map.png" | tail -c 3)" = "PNG" ]; then ok "map picture"
else bad "map picture: $c"; fi
c=$(status "${URL}api/runs/$RUN_ID/explain?node=1&y=40&x=77&channel=2")
if [ "$c" = 200 ] && python3 - "$TMP/body" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
s = sum(p for row in e["products"] for col in row for p in col)
assert abs(s - e["weightedSum"]) < 1e-3 * max(1, abs(s)), (s, e["weightedSum"])
assert abs(e["weightedSum"] + e["bias"] - e["output"]) < 1e-3 * max(1, abs(e["output"])), e
PY
then ok "explain conv_1: weighted sum + bias = the node's value"; else bad "explain: $c $(head -c 300 "$TMP/body")"; fi
c=$(status "${URL}api/runs/$RUN_ID/nodes/2/values?channel=0")
[ "$c" = 200 ] && grep -q '"values":\[' "$TMP/body" && ok "values" || bad "values: $c"

# 5b. the walkthrough's classic kernels and truncated models (as ./cnnkit demo builds them)
c=$(status "${URL}api/models")
KERNELS="$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["kernels"]))' "$TMP/body" 2>/dev/null)"
why=""
for k in $KERNELS; do
    c=$(status -X POST "${URL}api/models/kernel?kernel=$k")
    cp "$TMP/body" "$TMP/kernel.json"
    c2=$(status -X POST "${URL}api/models/kernel_$k/runs?sample=astronaut")
    id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body" 2>/dev/null)"
    c3=$(status "${URL}api/runs/$id/explain?node=1&y=60&x=150&channel=1")
    # the kernel the API shows is the one the conv2d applies: channel 1 reads input channel 1 only
    python3 - "$TMP/kernel.json" "$TMP/body" <<'PY' || why="$why [$k: $c $c2 $c3]"
import json, sys
k = json.load(open(sys.argv[1]))["kernel"]
e = json.load(open(sys.argv[2]))
assert e["kind"] == "conv2d" and e["padding"] == "same", e
applied = [[col[1] for col in row] for row in e["kernel"]]
assert len(applied) == len(k) and all(abs(a - b) < 1e-6 for ra, rb in zip(applied, k) for a, b in zip(ra, rb)), (k, applied)
assert all(col[0] == 0 and col[2] == 0 for row in e["kernel"] for col in row), e["kernel"]
assert abs(e["weightedSum"] - e["output"]) < 1e-3 * max(1, abs(e["output"])), e
PY
done
[ "$KERNELS" = "sharpen sharpen5 laplacian" ] && [ -z "$why" ] && ok "three kernels: numbers shown = numbers applied" \
    || bad "kernels '$KERNELS':$why $(head -c 300 "$TMP/body")"
c=$(status -X POST "${URL}api/models/kernel?kernel=sharpn")
[ "$c" = 404 ] && grep -q "did you mean 'sharpen'" "$TMP/body" && ok "unknown kernel (404, did you mean)" || bad "unknown kernel: $c $(cat "$TMP/body")"
# truncated after conv_2 (4 layers), weights loaded by name: its output equals the full model's conv_2
c=$(status -X POST "${URL}api/models/seed?layers=4")
if [ "$c" = 200 ] && grep -q '"name":"walkthrough_4"' "$TMP/body" && grep -Eq '"loaded":[1-9]' "$TMP/body"; then
    status -X POST "${URL}api/models/walkthrough_4/runs?sample=astronaut" > /dev/null
    T_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body" 2>/dev/null)"
    status -X POST "$RUNS?sample=astronaut" > /dev/null
    F_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body" 2>/dev/null)"
    curl "${A[@]}" -o "$TMP/t.json" "${URL}api/runs/$T_ID/nodes/4/values?channel=2"
    curl "${A[@]}" -o "$TMP/f.json" "${URL}api/runs/$F_ID/nodes/4/values?channel=2"
    if python3 - "$TMP/t.json" "$TMP/f.json" <<'PY'
import json, sys
t, f = (json.load(open(a)) for a in sys.argv[1:])
assert t["node"] == f["node"] == "conv_2" and len(t["values"]) > 1000, (t["node"], f["node"])
assert t["values"] == f["values"] and any(v != 0 for v in t["values"])
PY
    then ok "truncated seed model reloaded by name = the full model's conv_2"; else bad "truncated: values differ"; fi
else bad "truncated seed model: $c $(cat "$TMP/body")"; fi
c=$(status -X POST "${URL}api/models/seed?layers=13")
[ "$c" = 400 ] && grep -q "layers 1..12" "$TMP/body" && ok "truncated: layers out of range (400)" || bad "layers=13: $c $(cat "$TMP/body")"

# 6. another browser session sees neither the run nor the model
c=$(curl "${B[@]}" -o "$TMP/body" -w '%{http_code}' "${URL}api/runs/$RUN_ID")
c2=$(curl "${B[@]}" -o "$TMP/body2" -w '%{http_code}' "${URL}api/models")
if [ "$c" = 404 ] && [ "$c2" = 200 ] && grep -q '"models":\[\]' "$TMP/body2"; then ok "sessions isolated"
else bad "sessions isolated: run $c, models $c2 $(cat "$TMP/body2")"; fi

# 7. the --models folder: listed, loadable, and nothing outside it
c=$(status "${URL}api/models")
grep -q '"folder":\["tiny.json"\]' "$TMP/body" && ok "models folder listed" || bad "models folder: $(cat "$TMP/body")"
c=$(status -X POST "${URL}api/models?folder=tiny.json")
[ "$c" = 200 ] && grep -q '"name":"tiny"' "$TMP/body" && grep -q '"labels":4' "$TMP/body" && ok "model from the folder (4 labels)" \
    || bad "model from the folder: $c $(cat "$TMP/body")"
c=$(status -X POST "${URL}api/models/tiny/runs?sample=astronaut")
if [ "$c" = 200 ] && python3 - "$TMP/body" <<'PY'
import json, sys
top = json.load(open(sys.argv[1]))["top"][0]
assert top["output"] == "dens_1" and top["probabilities"] and top["labelled"], top
assert sorted(c["label"] for c in top["classes"]) == ["bird", "cat", "dog", "fish"], top
PY
then ok "top classes with the folder's labels"; else bad "top classes with labels: $c $(head -c 400 "$TMP/body")"; fi
# the same labels as Keras's JSON class index, uploaded: read as ./cnnkit run --labels reads them
printf '{"1": ["n1", "wolf"], "0": "lynx", "3": "owl", "2": "hare"}' > "$TMP/labels.json"
c=$(status -X POST --data-binary @"$TMP/labels.json" "${URL}api/models/tiny/labels?name=labels.json")
c2=$(status -X POST "${URL}api/models/tiny/runs?sample=astronaut")
if [ "$c" = 200 ] && [ "$c2" = 200 ] && python3 - "$TMP/body" <<'PY'
import json, sys
top = json.load(open(sys.argv[1]))["top"][0]
assert top["labelled"] and sorted(c["label"] for c in top["classes"]) == ["hare", "lynx", "owl", "wolf"], top
PY
then ok "JSON labels upload (Keras class index)"; else bad "JSON labels: $c $c2 $(head -c 300 "$TMP/body")"; fi
printf '{"0": "lynx",\n "0": "owl"}' > "$TMP/labels.json"
c=$(status -X POST --data-binary @"$TMP/labels.json" "${URL}api/models/tiny/labels?name=labels.json")
[ "$c" = 400 ] && grep -q 'labels.json: line 2, column [0-9]*: the key \\"0\\" appears twice' "$TMP/body" && grep -q '"hint":"a JSON labels file' "$TMP/body" \
    && ok "bad JSON labels: 400 naming line and key" || bad "bad JSON labels: $c $(cat "$TMP/body")"
c=$(status -X POST "${URL}api/models?folder=..%2F..%2Fetc%2Fpasswd.json")
c2=$(curl "${A[@]}" -o /dev/null -w '%{http_code}' -X POST "${URL}api/models?folder=m.json")
[[ "$c" = 4* ]] && [ "$c2" = 404 ] && ok "folder: no path outside it ($c, $c2)" || bad "folder escape: $c $c2"
c=$(status -X POST --data-binary @"$TMP/text.png" "${URL}api/models?name=model.h5")
[[ "$c" = 4* ]] && no_trace && [ "$(files_left)" -eq 0 ] && ok "bad model upload ($c)" || bad "bad model upload: $c $(cat "$TMP/body")"

# 8. a layer bundle stopped: the model is unavailable (and says why); started: it recovers
c=$(status -X POST "${URL}api/runtime/bundles/io.cnnkit.layers.conv/stop")
for _ in $(seq 1 40); do # the engine marks its models as the services go (at most a moment)
    status "${URL}api/models" > /dev/null
    grep -q '"available":false' "$TMP/body" && break
    sleep 0.25
done
if [ "$c" = 200 ] && grep -q '"reason":"missing layer type conv2d"' "$TMP/body"; then ok "conv stopped: model unavailable"
else bad "conv stopped: $c $(head -c 300 "$TMP/body")"; fi
c=$(status -X POST "$RUNS?sample=astronaut")
[ "$c" = 409 ] && grep -q "unavailable" "$TMP/body" && ok "run while unavailable (409)" || bad "run while unavailable: $c"
status -X POST "${URL}api/runtime/bundles/io.cnnkit.layers.conv/start" > /dev/null
for _ in $(seq 1 40); do
    status "${URL}api/models" > /dev/null
    grep -q '"available":false' "$TMP/body" || break
    sleep 0.25
done
grep -q '"available":false' "$TMP/body" && bad "conv started: still unavailable $(cat "$TMP/body")" || ok "conv started: model recovered"
c=$(status -X POST "${URL}api/runtime/bundles/io.cnnkit.engine.core/stop")
[ "$c" = 403 ] && ok "engine bundle cannot be stopped (403)" || bad "engine stop: $c"
c=$(status "${URL}api/nope"); [ "$c" = 404 ] && grep -q '"hint"' "$TMP/body" && ok "unknown route (404 JSON)" || bad "unknown route: $c"

# 9. stopping the server (Ctrl-C; SIGTERM here, which the JVM handles the same way: a background
# job ignores SIGINT): it ends and its uploads folder is gone
kill -TERM -- "-$SERVER_PGID"
for _ in $(seq 1 120); do pgrep -g "$SERVER_PGID" >/dev/null || break; sleep 0.25; done # the JVM too
SERVER_PGID=""
left="$(find "$TMP/jtmp" -path '*/cnnkit-explorer-*' | head -5)"
[ -z "$left" ] && ok "stopped: uploads removed" || bad "after the stop left: $left"

echo "explorer-e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
