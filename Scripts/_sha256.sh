# Sourced by the fetch scripts: `sha256 FILE` prints the file's SHA-256 in hex, with
# sha256sum or, where it is missing (macOS), shasum.
sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}
