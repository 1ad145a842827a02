#!/usr/bin/env bash
# Checks the service's page in headless Chromium and writes a screenshot: starts the
# (release) service on a loopback port, loads /?demo=1 (which fills every panel and adds a
# new movie), dumps the rendered DOM and checks that the three panels show titles, the
# similar movies and the new movie's audience, then saves the screenshot.
#
#   bash Examples/MovieService/Scripts/screenshot.sh [OUTPUT.png]   (default Docs/serving-page.png)
# Needs: apt-get install -y chromium
set -euo pipefail
cd "$(dirname "$0")/.."
output=$(realpath -m "${1:-../../Docs/serving-page.png}")
port=$((18500 + $$ % 400))
swift build -c release --product movie-service >&2
[ -f .data/ml-small.frm ] || bash Scripts/train-model.sh .data/ml-small.frm >/dev/null
pid=
start() {  # a fresh service, so each browser run sees the fitted model with nothing added
    [ -n "$pid" ] && { kill -TERM "$pid"; wait "$pid" || true; }
    .build/release/movie-service --port "$port" --model .data/ml-small.frm >/tmp/screenshot-$$.log 2>&1 & pid=$!
    for _ in $(seq 1 120); do curl -sf -m 2 "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.5; done
    echo "screenshot: the service did not start" >&2; exit 1
}
trap '[ -n "$pid" ] && kill -TERM $pid 2>/dev/null; rm -f /tmp/screenshot-$$.log /tmp/screenshot-$$.html' EXIT
start
browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=8000)
timeout 120 "${browser[@]}" --dump-dom "http://127.0.0.1:$port/?demo=1" > /tmp/screenshot-$$.html 2>/dev/null
for pattern in 'Recommendations for a user' 'Added as movie' 'It would reach first' '<td>user [0-9]' '[0-9]* users · [0-9]* movies'; do
    grep -q "$pattern" /tmp/screenshot-$$.html || { echo "screenshot: the page lacks /$pattern/" >&2; exit 1; }
done
# 10 recommendations + 10 similar movies + the new movie's 5 closest, each a titled row.
rows=$(grep -o 'class="genres">[^$]' /tmp/screenshot-$$.html | wc -l)
[ "$rows" -eq 25 ] || { echo "screenshot: $rows titled rows, expected 25" >&2; exit 1; }
grep -q 'class="error">[^$]' /tmp/screenshot-$$.html && { echo "screenshot: the page shows an error" >&2; exit 1; }
start
timeout 120 "${browser[@]}" --window-size=1400,900 --screenshot="$output" "http://127.0.0.1:$port/?demo=1" 2>/dev/null
echo "screenshot: page checked, $output written"
