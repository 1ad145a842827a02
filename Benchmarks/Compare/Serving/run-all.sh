#!/usr/bin/env bash
# The serving measurements of Docs/Serving.md, side by side: for each data set and write
# fraction, REPEAT rounds of FusionRec's example service then the Python peer (PEERS,
# default "peer": uvicorn servers on SO_REUSEPORT sockets; also "peer-shared" and
# "peer-granian", see load.sh; 10 s of wrk each, 32 connections),
# then hot-swap runs (ours), then GET /health alike (the HTTP floor, `ml-small/health`),
# then one long read-only run for the memory check. Appends
# one line per run to RESULTS (default ../.data/serving/results.txt).
# WRITES (default "0 0.1 0.5") lists the write fractions; LONG_SECONDS 0 skips the long run.
# Run prepare.sh first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
results=${RESULTS:-$here/../.data/serving/results.txt}
repeat=${REPEAT:-3}
seconds=${SECONDS_PER_RUN:-10}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) commit $(git -C "$here" rev-parse --short HEAD) $(nproc) cores" >> "$results"
for data in ml-small synthetic; do
    for writes in ${WRITES:-0 0.1 0.5}; do
        for round in $(seq 1 "$repeat"); do
            for service in ours ${PEERS:-peer}; do
                bash "$here/load.sh" "$service" "$data" "$writes" "$seconds" >> "$results"
            done
        done
    done
    for round in $(seq 1 "$repeat"); do
        bash "$here/load.sh" ours "$data" 0.1 "$seconds" swap >> "$results"
    done
done
# The HTTP floor: GET /health only (ENDPOINT=health), no model work, REPEAT alternating rounds.
for round in $(seq 1 "$repeat"); do
    for service in ours ${PEERS:-peer}; do
        ENDPOINT=health bash "$here/load.sh" "$service" ml-small 0 "$seconds" >> "$results"
    done
done
if [ "${LONG_SECONDS:-120}" -gt 0 ]; then
    bash "$here/load.sh" ours ml-small 0 "${LONG_SECONDS:-120}" >> "$results"
fi
