#!/usr/bin/env bash
# Fetches the musicnn MSD_musicnn weights that AudioEmbedding's MusicnnEncoder loads,
# converts them once to safetensors, and checks them.
#
# Usage: Scripts/fetch-musicnn.sh [DIR]
#
# The weights come from the PyPI package `musicnn` 0.1.0 (ISC licence, © 2019 Music
# Technology Group, Universitat Pompeu Fabra; code by Jordi Pons): a 29 MB wheel holding
# TensorFlow 1 checkpoints, of which this script uses `musicnn/MSD_musicnn/` (the model
# trained on the Million Song Dataset's 50 tags). The script downloads the wheel with
# `pip download --no-deps` and checks its SHA-256, extracts the checkpoint, and converts
# it with Scripts/convert-musicnn.py, which reads TensorFlow's TensorBundle format (an
# SSTable index plus raw little-endian data) with the standard library alone — no
# TensorFlow, no NumPy — checking every block's and every tensor's CRC-32C. The 64
# trained tensors are written as F32 under their TensorFlow names and shapes (optimiser
# slots dropped, batch norm unfolded); the output's SHA-256 is checked against the
# fixture Tests/AudioEmbeddingTests/Fixtures/musicnn/reference.json, so the tests and the
# encoder see exactly the weights the reference values were produced with.
#
# DIR defaults to $FUSIONREC_MUSICNN_DIR, then to
# ${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/musicnn — the directory the model-dependent
# tests look in. Requires python3 with pip, and sha256sum (or shasum). Running it again
# when the file is already present and verified does nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixture="$root/Tests/AudioEmbeddingTests/Fixtures/musicnn/reference.json"
target="${1:-${FUSIONREC_MUSICNN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/musicnn}}"
python="${PYTHON:-python3}"
wheel_sha256=f38a4890c648c1ddbb141c5d96d2b0a8cfcd36746002d896989f7b88beb65cfa

die() { echo "fetch-musicnn: $*" >&2; exit 1; }

[[ -f "$fixture" ]] || die "missing fixture $fixture"
command -v "$python" >/dev/null || die "python3 not found (set PYTHON)"

source "$root/Scripts/_fetch-common.sh"

verify() {
    verify_sha256 "$1/model.safetensors" \
        "$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["model"]["safetensors_sha256"])' "$fixture")"
}

if verify "$target" 2>/dev/null; then
    echo "fetch-musicnn: $target already holds the verified model file"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-musicnn: downloading musicnn 0.1.0 from PyPI" >&2
wheel="$(pypi_wheel musicnn==0.1.0 "$work")"
[[ "$(sha256 "$wheel")" == "$wheel_sha256" ]] || die "the wheel has an unexpected SHA-256"

"$python" - "$wheel" "$work/checkpoint" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
with zipfile.ZipFile(wheel) as archive:
    for name in ("musicnn/MSD_musicnn/.index", "musicnn/MSD_musicnn/.data-00000-of-00001"):
        with archive.open(name) as source, open(os.path.join(out, os.path.basename(name)), "wb") as sink:
            while chunk := source.read(1 << 20):
                sink.write(chunk)
PY

mkdir -p "$work/out"
"$python" "$root/Scripts/convert-musicnn.py" "$work/checkpoint/" "$work/out/model.safetensors"
verify "$work/out" || die "the converted file failed verification"

mkdir -p "$target"
cp "$work/out/model.safetensors" "$target/model.safetensors.partial"
mv "$target/model.safetensors.partial" "$target/model.safetensors"
verify "$target" || die "$target/model.safetensors failed verification after copying"
echo "fetch-musicnn: model file verified and installed in $target"
