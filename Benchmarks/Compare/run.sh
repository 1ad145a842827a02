#!/usr/bin/env bash
# Peer comparison of FusionRec's factorisation models with implicit and cmfrec.
# Creates Benchmarks/Compare/.venv (ignored by git) on first use, builds FusionRec's
# comparison executable in release mode, then runs compare.py with the given arguments,
# e.g.  Benchmarks/Compare/run.sh --datasets ml-small --explicit
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "implicit==0.7.*" cmfrec threadpoolctl numpy scipy pandas
fi
(cd "$root" && swift build -c release --product fusionrec-compare)
exec "$venv/bin/python" "$here/compare.py" "$@"
