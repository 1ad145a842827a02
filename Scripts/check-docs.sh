#!/usr/bin/env bash
# Checks the documentation: every public declaration has a /// comment, the examples of
# the README, the guides and the catalogs are code that Tests/ExamplesTests compiles, and DocC builds
# every module's catalog without a warning. Installs what it needs first; the DocC
# plugin is resolved only here (FUSIONREC_DOCS), into its own build folder.
#
#   bash Scripts/check-docs.sh               # all modules
#   bash Scripts/check-docs.sh Fusion        # one module
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-dependencies.sh

modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(LinearAlgebra FeatureEncoding Persistence Factorization Ranking Fusion TextEmbedding ImageEmbedding ImageDecoding AudioEmbedding MultimodalDemo Evaluation Serving FusionRec)
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

# 2. Every guide's example is code that Tests/ExamplesTests compiles: the Swift block after
#    an `<!-- example -->` comment (else the first Swift block) of each file below must
#    equal the region between `// BEGIN <file>` and `// END <file>` of its test file,
#    ignoring import lines, indentation and blank lines.
examples=(
    "README.md Tests/ExamplesTests/ReadmeExampleTests.swift"
    "Docs/LinearAlgebra.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Docs/Factorization.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Docs/Ranking.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Docs/Fusion.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Sources/LinearAlgebra/LinearAlgebra.docc/LinearAlgebra.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Sources/Factorization/Factorization.docc/Factorization.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Sources/Ranking/Ranking.docc/Ranking.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Sources/Fusion/Fusion.docc/Fusion.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Sources/Serving/Serving.docc/Serving.md Tests/ExamplesTests/GuideExamplesTests.swift"
    "Docs/Serving.md Tests/ExamplesTests/GuideExamplesTests.swift"
)
normalise() { grep -v '^[[:space:]]*import ' | sed 's/^[[:space:]]*//' | grep -v '^$' || true; }
for pair in "${examples[@]}"; do
    read -r doc test_file <<<"$pair"
    from_doc=$(awk -v marked="$(grep -c '<!-- example' "$doc" || true)" '
        marked > 0 && !seen { if ($0 ~ /<!-- example/) seen = 1; next }
        !inside && $0 == "```swift" { inside = 1; next }
        inside && $0 == "```" { exit }
        inside { print }
    ' "$doc" | normalise)
    from_test=$(awk -v begin="// BEGIN $doc" -v end="// END $doc" '
        { line = $0; sub(/^[[:space:]]+/, "", line) }
        line == end { inside = 0 }
        inside { print }
        line == begin { inside = 1 }
    ' "$test_file" | normalise)
    if [ -z "$from_test" ] || [ "$from_doc" != "$from_test" ]; then
        echo "check-docs: the example of $doc differs from its region in $test_file:" >&2
        diff <(echo "$from_doc") <(echo "$from_test") >&2 || true
        status=1
    fi
done

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
