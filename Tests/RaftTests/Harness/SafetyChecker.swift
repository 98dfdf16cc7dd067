import Testing
@testable import Raft

/// Checks Raft's safety properties (Raft paper, Figure 3) over the whole group after every
/// input the harness processes:
///
/// - election safety: at most one leader per term;
/// - log matching: two logs holding an entry with the same index and term are identical up to
///   that index;
/// - state-machine safety and "committed never changes": every committed entry any member ever
///   held, and every entry any state machine applied, agree at each index, for ever;
/// - leader completeness: a member that becomes leader holds every entry known committed.
struct SafetyChecker {
    /// The leader seen for each term.
    private(set) var leaderOfTerm: [UInt64: NodeID] = [:]
    /// The entry chosen at each index: committed somewhere or applied somewhere.
    private(set) var chosen: [UInt64: Entry] = [:]
    /// Leaders already checked for completeness, as (member, term).
    private var checkedLeaders: Set<[UInt64]> = []

    mutating func check(_ network: TestNetwork) {
        let live = network.liveIDs
        for id in live { checkLeader(id, network.raft(id), network) }
        for id in live { checkCommitted(id, network.raft(id), network) }
        for id in network.ids { checkApplied(id, network.store(id), network) }
        for (position, a) in live.enumerated() {
            for b in live[(position + 1)...] { checkLogMatching(a, b, network) }
        }
        for id in live { checkCompleteness(id, network.raft(id), network) }
    }

    private mutating func checkLeader(_ id: NodeID, _ raft: Raft, _ network: TestNetwork) {
        guard raft.role == .leader else { return }
        if let other = leaderOfTerm[raft.term], other != id {
            network.record("election safety: members \(other) and \(id) both lead term \(raft.term)")
        }
        leaderOfTerm[raft.term] = id
    }

    private mutating func choose(_ entry: Entry, by id: NodeID, what: String, _ network: TestNetwork) {
        if let existing = chosen[entry.index] {
            if existing != entry {
                network.record("state-machine safety: member \(id) \(what) index \(entry.index) term \(entry.term), "
                               + "but term \(existing.term) was chosen there")
            }
        } else {
            chosen[entry.index] = entry
        }
    }

    private mutating func checkCommitted(_ id: NodeID, _ raft: Raft, _ network: TestNetwork) {
        guard raft.commitIndex >= raft.firstIndex else { return }
        for entry in raft.entries(from: raft.firstIndex, through: raft.commitIndex) {
            choose(entry, by: id, what: "committed", network)
        }
    }

    private mutating func checkApplied(_ id: NodeID, _ store: DurableStore, _ network: TestNetwork) {
        for (position, entry) in store.stateMachine.enumerated() {
            if entry.index != UInt64(position) + 1 {
                network.record("member \(id): state machine holds index \(entry.index) at position \(position + 1)")
                return
            }
            choose(entry, by: id, what: "applied", network)
        }
    }

    private func checkLogMatching(_ a: NodeID, _ b: NodeID, _ network: TestNetwork) {
        let ra = network.raft(a)
        let rb = network.raft(b)
        let low = max(ra.firstIndex, rb.firstIndex)
        let high = min(ra.lastIndex, rb.lastIndex)
        guard low <= high else { return }
        let ea = ra.entries(from: low, through: high)
        let eb = rb.entries(from: low, through: high)
        guard let lastSame = (0..<ea.count).last(where: { ea[$0].term == eb[$0].term }) else { return }
        for position in 0...lastSame where ea[position] != eb[position] {
            network.record("log matching: members \(a) and \(b) agree at index \(ea[lastSame].index) term "
                           + "\(ea[lastSame].term) but differ at index \(ea[position].index)")
            return
        }
    }

    private mutating func checkCompleteness(_ id: NodeID, _ raft: Raft, _ network: TestNetwork) {
        guard raft.role == .leader, checkedLeaders.insert([id, raft.term]).inserted else { return }
        for (index, entry) in chosen.sorted(by: { $0.key < $1.key }) where index > raft.snapshotIndex {
            if raft.term(at: index) != entry.term {
                network.record("leader completeness: member \(id) leads term \(raft.term) without committed entry "
                               + "\(index) (term \(entry.term))")
                return
            }
        }
    }
}
