#!/usr/bin/env bash
# Throughput of FusionRec's LogMelEncoder against librosa (melspectrogram + power_to_db +
# band means and deviations, the pipeline of audio_reference.py), one thread each, clips
# per second on CLIPS clips of SECONDS seconds at 22,050 Hz, side by side for ROUNDS rounds
# (each round runs Swift then librosa; each run reports the median of 5 passes).
#
# Usage: Benchmarks/Compare/audio_compare.sh
# Environment: SECONDS_PER_CLIP (default 5), CLIPS (default 20), ROUNDS (default 3).
#
# librosa runs in Benchmarks/Compare/.venv (git-ignored), created on first use with
# `pip install librosa numpy soundfile`; BLAS and OpenMP are held to one thread there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${SECONDS_PER_CLIP:-5}"
clips="${CLIPS:-20}"
rounds="${ROUNDS:-3}"
venv="$here/.venv"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q librosa numpy soundfile; }
(cd "$here/AudioThroughput" && swift build -c release >&2)
swift_binary="$here/AudioThroughput/.build/release/AudioThroughput"
for round in $(seq "$rounds"); do
    echo "round $round swift $("$swift_binary" "$seconds" "$clips" 5)"
    echo "round $round librosa $(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
        "$venv/bin/python" "$here/audio_reference.py" throughput "$seconds" "$clips" 5)"
done
