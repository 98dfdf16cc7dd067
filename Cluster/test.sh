#!/usr/bin/env bash
# The test command of the README: installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
Cluster/install-deps.sh --with-browser
swift build --build-tests
swift test --skip-build
