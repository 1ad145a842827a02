#!/usr/bin/env bash
# Throughput of FusionRec's MusicnnEncoder against the NumPy reference forward pass and
# musicnn's own TensorFlow graph, on THREADS threads each, clips per second on CLIPS
# clips of SECONDS seconds of noise at 16 kHz, side by side for ROUNDS rounds (each round
# runs Swift, NumPy, then TensorFlow; each run reports the median of REPEATS passes).
# Every pipeline includes the mel frontend (FFTW here, librosa there) and the mean over
# patches.
#
# Usage: Benchmarks/Compare/musicnn_compare.sh
# Environment: THREADS (default 2), SECONDS_PER_CLIP (default 9: three patches),
# CLIPS (default 6), ROUNDS (default 3), REPEATS (default 3),
# FUSIONREC_MUSICNN_DIR (default ~/.cache/fusionrec/musicnn, from Scripts/fetch-musicnn.sh).
#
# NumPy runs in Benchmarks/Compare/.venv (git-ignored; `pip install librosa numpy
# soundfile`), with OpenBLAS held to THREADS threads. TensorFlow runs only when the
# throwaway venv `.venv-tf` (git-ignored; `pip install tensorflow-cpu tf-keras librosa
# soundfile`) exists at the repository root; it needs musicnn's source, which this script
# extracts from the wheel that Scripts/fetch-musicnn.sh downloads.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="${THREADS:-2}"
seconds="${SECONDS_PER_CLIP:-9}"
clips="${CLIPS:-6}"
rounds="${ROUNDS:-3}"
repeats="${REPEATS:-3}"
model="${FUSIONREC_MUSICNN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/musicnn}"
venv="$here/.venv"
[ -f "$model/model.safetensors" ] || bash "$root/Scripts/fetch-musicnn.sh" "$model"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q librosa numpy soundfile; }
(cd "$here/AudioThroughput" && swift build -c release >&2)
swift_binary="$here/AudioThroughput/.build/release/AudioThroughput"

tf_python="$root/.venv-tf/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -x "$tf_python" ]; then
    python3 -m pip download --quiet --no-deps --disable-pip-version-check --only-binary=:all: -d "$work" musicnn==0.1.0
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$work"/musicnn-*.whl "$work"
fi
limits=(OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" NUMBA_NUM_THREADS="$threads")

for round in $(seq "$rounds"); do
    echo "round $round swift $("$swift_binary" musicnn "$model" "$threads" "$seconds" "$clips" "$repeats")"
    echo "round $round $(env "${limits[@]}" "$venv/bin/python" "$here/musicnn_reference.py" throughput \
        "$model/model.safetensors" "$seconds" "$clips" "$repeats")"
    if [ -x "$tf_python" ]; then
        echo "round $round $(env "${limits[@]}" TF_CPP_MIN_LOG_LEVEL=3 "$tf_python" "$here/musicnn_reference.py" \
            tensorflow-throughput "$work/musicnn/MSD_musicnn/" "$work/musicnn" "$threads" "$seconds" "$clips" \
            "$repeats" 2>/dev/null | tail -n 1)"
    fi
done
