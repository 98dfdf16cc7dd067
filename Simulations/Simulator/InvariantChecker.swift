import NodeCore
import Raft

/// Watches every node as it works and checks, at every step, the safety properties of Raft
/// (Raft paper Figure 3) and the centre rule. It only observes; it never changes a decision.
final class InvariantChecker: NodeCoreObserver {
    unowned let simulation: Simulation

    private struct EntryKey: Hashable {
        var group: GroupID
        var index: UInt64
        var term: UInt64
    }

    private struct NodeGroup: Hashable {
        var node: NodeID
        var group: GroupID
    }

    /// Election safety: the leader of each (group, term).
    private var leaders: [GroupID: [UInt64: NodeID]] = [:]
    /// Log matching: what each (group, index, term) holds, and the term before it.
    private var entries: [EntryKey: (digest: UInt64, previousTerm: UInt64?)] = [:]
    /// State machine safety and leader completeness: what was applied at each (group, index).
    private var applied: [GroupID: [UInt64: (term: UInt64, digest: UInt64)]] = [:]
    /// Configuration entries applied, per group, to know the centre rule in force at an index.
    private var configEntries: [GroupID: [(index: UInt64, change: ConfigChange)]] = [:]
    /// What the centre made durable, per group: index to term, and its snapshot point.
    private var centerLog: [GroupID: [UInt64: UInt64]] = [:]
    private var centerSnapshot: [GroupID: UInt64] = [:]
    /// Leader append-only: last index each member persisted while leading, per term.
    private var leaderLast: [NodeGroup: (term: UInt64, last: UInt64)] = [:]
    /// Each split group's origin as the first replica to create it saw it: the group it came
    /// from, the log position of the split and the configuration it started with.
    private var splits: [GroupID: (parent: GroupID, index: UInt64, term: UInt64, membership: Membership)] = [:]
    private var corruptionPending: Set<NodeID> = []
    private var corruptionSeen: Set<NodeID> = []
    private var failures: [String] = []

    init(simulation: Simulation) { self.simulation = simulation }

    private func fail(_ message: String) { simulation.fail(message) }

    func nodeCore(_ node: NodeID, observed event: NodeCoreEvent) {
        switch event {
        case .persisted(let group, let persisted, _, let snapshot):
            checkPersisted(node: node, group: group, entries: persisted, snapshot: snapshot)
        case .applied(let group, let entry):
            checkApplied(node: node, group: group, entry: entry)
        case .roleChanged(let group, let term, let role, _, let log, let logStart):
            guard role == .leader else { return }
            if let existing = leaders[group]?[term], existing != node {
                fail("election safety: group \(group) term \(term) has two leaders, \(existing) and \(node)")
            }
            leaders[group, default: [:]][term] = node
            checkLeaderCompleteness(node: node, group: group, term: term, log: log, logStart: logStart)
            simulation.leaderElected(node, group: group, term: term)
        case .corruptionDetected(let group, let index, let repair):
            simulation.record("node \(node) group \(group): damaged log record at \(index): \(repair)", mixing: [30, node, group, index])
            corruptionSeen.insert(node)
            simulation.faults.corruptionsDetected += 1
        case .groupHalted(let group, let reason):
            fail("group \(group) halted on node \(node): \(reason)")
        case .acknowledged(let group, let index, let term):
            checkCenterRule(group: group, index: index, term: term, acknowledgedBy: node)
        case .forcedReconfiguration(let group, let keptThrough, let index, let term, let voters):
            forcedReconfiguration(node: node, group: group, keptThrough: keptThrough, index: index, term: term, voters: voters)
        case .groupSplit(let group, let newGroup, let index, let term, let membership):
            checkSplit(node: node, group: group, newGroup: newGroup, index: index, term: term, membership: membership)
        }
    }

    private func digest(_ entry: Entry) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(entry.kind.rawValue)
        for byte in entry.data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private func checkPersisted(node: NodeID, group: GroupID, entries persisted: [Entry], snapshot: SnapshotMeta?) {
        let raft = simulation.nodes[node]?.core?.raft(of: group)
        if let snapshot {
            simulation.faults.snapshotsInstalled += 1
            if simulation.split.newGroup == group { simulation.faults.splitReplicasFilledBySnapshot += 1 }
            if node == Simulation.centerID { centerSnapshot[group] = max(centerSnapshot[group] ?? 0, snapshot.index) }
        }
        guard let first = persisted.first else { return }
        // Leader append-only (Figure 3): a leader never overwrites or deletes its entries.
        let key = NodeGroup(node: node, group: group)
        if let raft, raft.role == .leader {
            if let previous = leaderLast[key], previous.term == raft.term, first.index <= previous.last {
                fail("leader append-only: node \(node) leading group \(group) in term \(raft.term) rewrote index \(first.index) (had \(previous.last))")
            }
            leaderLast[key] = (raft.term, persisted.last!.index)
        } else {
            leaderLast[key] = nil
        }
        // Log matching: one (index, term) always holds the same entry after the same term.
        var previousTerm = raft?.term(at: first.index - 1)
        for entry in persisted {
            let entryKey = EntryKey(group: group, index: entry.index, term: entry.term)
            let value = (digest(entry), previousTerm)
            if let known = entries[entryKey] {
                if known.digest != value.0 {
                    fail("log matching: group \(group) index \(entry.index) term \(entry.term) holds different entries on different nodes (node \(node))")
                }
                if let a = known.previousTerm, let b = value.1, a != b {
                    fail("log matching: group \(group) entry \(entry.index)/\(entry.term) follows term \(b) on node \(node) but term \(a) elsewhere")
                }
            } else {
                entries[entryKey] = value
            }
            previousTerm = entry.term
            if node == Simulation.centerID { centerLog[group, default: [:]][entry.index] = entry.term }
        }
    }

    private func checkApplied(node: NodeID, group: GroupID, entry: Entry) {
        if let raft = simulation.nodes[node]?.core?.raft(of: group), raft.role == .leader, entry.term < raft.term,
           raft.term(at: raft.commitIndex).map({ $0 < raft.term }) ?? false {
            simulation.leaderAppliesOlderTerm(node, group: group, term: raft.term)
        }
        let value = (term: entry.term, digest: digest(entry))
        if let known = applied[group]?[entry.index] {
            if known.term != value.term || known.digest != value.digest {
                fail("state machine safety: group \(group) index \(entry.index) applied as term \(entry.term) on node \(node) but term \(known.term) elsewhere")
            }
            return
        }
        applied[group, default: [:]][entry.index] = value
        if entry.kind == .configChange, let change = try? ConfigChange.decode(entry.data) {
            configEntries[group, default: []].append((entry.index, change))
            configEntries[group]!.sort { $0.index < $1.index }
        }
    }

    private func checkLeaderCompleteness(node: NodeID, group: GroupID, term: UInt64, log: [Entry], logStart: UInt64) {
        guard let committed = applied[group] else { return }
        var terms: [UInt64: UInt64] = [:]
        for entry in log { terms[entry.index] = entry.term }
        for (index, value) in committed where index > logStart {
            if terms[index] != value.term {
                fail("leader completeness: node \(node) leads group \(group) in term \(term) without committed entry \(index) (term \(value.term))")
                return
            }
        }
    }

    /// With the centre rule in force when a write is acknowledged (at the acknowledging node's
    /// commit index: an entry that switches the rule off commits with a regional majority, and
    /// the writes it commits along with it are acknowledged under region durability), the
    /// centre must hold the entry durably before any client hears that it is written.
    /// The group's configuration after the committed configuration entries through `index`.
    private func configuration(_ group: GroupID, through index: UInt64 = .max) -> Membership {
        var membership = splits[group]?.membership ?? simulation.descriptor(group).initialMembership
        for config in configEntries[group] ?? [] where config.index <= index {
            if case .success(let next) = membership.applying(config.change) { membership = next }
        }
        return membership
    }

    private func checkCenterRule(group: GroupID, index: UInt64, term: UInt64, acknowledgedBy node: NodeID) {
        var membership = configuration(group, through: index)
        if let raft = simulation.nodes[node]?.core?.raft(of: group), raft.commitIndex > index {
            for entry in raft.entries(from: index + 1, through: raft.commitIndex) where entry.kind == .configChange {
                if let change = try? ConfigChange.decode(entry.data), case .success(let next) = membership.applying(change) {
                    membership = next
                }
            }
        }
        guard membership.centerRuleActive, let center = membership.center else { return }
        // An operator's switch to `region` durability, committed before this acknowledgement,
        // covers it: a write that waited for an unreachable centre is acknowledged under the
        // new rule (docs/OPERATIONS.md §5.1). The acknowledging node may not know yet that the
        // switch committed, when the leader that committed both is another node.
        guard configuration(group).centerRuleActive else { return }
        if centerLog[group]?[index] == term || (centerSnapshot[group] ?? 0) >= index { return }
        fail("centre rule: group \(group) entry \(index)/\(term) acknowledged by node \(node) before the centre \(center) held it durably")
    }

    /// The operator forced `group` onto `node`'s log after its region was destroyed in `center`
    /// durability: every entry ever committed must be in that log (the centre held each one
    /// before it could commit), so nothing applied anywhere may lie beyond `keptThrough`, and
    /// what lies before it must be the centre's entry (state machine safety then holds on).
    private func forcedReconfiguration(node: NodeID, group: GroupID, keptThrough: UInt64, index: UInt64, term: UInt64, voters: Set<NodeID>) {
        simulation.record("node \(node) forced group \(group) onto its log through \(keptThrough), voters \(voters.sorted()) at \(index)/\(term)",
                          mixing: [31, node, group, keptThrough, index, term])
        if let beyond = applied[group]?.keys.filter({ $0 > keptThrough }).min() {
            fail("forced reconfiguration of group \(group) on node \(node) kept its log through \(keptThrough) but entry \(beyond) was committed: an acknowledged write is lost")
        }
        if let raft = simulation.nodes[node]?.core?.raft(of: group) {
            for (at, value) in applied[group] ?? [:] where at > raft.snapshotIndex && at <= keptThrough && raft.term(at: at) != value.term {
                fail("forced reconfiguration of group \(group) on node \(node): its entry \(at) is not the committed one (term \(value.term))")
            }
        }
        // Entries beyond the kept log were never committed and lived only on destroyed nodes: they
        // are gone for good, and the new term may reuse their (index, term) with other entries.
        for key in entries.keys where key.group == group && key.index > keptThrough { entries[key] = nil }
        simulation.forcedReconfigurationObserved(node: node, group: group, keptThrough: keptThrough)
    }

    /// Every replica creates a split group from the same entry of the same group, with the same
    /// configuration: otherwise the new group's replicas would not start from one state.
    private func checkSplit(node: NodeID, group: GroupID, newGroup: GroupID, index: UInt64, term: UInt64, membership: Membership) {
        simulation.groupSplitObserved(node: node, group: group, newGroup: newGroup, index: index, membership: membership)
        if node == Simulation.centerID { centerSnapshot[newGroup] = max(centerSnapshot[newGroup] ?? 0, index) }
        guard let known = splits[newGroup] else {
            splits[newGroup] = (group, index, term, membership)
            return
        }
        if known.parent != group || known.index != index || known.term != term || known.membership != membership {
            fail("split safety: node \(node) created group \(newGroup) from group \(group) at \(index)/\(term) with voters "
                + "\(membership.voters.sorted()), but another replica from group \(known.parent) at \(known.index)/\(known.term) "
                + "with voters \(known.membership.voters.sorted())")
        }
    }

    func nodeRestarted(_ node: NodeID) {
        for key in leaderLast.keys where key.node == node { leaderLast[key] = nil }
    }

    func expectCorruptionDetected(on node: NodeID) {
        corruptionPending.insert(node)
        corruptionSeen.remove(node)
    }

    /// Called right after a restart that followed a damaged record: the load must have noticed.
    func verifyCorruptionDetected(on node: NodeID) {
        guard corruptionPending.remove(node) != nil else { return }
        if !corruptionSeen.contains(node) && simulation.nodes[node]?.isUp == true {
            fail("a damaged log record on node \(node) was not detected when it restarted")
        }
    }

    func finalFailures() -> [String] { failures }
}
