#!/usr/bin/env bash
# The Python round trip of saved models: fits implicit-als and als on the bundled u8020
# split, saves them, exports their factors as .npy, and checks with numpy
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
for model in implicit-als als; do
    "$binary" recommend --train "$train" --model "$model" --iterations 5 --save "$work/$model.frm" \
        --output "$work/$model.csv"
    "$binary" export --model-file "$work/$model.frm" --output "$work/$model"
    python3 Scripts/check-npy-interop.py "$work/$model" "$train" "$work/$model.csv"
done
