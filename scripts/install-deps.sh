#!/usr/bin/env bash
# Installs the Debian packages Kreishaus needs, and only those that are missing.
# Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

# wngerman, wbritish, wamerican: word lists, so that typo tolerance leaves real words alone.
packages=(libmicrohttpd-dev libsqlite3-dev libicu-dev libstemmer-dev pkg-config wngerman wbritish wamerican "$@")

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]})); then
    echo "Installing Debian packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null; then
    echo "The Swift toolchain (6.x) is not on PATH; install it from swift.org first." >&2
    exit 1
fi
