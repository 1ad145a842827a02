#!/usr/bin/env bash
# FusionRec ⇄ Spark MLlib ALS on MovieLens coldi10, in one command (issue 16 part 4):
#  1. Spark ALS (implicit, local mode, k = 64, 15 iterations, α = 5) trains warm factors on the
#     training interactions and saves its model (Parquet userFactors/, itemFactors/);
#  2. the factors are converted with pyarrow to .npy + ids, `fusionrec import` fits the item
#     side-information map (offset model) with the item factors held fixed, and the model ranks
#     the 907 cold items of the test set: NDCG@10 and AUC next to FusionRec's own joint fit;
#  3. the reverse: the joint fit is exported (`fusionrec export`), written as an ALSModel
#     directory, loaded with ALSModel.load, and its top-10 lists (training items removed) are
#     compared with `fusionrec recommend`'s — the script fails unless they agree.
#
#     Benchmarks/Compare/spark-roundtrip.sh [WORKDIR]
#
# Needs Java 17 and python3; creates Benchmarks/Compare/.venv (pyspark, pyarrow, numpy) when
# missing. FUSIONREC_BUILD=debug skips the release build. Not in CI: about 8 minutes on the
# shared 2-core machine with a debug build already there (Spark's local fit alone is ~2 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
venv=Benchmarks/Compare/.venv
if ! "$venv/bin/python" -c "import pyspark, pyarrow, numpy" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q pyspark pyarrow numpy
fi
build=${FUSIONREC_BUILD:-release}
swift build -c "$build" --product fusionrec >&2
fusionrec=".build/$build/fusionrec"
interop() { "$venv/bin/python" Benchmarks/Compare/spark_interop.py "$@" 2> >(grep -v -E "WARN|^\s+at |log4j|setLogLevel|incubator|^$" >&2); }
splits=Data/ml-latest-small/splits
train=$splits/ml-small_coldi10_train.csv test=$splits/ml-small_coldi10_test.csv items=Data/ml-latest-small/movies.csv
columns=(--text-column title --categorical-column genres --numeric-column year=1 --cross-column genres,year=10
         --block-weight genres=0.3 --block-weight 'genres×year=0.3' --loading-regularization 10
         --hashing-dimension 256 --precision float)
cold() { python3 -c "import json,sys; c=json.load(sys.stdin)['cold_items']; print(f\"NDCG@10 {c['ndcg']:.4f}  AUC {c['auc']:.4f}  ({c['users_evaluated']} users, {c['items']} cold items)\")"; }
seconds() { python3 -c "import time; print(f'{time.time() - $1:.1f}')"; }

start=$(date +%s.%N)
spark=$(interop train "$train" "$work/spark-model" --rank 64 --iterations 15 --reg 0.05 --alpha 5)
interop from-spark "$work/spark-model" "$work/spark-factors"
t=$(date +%s.%N)
"$fusionrec" import --from "$work/spark-factors" --items "$items" "${columns[@]}" --save "$work/spark.frm"
import_seconds=$(seconds "$t")
spark_cold=$("$fusionrec" evaluate --model fusion --load "$work/spark.frm" --train "$train" --test "$test" \
    --items "$items" "${columns[@]}" --alpha 5 --format json | cold)
t=$(date +%s.%N)
own_cold=$("$fusionrec" evaluate --model fusion --train "$train" --test "$test" --items "$items" "${columns[@]}" \
    --alpha 5 --format json --save "$work/own.frm" | cold)
own_seconds=$(seconds "$t")

"$fusionrec" export --model-file "$work/own.frm" --output "$work/own-export" --dtype float32
interop to-spark "$work/own-export" "$work/own-spark"
"$fusionrec" recommend --model fusion --load "$work/own.frm" --train "$train" --k 10 --output "$work/own-top10.csv" \
    --precision float
check=$(interop check-top10 "$work/own-spark" "$train" "$work/own-top10.csv") || { echo "top-10 check failed: $check"; exit 1; }

cat <<REPORT
Spark ALS → FusionRec (coldi10, cold items):
  Spark fit: $spark
  fusionrec import (encode + map fit + save): $import_seconds s
  Spark factors + FusionRec offset map:  $spark_cold
  FusionRec joint fit (fusion, offset):  $own_cold   (evaluate incl. fit: $own_seconds s)
FusionRec → Spark (ALSModel.load on exported factors, top-10 without training items):
  $check
total: $(seconds "$start") s; files in $work
REPORT
