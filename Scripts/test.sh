#!/usr/bin/env bash
# Runs FusionRec's test suite, installing what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-dependencies.sh
swift test "$@"
