#!/usr/bin/env bash
# Smoke test of the example service: builds it, starts it on a loopback port, calls every
# endpoint (recommendations, similar items, recording an interaction, adding a movie and
# getting it recommended, reloading the model, health, metrics, bad requests), then stops
# it with SIGTERM and checks that it shut down cleanly. Bounded: every curl has a timeout
# and the whole script gives up after SMOKE_TIMEOUT seconds (default 900).
#
#   bash Examples/MovieService/Scripts/smoke.sh      # CONFIGURATION=release to build -c release
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-debug}
port=${PORT:-$((18000 + $$ % 1000))}
base="http://127.0.0.1:$port"
( sleep "${SMOKE_TIMEOUT:-900}" >/dev/null 2>&1; echo "smoke: timed out" >&2; kill -TERM $$ ) 2>&1 >/dev/null &
watchdog=$!
log=$(mktemp)
pid=
cleanup() {  # always stops the service: SIGTERM, then SIGKILL if it is still there after 5 s
    pkill -P "$watchdog" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

swift build -c "$configuration" --product movie-service >&2
[ -f .data/ml-small.frm ] || bash Scripts/train-model.sh .data/ml-small.frm >/dev/null
binary=$(swift build -c "$configuration" --show-bin-path)/movie-service

"$binary" --port "$port" --model .data/ml-small.frm >"$log" 2>&1 & pid=$!
for _ in $(seq 1 120); do
    curl -sf -m 2 "$base/health" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "smoke: the service exited" >&2; exit 1; }
    sleep 0.5
done
call() { curl -sS -m 10 -w '\n%{http_code}' "$@"; }
expect() {  # expect STATUS PATTERN CURL-ARGS…
    local status=$1 pattern=$2; shift 2
    local out; out=$(call "$@")
    local code=${out##*$'\n'} body=${out%$'\n'*}
    if [ "$code" != "$status" ] || ! grep -q -- "$pattern" <<<"$body"; then
        echo "smoke: $* → $code (expected $status, /$pattern/): $body" >&2; exit 1
    fi
    printf '%s' "$body"
}
expect 200 '"status":"ok"' "$base/health" >/dev/null
expect 200 '<title>FusionRec movie service' "$base/" >/dev/null
recommended=$(expect 200 '"title"' "$base/api/users/1/recommendations?count=5")
python3 -c '
import json, sys
body = json.load(sys.stdin)
items = body["items"]
scores = [item["score"] for item in items]
assert body["user"] == 1 and len(items) == 5, body
assert all(item["title"] and isinstance(item["genres"], list) for item in items), items
assert scores == sorted(scores, reverse=True), scores
' <<<"$recommended" || { echo "smoke: wrong recommendations for user 1: $recommended" >&2; exit 1; }
expect 200 '"items"' "$base/api/items/1/similar?count=5" >/dev/null
expect 200 '"version"' -X POST -H 'content-type: application/json' \
    -d '{"interactions":[{"user":1,"item":318,"value":1}]}' "$base/api/interactions" >/dev/null
added=$(expect 200 '"audience"' -X POST -H 'content-type: application/json' \
    -d '{"id":900001,"title":"Galaxy Toys","year":2026,"genres":["Animation","Children","Comedy"]}' "$base/api/items")
reached=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["audience"][0]["id"])' <<<"$added")
expect 200 '"id":900001' "$base/api/users/$reached/recommendations?count=1&allow=900001,1,2" >/dev/null
expect 200 '"generation":1' -X POST -H 'content-type: application/json' -d '{}' "$base/api/admin/reload" >/dev/null
expect 200 '"item":900001' "$base/api/items/900001/similar?count=1" >/dev/null
expect 404 'unknown user' "$base/api/users/99999999/recommendations" >/dev/null
expect 400 'not valid JSON' -X POST -H 'content-type: application/json' -d '{"interactions":' "$base/api/interactions" >/dev/null
expect 400 'not finite\|not valid' -X POST -H 'content-type: application/json' \
    -d '{"interactions":[{"user":1,"item":1,"value":1e999}]}' "$base/api/interactions" >/dev/null
expect 404 'unknown item' -X POST -H 'content-type: application/json' \
    -d '{"interactions":[{"user":1,"item":-5}]}' "$base/api/interactions" >/dev/null
expect 400 'count' "$base/api/items/1/similar?count=0" >/dev/null
expect 200 'movie_service_requests_total' "$base/metrics" >/dev/null
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || { cat "$log" >&2; echo "smoke: exit status $status after SIGTERM" >&2; exit 1; }
echo "smoke: movie-service passed 15 endpoint checks and shut down cleanly on SIGTERM"
