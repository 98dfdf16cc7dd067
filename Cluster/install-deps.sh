#!/usr/bin/env bash
# Installs the system libraries Sijil links against, only when they are missing.
# With --with-browser, also headless Chromium for the console's browser test (the test command
# asks for it; the run command does not). Where Chromium cannot be installed, the browser test
# is skipped and says so. Needs root (or sudo) on Debian/Ubuntu. Safe to run again.
set -euo pipefail
with_browser=0
[ "${1:-}" = "--with-browser" ] && with_browser=1
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
if [ "$with_browser" -eq 1 ] && ! command -v chromium >/dev/null 2>&1; then
    echo "installing: chromium (for the console's browser test)"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    if ! { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium; }; then
        echo "chromium could not be installed: the console's browser test will be skipped"
    fi
fi
