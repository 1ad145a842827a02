#!/usr/bin/env bash
# Cold-start and cost comparison of FusionRec's joint factorization with cmfrec.
# Creates Benchmarks/Compare/.venv (ignored by git) on first use, builds the release
# command line, then runs fusion_compare.py with the given arguments.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "implicit==0.7.*" cmfrec threadpoolctl numpy scipy pandas
fi
(cd "$root" && swift build -c release --product fusionrec >&2)
exec "$venv/bin/python" "$here/fusion_compare.py" "$@"
