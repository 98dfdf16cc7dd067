#!/usr/bin/env bash
# The test command of the README: installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
Cluster/install-deps.sh --with-browser
swift build --build-tests
# The simulator's sweep is seconds of CPU per seed; it runs on its own after the other suites,
# which wait on real clusters and sockets and should not share the two cores with it.
swift test --skip-build --skip SimulatorTests
swift test --skip-build --filter SimulatorTests
# The resident-memory leak check measures its own process, so it runs in one of its own.
SIJIL_RESIDENT_SET_ALONE=1 swift test --skip-build --filter "StorageTests.ResourceLeaks"
