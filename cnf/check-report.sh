#!/bin/sh
# Renders a cnnkit report.html with headless Chromium to a PNG, to look at it (not part of CI).
#   cnf/check-report.sh [report.html [out.png]]
# Without arguments it first writes the demo report (io.image DemoOutputTest) to
# io.image/target/demo/report/ and renders that. Needs chromium (apt-get install -y chromium).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
report=${1:-}
if [ -z "$report" ]; then
    (cd "$root" && mvn -B -o -q -pl io.image -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DemoOutputTest)
    report="$root/io.image/target/demo/report/report.html"
fi
out=${2:-$(dirname "$report")/../report-screenshot.png}
[ -f "$report" ] || { echo "no report at $report" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium not found; install it with: apt-get install -y chromium" >&2; exit 1; }
abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
# No network, no GPU; --no-sandbox because this usually runs as root in a container.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2000 \
    --screenshot="$out" "file://$abs" 2>/dev/null
[ -s "$out" ] || { echo "chromium wrote no screenshot" >&2; exit 1; }
echo "rendered $abs -> $out"
