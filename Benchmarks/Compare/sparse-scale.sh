#!/usr/bin/env bash
# Sparse side information at catalogue scale (issue 16 part 3): a seeded synthetic catalogue
# of ITEMS items (default 1M) with a 1,024-dimension hashed title block and a genres block,
# fitted with the offset item model, next to plain implicit ALS on the same interactions,
# REPEATS times each, alternating; prints every run's JSON and the medians.
#
#     Benchmarks/Compare/sparse-scale.sh [REPEATS] [ITEMS] [USERS]
#
# Takes about 4 minutes per pair at 1M items on 2 cores (release build first: ~2 minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3} items=${2:-1000000} users=${3:-200000}
swift build -c release --product fusionrec-sparse-scale >&2
binary=.build/release/fusionrec-sparse-scale
out=$(mktemp -d)
for run in $(seq "$repeats"); do
    for model in fusion-offset implicit-als; do
        "$binary" --model "$model" --items "$items" --users "$users" --per-user 25 --dimension 1024 \
            --factors 32 --iterations 10 --threads 2 | tee -a "$out/$model.jsonl"
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys, pathlib
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.jsonl")):
    runs = [json.loads(line) for line in path.read_text().splitlines()]
    keys = [k for k in runs[0] if k.endswith(("_seconds", "_kb"))]
    medians = {k: statistics.median(r[k] for r in runs) for k in keys}
    print(path.stem, f"({len(runs)} runs, medians):",
          ", ".join(f"{k} {v / 1024 / 1024:.2f} GiB" if k.endswith("_kb") else f"{k} {v:.1f} s"
                    for k, v in medians.items()))
PY
