#!/usr/bin/env bash
# The Python round trip of saved models: fits implicit-als (Double and Float) and als on
# the bundled u8020 split, saves them, exports their factors as .npy, and checks with numpy
# (Scripts/check-npy-interop.py) that numpy ranks every user's top 10 exactly as
# FusionRec does. Installs numpy for the current user when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet --user numpy
swift build --product fusionrec >&2
binary="$(swift build --product fusionrec --show-bin-path)/fusionrec"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
train=Data/ml-latest-small/splits/ml-small_u8020_train.csv
# MODEL:PRECISION:DTYPE — both scalar types of the command line, exported at their width.
for run in implicit-als:double:float64 als:double:float64 implicit-als:float:float32; do
    IFS=: read -r model precision dtype <<< "$run"
    name="$model-$precision"
    "$binary" recommend --train "$train" --model "$model" --iterations 5 --precision "$precision" \
        --save "$work/$name.frm" --output "$work/$name.csv"
    "$binary" export --model-file "$work/$name.frm" --output "$work/$name" --dtype "$dtype"
    python3 Scripts/check-npy-interop.py "$work/$name" "$train" "$work/$name.csv"
done
