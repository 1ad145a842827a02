#!/usr/bin/env bash
# The Python round trip of saved models: fits implicit-als (Double and Float) and als on
# the bundled u8020 split, saves them, exports their factors as .npy, and checks with numpy
# (Scripts/check-npy-interop.py) that numpy ranks every user's top 10 exactly as
# FusionRec does. Installs numpy for the current user when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet --user numpy
python3 -c "import pandas" 2>/dev/null || python3 -m pip install --quiet --user pandas
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
# Ids that only quoting keeps whole (a newline, a comma, quotes, inner spaces, non-ASCII;
# spaces around a field are not part of it in FusionRec's CSV files, Docs/Reliability.md): the
# exported id lists read by pandas equal the ids pandas reads from the training CSV, one
# per factor row, and numpy ranks them as FusionRec does.
python3 - "$work/tricky.csv" <<'PY'
import csv, sys
ids = ["plain", "two\nlines", "comma, inside", 'say "hi"', "inner  spaces", "café", "東京", "x" * 300]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["userId", "itemId", "rating"])
    for u, user in enumerate(ids):
        for i, item in enumerate(ids):
            if (u + 2 * i) % 3 != 0:
                w.writerow([user, item, 1 + (u * i) % 5])
PY
"$binary" recommend --train "$work/tricky.csv" --model implicit-als --factors 2 --iterations 3 \
    --save "$work/tricky.frm" --output "$work/tricky-recs.csv"
"$binary" export --model-file "$work/tricky.frm" --output "$work/tricky"
python3 - "$work/tricky" "$work/tricky.csv" <<'PY'
import sys
import numpy as np
import pandas as pd
folder, train = sys.argv[1], sys.argv[2]
frame = pd.read_csv(train, dtype=str, keep_default_na=False)
users = pd.read_json(f"{folder}/user-ids.json", typ="series", dtype=False).tolist()
items = pd.read_json(f"{folder}/item-ids.json", typ="series", dtype=False).tolist()
assert sorted(users) == sorted(set(frame.userId)), (users, sorted(set(frame.userId)))
assert sorted(items) == sorted(set(frame.itemId)), (items, sorted(set(frame.itemId)))
assert len(users) == np.load(f"{folder}/user-factors.npy").shape[0]
assert len(items) == np.load(f"{folder}/item-factors.npy").shape[0]
print(f"pandas reads the {len(users)} user and {len(items)} item ids back exactly, one per factor row")
PY
python3 Scripts/check-npy-interop.py "$work/tricky" "$work/tricky.csv" "$work/tricky-recs.csv"
