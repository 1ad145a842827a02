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
if ! "$venv/bin/python" -c "import lightfm" 2>/dev/null; then
    # LightFM 1.17's setup.py sets an attribute on __builtins__, which is a dict when
    # setuptools runs it: patch that one line and build without isolation.
    source_dir="$(mktemp -d)"
    "$venv/bin/pip" install --quiet setuptools wheel cython
    url="$("$venv/bin/python" -c 'import json, urllib.request; print(next(u["url"] for u in json.load(urllib.request.urlopen("https://pypi.org/pypi/lightfm/json"))["urls"] if u["filename"] == "lightfm-1.17.tar.gz"))')"
    (cd "$source_dir" && curl -sSfL -o lightfm-1.17.tar.gz "$url" && tar xzf lightfm-1.17.tar.gz \
        && sed -i 's/^__builtins__.__LIGHTFM_SETUP__ = True/import builtins; builtins.__LIGHTFM_SETUP__ = True/' lightfm-1.17/setup.py \
        && "$venv/bin/pip" install --quiet --no-build-isolation ./lightfm-1.17)
    rm -rf "$source_dir"
fi
(cd "$root" && swift build -c release --product fusionrec >&2)
exec "$venv/bin/python" "$here/fusion_compare.py" "$@"
