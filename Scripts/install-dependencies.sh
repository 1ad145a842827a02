#!/usr/bin/env bash
# Installs the system libraries FusionRec links against (OpenBLAS, LAPACKE, pkg-config;
# libjpeg-turbo and libpng for the optional ImageDecoding module and FFTW for the optional
# AudioEmbedding module, which the core library never links) when they are missing.
# Debian/Ubuntu; uses sudo when not run as root.
set -euo pipefail

packages=(libopenblas-dev liblapacke-dev pkg-config libjpeg62-turbo-dev libpng-dev libfftw3-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing ${missing[*]} …" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
