#!/usr/bin/env bash
# Fits the model the service serves with the fusionrec command-line tool: a joint
# factorization of MovieLens ml-latest-small (implicit, binary) with the movies' genres,
# decade and title as item side information, saved with its feature pipeline so the
# service can place new movies from their attributes. Writes .data/ml-small.frm.
#
#   bash Scripts/train-model.sh [OUTPUT.frm]
set -euo pipefail
cd "$(dirname "$0")/.."
root=../..
output=${1:-.data/ml-small.frm}
mkdir -p "$(dirname "$output")"
fusionrec=${FUSIONREC:-}
if [ -z "$fusionrec" ]; then
    (cd "$root" && swift build -c release --product fusionrec >&2)
    fusionrec=$root/.build/release/fusionrec
fi
users=$(mktemp)
trap 'rm -f "$users" "$users.out"' EXIT
printf 'userId\n1\n' > "$users"
"$fusionrec" recommend --train "$root/Data/ml-latest-small/ratings.csv" --model fusion \
    --items "$root/Data/ml-latest-small/movies.csv" --categorical-column genres --numeric-column year=10 \
    --text-column title --precision float --factors 64 --iterations 10 \
    --users "$users" --output "$users.out" --save "$output" >&2
echo "$output"
