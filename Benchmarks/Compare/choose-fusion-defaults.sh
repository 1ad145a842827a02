#!/usr/bin/env bash
# How the defaults of `--model fusion` (and of JointFactorization.Configuration and
# FeaturePipeline.standard) were chosen, without any test file: every setting is scored on
#   cold: a cold split carved from the coldi10 *training* file (10% of its items with all
#         their interactions, seed 7, `fusionrec split --strategy cold-items`), cold-item
#         NDCG@10 and AUC;
#   warm: the u8020 inner split (inner_fit → inner_val), warm NDCG@10 and AUC.
# Each line is one setting, written out in full so that it does not depend on the defaults
# it chooses between (float, 15 sweeps). About 2 minutes on 2 cores.
# Usage: Benchmarks/Compare/choose-fusion-defaults.sh [work folder]
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

metrics() { python3 -c 'import json, sys; d = json.load(sys.stdin); m = d[sys.argv[1]] if sys.argv[1] else d; print("%.4f %.4f" % (m["ndcg"], m["auc"]), end="")' "$1"; }
run() {
    cold=$("$bin" evaluate --train "$work/train.csv" --test "$work/test.csv" --items "$data/movies.csv" \
        --format json --precision float "$@" | metrics cold_items)
    warm=$("$bin" evaluate --train "$data/splits/ml-small_u8020_inner_fit.csv" \
        --test "$data/splits/ml-small_u8020_inner_val.csv" --items "$data/movies.csv" \
        --format json --precision float "$@" | metrics "")
    echo "$cold   $warm   $*"
}

echo "cold NDCG AUC   warm NDCG AUC   settings"
columns=(--model fusion --text-column title --categorical-column genres)
old=(--factors 64 --regularization 0.05 --alpha 40 --hashing-dimension 512)
tuned=(--factors 128 --regularization 50 --alpha 5)
weights=(--block-weight genres=0.3 --block-weight "genres×year=0.3")
# The defaults before this choice, then the interaction settings tuned for implicit ALS.
run "${columns[@]}" "${old[@]}" --numeric-column year=standardized --no-crosses --block-weight genres=1
run "${columns[@]}" "${tuned[@]}" --hashing-dimension 512 --numeric-column year=standardized --no-crosses --block-weight genres=1
# The year's representation, the genre × decade cross, block weights.
for year in standardized 1; do
    run "${columns[@]}" "${tuned[@]}" --hashing-dimension 256 --numeric-column "year=$year" --no-crosses
done
run "${columns[@]}" "${tuned[@]}" --hashing-dimension 256 --numeric-column year=1 --no-crosses --block-weight genres=1
run "${columns[@]}" "${tuned[@]}" --hashing-dimension 256 --numeric-column year=1 --cross-column genres,year=10 \
    --block-weight genres=1 --block-weight "genres×year=1"
run "${columns[@]}" "${tuned[@]}" --hashing-dimension 256 --numeric-column year=1 --cross-column genres,year=10 "${weights[@]}"
run "${columns[@]}" "${tuned[@]}" --hashing-dimension 512 --numeric-column year=1 --cross-column genres,year=10 "${weights[@]}"
# The interaction settings and the map's λ_A around the choice.
best=("${columns[@]}" --hashing-dimension 256 --numeric-column year=1 --cross-column genres,year=10 "${weights[@]}")
for lambda in 3 30; do run "${best[@]}" "${tuned[@]}" --loading-regularization "$lambda"; done
for setting in "--factors 64 --regularization 50 --alpha 5" "--factors 128 --regularization 20 --alpha 5" \
    "--factors 128 --regularization 100 --alpha 5" "--factors 128 --regularization 50 --alpha 10" \
    "--factors 64 --regularization 0.05 --alpha 5"; do
    # shellcheck disable=SC2086
    run "${best[@]}" $setting
done
for offset in 5 500; do run "${best[@]}" "${tuned[@]}" --offset-regularization "$offset"; done
run --model implicit-als "${tuned[@]}"
