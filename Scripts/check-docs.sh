#!/usr/bin/env bash
# Checks the documentation: every public declaration has a /// comment, the README's
# Swift example is the code that Tests/ExamplesTests compiles and runs, and DocC builds
# every module's catalog without a warning. Installs what it needs first; the DocC
# plugin is resolved only here (FUSIONREC_DOCS), into its own build folder.
#
#   bash Scripts/check-docs.sh               # all modules
#   bash Scripts/check-docs.sh Fusion        # one module
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-dependencies.sh

modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(LinearAlgebra Factorization Ranking Fusion FusionRec)
status=0

# 1. Public declarations without a doc comment (attributes between are allowed; protocol
#    witnesses such as `description`, `==` and `next()` and the underscored BLASScalar
#    requirements inherit their protocol's documentation).
undocumented=$(awk '
    FNR == 1 { documented = 0 }
    /^[[:space:]]*\/\/\// { documented = 1; next }
    /^[[:space:]]*@/ { next }
    /^[[:space:]]*(public|open)[[:space:]]/ {
        if (!documented && $0 !~ /public[[:space:]]+(import|extension)/ \
            && $0 !~ /func _|var description|func ==|func next\(\)|func hash\(into/)
            print FILENAME ":" FNR ":" $0
        documented = 0; next
    }
    { documented = 0 }
' $(find Sources -name '*.swift' -not -path 'Sources/fusionrec/*' | sort))
if [ -n "$undocumented" ]; then
    echo "check-docs: public declarations without a /// comment:" >&2
    echo "$undocumented" >&2
    status=1
fi

# 2. The README example and its test.
test_file=Tests/ExamplesTests/ReadmeExampleTests.swift
from_test=$(sed -n '/^\/\/ README example begins$/,/^\/\/ README example ends$/p' "$test_file" | sed '1d;$d')
from_readme=$(awk '
    /<!-- README example: / { armed = 1; next }
    armed && /^```swift$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }
' README.md)
if [ -z "$from_test" ] || [ "$from_test" != "$from_readme" ]; then
    echo "check-docs: README.md's example differs from $test_file (between the markers):" >&2
    diff <(echo "$from_readme") <(echo "$from_test") >&2 || true
    status=1
fi

# 3. DocC, warnings as errors.
for module in "${modules[@]}"; do
    echo "check-docs: documentation for $module" >&2
    mkdir -p .build-docs
    log=.build-docs/check-$module.log
    if ! FUSIONREC_DOCS=1 swift package --scratch-path .build-docs generate-documentation \
        --target "$module" --warnings-as-errors >"$log" 2>&1; then
        grep -E "^(warning|error)|-->" "$log" >&2 || tail -20 "$log" >&2
        status=1
    fi
    rm -f "$log"
done

[ $status -eq 0 ] && echo "check-docs: documentation is complete and builds without warnings" >&2
exit $status
