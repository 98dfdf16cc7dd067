#!/usr/bin/env bash
# Installs the system libraries Sijil links against, only when they are missing.
# Needs root (or sudo) on Debian/Ubuntu. Safe to run again.
set -euo pipefail
needed=()
for pkg in librocksdb-dev libsqlite3-dev libssl-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || needed+=("$pkg")
done
if [ "${#needed[@]}" -gt 0 ]; then
    echo "installing: ${needed[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${needed[@]}"
fi
