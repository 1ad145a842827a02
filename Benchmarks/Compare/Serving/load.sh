#!/usr/bin/env bash
# One bounded load test on loopback: starts a service, records its resident memory, runs
# wrk with topk.lua, records the memory again, stops the service (SIGTERM) and prints one line.
#
#   load.sh ours|peer|peer-shared|peer-granian ml-small|synthetic WRITE_FRACTION [SECONDS] [swap]
#
# `peer` is peer_service.py under PEER_WORKERS single-process uvicorn servers, each on its
# own SO_REUSEPORT socket (reuseport.py), so the kernel spreads wrk's connections across
# them; `peer-shared` is `uvicorn --workers PEER_WORKERS` (one shared socket: the first
# worker to wake may take every connection); `peer-granian` the same app under granian (an
# ASGI server written in Rust) with PEER_WORKERS workers.
# `swap` reloads the model file (POST /api/admin/reload) every 2 s during the run (ours only).
# Environment: CONNECTIONS (default 32), THREADS (wrk threads, default 2), PEER_WORKERS (2),
# ENDPOINT (`health`: every request `GET /health`, the HTTP floor; reported as DATA/health).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
data="$here/../.data/serving/$2"
which=$1 writes=$3 seconds=${4:-15} swap=${5:-}
endpoint=${ENDPOINT:-}
label=$2${endpoint:+/$endpoint}
port=$((19000 + $$ % 1000))
# A port nothing answers on: a server of an earlier run may still be shutting down.
while curl -s -m 1 -o /dev/null "http://127.0.0.1:$port/health"; do port=$((port + 1)); done
case $2 in ml-small) users=671 ;; synthetic) users=100000 ;; *) echo "unknown data set $2" >&2; exit 2 ;; esac
if [ "$which" = ours ]; then
    "$root/Examples/MovieService/.build/release/movie-service" --port "$port" --model "$data/model.frm" \
        --ratings "$data/ratings.csv" --movies "" >/tmp/load-$$.log 2>&1 &
else
    case $which in
        peer) server=("$here/../.venv-serving/bin/python" reuseport.py 127.0.0.1 "$port" "${PEER_WORKERS:-2}") ;;
        peer-shared) server=("$here/../.venv-serving/bin/uvicorn" peer_service:app --no-access-log
                             --host 127.0.0.1 --port "$port" --workers "${PEER_WORKERS:-2}" --log-level warning) ;;
        peer-granian) server=("$here/../.venv-serving/bin/granian" --interface asgi --loop uvloop peer_service:app
                              --host 127.0.0.1 --port "$port" --workers "${PEER_WORKERS:-2}" --log-level warning) ;;
        *) echo "unknown service $which" >&2; exit 2 ;;
    esac
    # One OpenBLAS thread per worker: with its default (every core per process) concurrent
    # requests fight over OpenBLAS's pool and the peer serves a few requests a second.
    (cd "$here" && OPENBLAS_NUM_THREADS=1 PEER_MODEL_DIR="$data/export" PEER_RATINGS="$data/ratings.csv" PEER_ALPHA=40 PEER_LAMBDA=0.05 \
        exec "${server[@]}") >/tmp/load-$$.log 2>&1 &
fi
pid=$!
# On exit: stop the service and wait for it (up to 30 s), so the next run starts on an idle machine.
trap 'kill -TERM $pid 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 $pid 2>/dev/null || break; sleep 0.5; done
      rm -f /tmp/load-$$.log' EXIT
for _ in $(seq 1 600); do curl -sf -m 2 "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
if [ "$which" = peer ]; then  # every worker listening, so that the kernel spreads wrk's connections over all
    for _ in $(seq 1 600); do
        [ "$(ss -ltnH "( sport = :$port )" | wc -l)" -ge "${PEER_WORKERS:-2}" ] && break; sleep 0.5
    done
fi
curl -sf -m 5 "http://127.0.0.1:$port/api/users/1/recommendations?count=10" >/dev/null
rss() {  # the service's resident memory in MiB, its worker processes included
    local total=0
    for p in $pid $(pgrep -P "$pid" || true); do
        total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo $((total / 1024))
}
cpu() {  # processor seconds (user + system) the service and its workers have used, in clock ticks
    local total=0
    for p in $pid $(pgrep -P "$pid" || true); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
before=$(rss)
cpu_before=$(cpu)
swapper=
if [ "$swap" = swap ]; then
    ( end=$((SECONDS + seconds)); n=0
      while [ $SECONDS -lt $end ]; do
          sleep 2
          curl -sf -m 30 -X POST -H 'content-type: application/json' -d '{}' "http://127.0.0.1:$port/api/admin/reload" >/dev/null \
              && n=$((n + 1)) || echo "swap failed" >&2
      done; echo "$n" > /tmp/load-swaps-$$ ) & swapper=$!
fi
result=$(/usr/bin/time -f "%U %S" -o /tmp/load-wrk-$$ wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-32}" -d"${seconds}s" \
    --timeout 10s -s "$here/topk.lua" "http://127.0.0.1:$port" -- "$users" "$data/items.txt" "$writes" $endpoint | grep RESULT)
if [ -n "$swapper" ]; then
    wait "$swapper"
    sleep 1  # the service gives freed pages back 200 ms after a swap
fi
swaps=$(cat /tmp/load-swaps-$$ 2>/dev/null || echo 0); rm -f /tmp/load-swaps-$$
after=$(rss)
cpu_after=$(cpu)
requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
cpu_us=$(( (cpu_after - cpu_before) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))
# wrk shares the two cores: its own processor time per request bounds what either side can reach.
wrk_us=$(awk -v n="$requests" '{printf "%d", ($1 + $2) * 1000000 / (n > 0 ? n : 1)}' /tmp/load-wrk-$$); rm -f /tmp/load-wrk-$$
load=$(cut -d' ' -f1 /proc/loadavg)
echo "$which $label writes=$writes ${result#RESULT } cpu_us_per_request=$cpu_us wrk_cpu_us_per_request=$wrk_us rss_before_mib=$before rss_after_mib=$after swaps=$swaps load1=$load"
