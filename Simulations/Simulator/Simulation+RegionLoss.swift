import NodeCore
import Raft

extension Simulation {
    /// Records where a forced reconfiguration cut a group's log (see `InvariantChecker`).
    func forcedReconfigurationObserved(node: NodeID, group: GroupID, keptThrough: UInt64) {
        forcedReconfigurations[group] = keptThrough
    }
}
