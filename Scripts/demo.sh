#!/usr/bin/env bash
# Builds FusionRec in release mode and runs the demo, installing what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-dependencies.sh
swift build -c release --product fusionrec >&2
.build/release/fusionrec "$@"
