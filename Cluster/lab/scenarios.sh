#!/usr/bin/env bash
# The lab scenarios: real `sijil start` processes on separate network hosts (Cluster/lab/lab.sh,
# with its own prefix and addresses so an operator's lab is untouched), under load, each ending
# with the durability and chain check.
#
#   scenarios.sh short   cut a node, cut the region from the centre, add a region while the
#                        first serves, kill a whole region and rebuild it from the centre
#                        (what the test suite runs; about a minute)
#   scenarios.sh long    the same with ten times the acts and three cuts each, plus a node
#                        replaced under load and a region lost in `region` durability, whose
#                        recovery report must list exactly the acknowledged acts it lost
#                        (several minutes)
#
# Needs root and iproute2. Builds what it runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "scenarios: needs root (network namespaces)" >&2; exit 1; }
swift build --build-tests
case "${1:-short}" in
short) swift test --skip-build --filter "LabScenarioTests/regionsSurvive" ;;
long) SIJIL_LAB_LONG=1 swift test --skip-build --filter "LabScenarioTests/longScenarios" ;;
*) sed -n '2,15p' "$0"; exit 2 ;;
esac
