#!/usr/bin/env bash
# Throughput of FusionRec's SentenceEncoder against sentence-transformers (PyTorch, CPU)
# on all-MiniLM-L6-v2, 2 threads each, in one run:
#   1. the 9,066 movie titles of ml-latest-small (short texts, ~7 tokens);
#   2. 256 long texts of ~200 tokens (consecutive titles joined with ". ").
#
# Usage: Benchmarks/Compare/minilm_compare.sh [MOVIES_CSV]
#   MOVIES_CSV   default: $FUSIONREC_MOVIES_CSV or /work/shared/data/ml-latest-small/movies.csv
# Environment:
#   FUSIONREC_MODEL_DIR  model directory (default: the cache dir of Scripts/fetch-minilm.sh,
#                        which this script runs first)
#   REPEATS              timed repetitions per measurement, best kept (default 3)
#
# PyTorch runs in Benchmarks/Compare/.venv-torch (git-ignored), created on first use with
# `pip install torch sentence-transformers`; the default torch wheel also pulls ~5 GB of
# CUDA libraries, unused here. Swift runs the release build of the MiniLMThroughput
# package next to this script. Swift is timed twice: with OpenBLAS's default kernels, and,
# on CPUs with AVX-512, with OPENBLAS_CORETYPE=SKYLAKEX (OpenBLAS 0.3.21 does not pick its
# AVX-512 kernels on AMD Zen 4 by itself). The script prints the ratios
# (Swift texts/s ÷ PyTorch texts/s), and the same ratio per process CPU second, which
# other load on the machine distorts less.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
movies="${1:-${FUSIONREC_MOVIES_CSV:-/work/shared/data/ml-latest-small/movies.csv}}"
repeats="${REPEATS:-3}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/all-MiniLM-L6-v2"
model="${FUSIONREC_MODEL_DIR:-$cache}"
venv="$here/.venv-torch"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/Scripts/fetch-minilm.sh" "$model" >&2
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import torch, sentence_transformers" 2>/dev/null; then
    echo "minilm_compare: installing torch and sentence-transformers into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch sentence-transformers
fi
py="$venv/bin/python"

echo "== machine" 
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" "$here/minilm_compare.py" prepare "$model" "$movies" "$work"

(cd "$here/MiniLMThroughput" && swift build -c release >&2)
swift_bin="$here/MiniLMThroughput/.build/release/MiniLMThroughput"
variants=("default")
if grep -q avx512f /proc/cpuinfo; then variants+=("SKYLAKEX"); fi

for input in titles long; do
    echo "== $input"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    for variant in "${variants[@]}"; do
        if [[ "$variant" == default ]]; then core=(); else core=(OPENBLAS_CORETYPE="$variant"); fi
        env "${core[@]}" FUSIONREC_THREADS=2 "$swift_bin" "$model" "$work/$input.txt" "$work/$input-$variant.npy" "$repeats" \
            | sed "s/^/swift[$variant]: /" | tee -a "$work/results-$input.txt"
    done
    "$py" "$here/minilm_compare.py" torch "$model" "$work/$input.txt" "$work/$input-default.npy" "$repeats" \
        | sed "s/^/torch: /" | tee -a "$work/results-$input.txt"
    "$py" - "$work/results-$input.txt" "$input" <<'PY'
import json, sys
lines = [line for line in open(sys.argv[1]) if line.strip()]
results = {}
for line in lines:
    name, payload = line.split(": ", 1)
    results[name] = json.loads(payload)
torch = results["torch"]["texts_per_second"]
for name, value in results.items():
    if name.startswith("swift"):
        print(f"ratio {sys.argv[2]} {name} / torch: {value['texts_per_second'] / torch:.2f}x "
              f"({value['texts_per_second']:.1f} vs {torch:.1f} texts/s); per CPU second: "
              f"{value['texts_per_cpu_second'] / results['torch']['texts_per_cpu_second']:.2f}x")
PY
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
