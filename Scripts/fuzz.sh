#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (a separate package, so the root's build and tests
# never compile them) and runs each for a fixed time.
#
#   Scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     default: 600 s, every target
#
# New inputs go to Fuzz/.build/corpus/<target> (the committed seeds in Fuzz/Corpus/<target>
# are read, never written); crashes to Fuzz/.build/artifacts/<target>/; the log of each
# run to Fuzz/.build/logs/<target>.log. Prints one summary line per target and exits
# non-zero if any target crashed, leaked, timed out or ran out of memory.
set -uo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(FuzzModelFile FuzzNumPy FuzzInteractionsCSV FuzzAttributeTable FuzzSafeTensors FuzzItemsPipeline FuzzJPEG FuzzPNG FuzzWAV)

# The harnesses are recompiled every time: an incremental build once kept a harness
# compiled against an older layout of a library type (see Docs/Reliability.md).
touch Sources/*/*.swift
swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >&2 || exit 1

status=0
for target in "${targets[@]}"; do
    mkdir -p ".build/corpus/$target" ".build/artifacts/$target" .build/logs
    log=".build/logs/$target.log"
    ".build/debug/$target" ".build/corpus/$target" "Corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
        -print_final_stats=1 -artifact_prefix=".build/artifacts/$target/" >"$log" 2>&1
    code=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
    corpus=$(echo "$last" | grep -o 'corp: [0-9]*/[0-9a-zA-Z]*')
    crashes=$(ls ".build/artifacts/$target" | wc -l)
    echo "$target: ${seconds}s, exit $code, ${runs:-?} executions, coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corpus:-?}, ${crashes} artifacts"
    [ "$code" -ne 0 ] || [ "$crashes" -ne 0 ] && status=1
done
exit $status
