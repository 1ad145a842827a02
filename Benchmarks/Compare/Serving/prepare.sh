#!/usr/bin/env bash
# Prepares the two data sets of the serving load tests in Benchmarks/Compare/.data/serving:
#   ml-small   the example service's model (Examples/MovieService/Scripts/train-model.sh)
#   synthetic  100k users × 50k items × 64 random factors, 20 random interactions per user
# each with its factors exported for the Python peer (fusionrec export --dtype float32) and
# its item ids (items.txt) for the wrk script, and the peer's virtualenv
# (Benchmarks/Compare/.venv-serving, from requirements.txt). Needs the release builds of
# fusionrec and of the example package's synthetic-model.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
data="$here/../.data/serving"
fusionrec=${FUSIONREC:-$root/.build/release/fusionrec}
example="$root/Examples/MovieService"
venv="$here/../.venv-serving"
if ! "$venv/bin/python" -c "import fastapi, uvicorn, granian, numpy, orjson" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
mkdir -p "$data/ml-small" "$data/synthetic"
[ -f "$example/.data/ml-small.frm" ] || FUSIONREC=$fusionrec bash "$example/Scripts/train-model.sh" >/dev/null
cp "$example/.data/ml-small.frm" "$data/ml-small/model.frm"
cp "$root/Data/ml-latest-small/ratings.csv" "$data/ml-small/ratings.csv"
tail -n +2 "$data/ml-small/ratings.csv" | cut -d, -f2 | sort -un > "$data/ml-small/items.txt"
"$fusionrec" export --model-file "$data/ml-small/model.frm" --output "$data/ml-small/export" --dtype float32 >/dev/null
(cd "$example" && swift build -c release --product synthetic-model >&2)
"$example/.build/release/synthetic-model" 100000 50000 64 "$data/synthetic/model.frm" "$data/synthetic/ratings.csv"
seq 1 50000 > "$data/synthetic/items.txt"
"$fusionrec" export --model-file "$data/synthetic/model.frm" --output "$data/synthetic/export" --dtype float32 >/dev/null
echo "$data"
