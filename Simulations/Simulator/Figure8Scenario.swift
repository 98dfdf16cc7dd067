import NodeCore
import Raft
import Registry

/// A scripted schedule instead of random faults: Figure 8 of the Raft paper, played on the real
/// node cores of a one-region cluster (group 1, voters A = 1, B = 2, C = 3 and D = the centre).
///
/// 1. A leads and writes an entry `e` while cut off from everyone: `e` stays on A alone.
/// 2. D is elected by B and C and cut off at once: its no-op stays on D alone, in a later term.
/// 3. A comes back, is elected by B and C in a still later term, and sends them `e` but not its
///    own term's entries (the filter drops those).
/// 4. A is cut off; D comes back and is elected by B and C (its last term is newer than `e`'s),
///    and overwrites `e` on them.
///
/// A correct core never commits `e` in step 3 (it is from an older term and A's own entry never
/// reached a majority), so step 4 loses nothing. A core that commits older-term entries by
/// counting replicas commits and applies `e` on A, which the checkers must catch.
struct Figure8Scenario {
    let group: GroupID = 1
    let a: NodeID = 1
    let b: NodeID = 2
    let c: NodeID = 3
    let d: NodeID = Simulation.centerID
    var step = 0
    var stepStartedMs: UInt64 = 0
    var entryIndex: UInt64 = 0
    var entryTerm: UInt64 = 0
    var dTerm: UInt64 = 0
    static let stepTimeoutMs: UInt64 = 30_000

    /// Checks the current step's condition after an event; acts and moves on when it holds.
    /// Returns true once the script is over.
    mutating func advance(_ sim: Simulation) -> Bool {
        if sim.now > stepStartedMs + Self.stepTimeoutMs {
            sim.fail("figure-8 scenario: step \(step) not reached within \(Self.stepTimeoutMs) ms")
            return true
        }
        switch step {
        case 0:
            if stepStartedMs == 0 {
                sim.setLinks(center: a, spokes: [b, c, d])
                stepStartedMs = sim.now
            }
            guard let raft = sim.raft(a, group), raft.role == .leader, raft.term(at: raft.commitIndex) == raft.term,
                  [b, c, d].allSatisfy({ sim.raft($0, group)?.lastIndex == raft.lastIndex }) else { return false }
            sim.setLinks(center: a, spokes: [])
            sim.scriptedWrite(at: a, group: group)
            next(sim)
        case 1:
            guard let raft = sim.raft(a, group), raft.persistedIndex == raft.lastIndex, raft.lastIndex > raft.commitIndex else { return false }
            entryIndex = raft.lastIndex
            entryTerm = raft.term(at: entryIndex)!
            sim.setLinks(center: d, spokes: [b, c])
            next(sim)
        case 2:
            guard let raft = sim.raft(d, group), raft.role == .leader else { return false }
            dTerm = raft.term
            sim.setLinks(center: d, spokes: [])
            next(sim)
        case 3:
            guard sim.now >= stepStartedMs + 200 else { return false }
            sim.setLinks(center: a, spokes: [b, c])
            // A's own term's entries never reach B or C: an append carrying them is dropped
            // whenever the receiver would accept it (one it must reject still gets through, so
            // that A learns to send `e` on its own).
            let (a, oldTerm) = (self.a, entryTerm)
            sim.frameFilter = { [unowned sim] from, to, messages in
                from == a && messages.contains { item in
                    guard case .append(let append) = item.message.body, append.entries.contains(where: { $0.term > oldTerm }) else { return false }
                    return sim.raft(to, item.group)?.term(at: append.prevIndex) == append.prevTerm
                }
            }
            next(sim)
        case 4:
            guard sim.raft(a, group)?.role == .leader,
                  [b, c].allSatisfy({ sim.raft($0, group)?.term(at: entryIndex) == entryTerm }) else { return false }
            next(sim)
        case 5:
            // Time for a faulty leader to commit and apply `e`.
            guard sim.now >= stepStartedMs + 200 else { return false }
            sim.frameFilter = nil
            sim.setLinks(center: d, spokes: [b, c])
            next(sim)
        case 6:
            guard let raft = sim.raft(d, group), raft.role == .leader, raft.commitIndex >= entryIndex,
                  [b, c].allSatisfy({ (sim.raft($0, group)?.appliedIndex ?? 0) >= entryIndex }) else { return false }
            return true
        default:
            return true
        }
        return false
    }

    private mutating func next(_ sim: Simulation) {
        sim.record("figure-8 step \(step) done", mixing: [40, UInt64(step)])
        step += 1
        stepStartedMs = sim.now
    }
}

extension Simulation {
    func raft(_ node: NodeID, _ group: GroupID) -> Raft? { nodes[node]?.core?.raft(of: group) }

    /// Leaves only the links between `center` and each of `spokes` (both ways); every other link
    /// between nodes is cut.
    func setLinks(center: NodeID, spokes: [NodeID]) {
        blocked = []
        for from in nodeOrder {
            for to in nodeOrder where from != to {
                let allowed = (from == center && spokes.contains(to)) || (to == center && spokes.contains(from))
                if !allowed { blocked.insert(Link(from: from, to: to)) }
            }
        }
        record("links: \(center) <-> \(spokes)", mixing: [41, center, UInt64(spokes.count)])
    }
}
