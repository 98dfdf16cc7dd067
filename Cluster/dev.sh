#!/usr/bin/env bash
# The README's run command: installs what is missing, builds the CLI, and runs `sijil dev`
# (Rabat-Salé-Kénitra's three nodes and the national centre on loopback, TLS on, sample acts).
# Options are passed on: --dir DIR (default dev-data, reused) and --base-port P (default 7400).
set -euo pipefail
cd "$(dirname "$0")/.."
Cluster/install-deps.sh
swift build --product sijil
exec "$(swift build --show-bin-path)/sijil" dev "$@"
