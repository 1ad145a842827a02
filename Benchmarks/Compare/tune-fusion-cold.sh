#!/usr/bin/env bash
# The cold-start settings of Docs/Fusion.md, chosen without the coldi10 test file:
# carves a cold split from the coldi10 *training* file (10% of its items with all their
# interactions, seed 7, `fusionrec split --strategy cold-items`), then prints the carved
# split's cold-item NDCG@10 and AUC for each setting of the grid (k = 64, 15 iterations,
# α = 5, float). Choose by AUC: on a carved split plain id order can score well on NDCG.
# Usage: Benchmarks/Compare/tune-fusion-cold.sh [output folder]   (under a minute)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
swift build -c release --product fusionrec >&2
bin=.build/release/fusionrec
data=Data/ml-latest-small
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
"$bin" split --input "$data/splits/ml-small_coldi10_train.csv" --strategy cold-items --fraction 0.1 --seed 7 \
    --train-output "$work/train.csv" --test-output "$work/test.csv" --held-out "$work/items.csv" >&2

run() {
    "$bin" evaluate --train "$work/train.csv" --test "$work/test.csv" --items "$data/movies.csv" --format json \
        --model fusion --factors 64 --iterations 15 --alpha 5 --precision float \
        --text-column title --categorical-column genres "$@" |
        python3 -c 'import json, sys; c = json.load(sys.stdin)["cold_items"]; print("%.4f  %.4f" % (c["ndcg"], c["auc"]), end="")'
    echo "  $*"
}

echo "NDCG@10 AUC     settings (carved split of coldi10_train)"
cross=(--cross-column genres,year=10 --block-weight "genres×year=0.3")
for width in 10 5 2 1; do
    run --numeric-column "year=$width" "${cross[@]}" --block-weight title=0.3
    run --numeric-column "year=$width" "${cross[@]}" --loading-regularization 10
    for lambda in 3 10 30; do
        run --numeric-column "year=$width" "${cross[@]}" --block-weight genres=0.3 --loading-regularization "$lambda"
    done
done
best=(--numeric-column year=1 "${cross[@]}" --block-weight genres=0.3 --loading-regularization 10)
run --numeric-column year=1 --block-weight genres=0.3 --loading-regularization 10
run --numeric-column year=1 "${cross[@]}" --block-weight genres=0.1 --loading-regularization 10
run --numeric-column year=1 "${cross[@]}" --block-weight genres=1 --loading-regularization 10
run "${best[@]}" --block-weight title=0.3
for dimension in 128 256 1024; do run "${best[@]}" --hashing-dimension "$dimension"; done
for grams in 3-4 none; do run "${best[@]}" --hashing-character-ngrams "$grams"; done
