import NodeCore
import Raft

extension Simulation {
    /// Injects one randomly chosen fault, then schedules the next.
    func injectFault() {
        guard case .faults = phase else { return }
        if options.profile == .leaderChurn {
            defer { queue.schedule(.fault, at: now + 100 + rng.next() % 300) }
            switch rng.next() % 4 {
            case 0, 1: crashLeader()
            case 2: partitionLeader()
            default: crashNode(randomNode())
            }
            return
        }
        defer { queue.schedule(.fault, at: now + 200 + rng.next() % 1_000) }
        if rollOutQuiet { return }
        switch rng.next() % 12 {
        case 0: partitionNode()
        case 1: cutRegionFromCenter()
        case 2: cutOneDirection()
        case 3: crashNode(randomNode())
        case 4, 5: crashLeader()
        case 6, 7: changeMembership()
        case 8: transferLeadership()
        case 9: switchCenterRule()
        case 10: partitionLeader()
        default: partitionNode()
        }
    }

    private func randomNode() -> SimNode { nodes[nodeOrder[Int(rng.next() % UInt64(nodeOrder.count))]]! }

    private func cut(_ links: Set<Link>, forMs duration: UInt64) {
        let fresh = links.subtracting(blocked)
        blocked.formUnion(fresh)
        queue.schedule(.heal(fresh), at: now + duration)
    }

    /// Leader churn: a new leader is struck (crashed or cut off) a few milliseconds after its
    /// election, while it is still replicating its first entries: the window in which Raft
    /// paper Figure 8's old-term entries sit on a majority without the new term's no-op.
    func leaderElected(_ node: NodeID, group: GroupID, term: UInt64) {
        guard options.profile == .leaderChurn, case .faults = phase, rng.next() % 3 != 0 else { return }
        // Half the strikes land before the leader's first turn has sent anything (its no-op
        // stays private), half while it is catching followers up.
        let delay = rng.next() % 2 == 0 ? rng.next() % 2 : 2 + rng.next() % 40
        queue.schedule(.strikeLeader(node, group: group, term: term), at: now + delay)
    }

    /// Leader churn: a leader whose commit index still points at an older term's entry (the
    /// window Figure 8 of the Raft paper is about) is struck at once, leaving followers that hold
    /// those entries without the leader's own.
    func leaderAppliesOlderTerm(_ node: NodeID, group: GroupID, term: UInt64) {
        guard options.profile == .leaderChurn, case .faults = phase, let simNode = nodes[node] else { return }
        // Cut it off now: what it sent this turn (its own term's entries) is still in flight
        // and is lost with the links.
        partition(simNode, forMs: 200 + rng.next() % 2_000)
    }

    func strikeLeader(_ id: NodeID, group: GroupID, term: UInt64) {
        guard case .faults = phase, let node = nodes[id], let raft = node.core?.raft(of: group),
              raft.role == .leader, raft.term == term else { return }
        if rng.next() % 4 == 0 { crashNode(node) } else { partition(node, forMs: 200 + rng.next() % 2_000) }
    }

    private func leaderOfRandomGroup() -> SimNode? {
        leader(of: groups[Int(rng.next() % UInt64(groups.count))].id)
    }

    /// Leaders are where the subtle bugs live (Raft paper Figure 8): crash one, often soon
    /// after it took over and before its first entry of the term reached everyone.
    private func crashLeader() {
        guard let node = leaderOfRandomGroup() else { return crashNode(randomNode()) }
        crashNode(node)
    }

    private func partitionLeader() {
        guard let node = leaderOfRandomGroup() else { return partitionNode() }
        partition(node)
    }

    private func partitionNode() { partition(randomNode()) }

    private func partition(_ node: SimNode, forMs duration: UInt64? = nil) {
        var links = Set<Link>()
        for other in nodeOrder where other != node.id {
            links.insert(Link(from: node.id, to: other))
            links.insert(Link(from: other, to: node.id))
        }
        faults.nodePartitions += 1
        record("partition node \(node.id)", mixing: [10, node.id])
        cut(links, forMs: duration ?? 1_000 + rng.next() % 3_000)
    }

    private func cutRegionFromCenter() {
        let regions = regionNodes.keys.sorted()
        let region = regions[Int(rng.next() % UInt64(regions.count))]
        var links = Set<Link>()
        for id in regionNodes[region]! {
            links.insert(Link(from: id, to: Simulation.centerID))
            links.insert(Link(from: Simulation.centerID, to: id))
        }
        faults.regionCenterCuts += 1
        record("cut region \(region) from the centre", mixing: [11, UInt64(region.utf8.count)])
        cut(links, forMs: 1_000 + rng.next() % 4_000)
    }

    private func cutOneDirection() {
        let a = randomNode().id
        var b = randomNode().id
        if a == b { b = a == Simulation.centerID ? nodeOrder[0] : Simulation.centerID }
        faults.asymmetricCuts += 1
        record("cut \(a)->\(b) only", mixing: [12, a, b])
        cut([Link(from: a, to: b)], forMs: 1_000 + rng.next() % 3_000)
    }

    func crashNode(_ node: SimNode) {
        guard node.isUp else { return }
        faults.crashes += 1
        let lost = node.disk.crash()
        faults.unsyncedBatchesLost += lost
        node.core = nil
        node.incarnation += 1
        record("crash \(node.id) (lost \(lost) unsynced batches)", mixing: [13, node.id, UInt64(lost)])
        let corrupt = rng.next() % 3 == 0
        queue.schedule(.restart(node.id, corrupt: corrupt), at: now + 200 + rng.next() % 2_500)
    }

    func restart(_ id: NodeID, corrupt: Bool) {
        guard let node = nodes[id], !node.isUp, !node.destroyed else { return }
        // The fault model is one damaged replica at a time, repaired from its peers: two members
        // of a group losing acknowledged entries together is a double fault (see SIMULATION.md).
        // A node counts as damaged until it is up with no lost-log floor in any group.
        damagedNodes = damagedNodes.filter { other in
            guard let core = nodes[other]?.core else { return true }
            return core.groupIDs.contains { core.raft(of: $0)?.lostLogFloor != nil }
        }
        let peerRepairing = !damagedNodes.subtracting([id]).isEmpty
        var damaged: [UInt8]?
        if corrupt, !peerRepairing, let key = node.disk.corruptRandomRecord(in: .log, using: &rng) {
            damaged = key
            damagedNodes.insert(id)
            faults.corruptionsInjected += 1
            checker.expectCorruptionDetected(on: id)
        }
        record("restart \(id)\(damaged.map { " with a damaged log record \($0)" } ?? "")", mixing: [14, id, damaged == nil ? 0 : 1])
        if options.trace {
            let keys = node.disk.keys(in: .log).map { "\($0[7])/\($0[15])" }
            record("  log keys of \(id): \(keys.joined(separator: " "))", mixing: [])
        }
        start(node)
        checker.verifyCorruptionDetected(on: id)
        scheduleTurnIfNeeded(node)
    }

    /// Grows, shrinks or reshapes one group's membership through its leader, keeping at least
    /// three regional voters: add the spare as a learner, promote it, remove a voter, or
    /// replace one voter by the spare in one joint change.
    private func changeMembership() {
        let group = groups[Int(rng.next() % UInt64(groups.count))]
        guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id), !raft.membership.isJoint else { return }
        let membership = raft.membership
        let regional = regionNodes[group.region]!
        let outsiders = regional.filter { !membership.members.contains($0) && nodes[$0]!.isUp }
        let learners = regional.filter { membership.learners.contains($0) }
        let voters = regional.filter { membership.voters.contains($0) }
        var ops: [MembershipOp] = []
        switch rng.next() % 4 {
        case 0 where !outsiders.isEmpty:
            ops = [.addLearner(outsiders[0])]
        case 1 where !learners.isEmpty:
            ops = [.addVoter(learners[0])]
        case 2 where voters.count > 3:
            ops = [.remove(voters[Int(rng.next() % UInt64(voters.count))])]
        case 3 where !outsiders.isEmpty && !voters.isEmpty:
            ops = [.addVoter(outsiders[0]), .remove(voters[Int(rng.next() % UInt64(voters.count))])]
        default:
            if !outsiders.isEmpty { ops = [.addLearner(outsiders[0])] } else if !learners.isEmpty { ops = [.addVoter(learners[0])] }
        }
        guard !ops.isEmpty else { return }
        for op in ops {
            if case .addVoter(let id) = op { try? nodes[id]!.core?.createGroup(group) }
            if case .addLearner(let id) = op { try? nodes[id]!.core?.createGroup(group) }
        }
        faults.membershipChanges += 1
        record("membership g\(group.id) \(ops)", mixing: [15, group.id, UInt64(ops.count)])
        _ = submit(.changeMembership(group: group.id, ops: ops), to: leader)
    }

    private func transferLeadership() {
        let group = groups[Int(rng.next() % UInt64(groups.count))]
        guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { return }
        let targets = raft.membership.voters.sorted().filter { $0 != leader.id }
        guard !targets.isEmpty else { return }
        let target = targets[Int(rng.next() % UInt64(targets.count))]
        faults.leadershipTransfers += 1
        record("transfer g\(group.id) to \(target)", mixing: [16, group.id, target])
        _ = submit(.transferLeadership(group: group.id, to: target), to: leader)
    }

    private func switchCenterRule() {
        let group = groups[Int(rng.next() % UInt64(groups.count))]
        guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { return }
        let on = !raft.membership.centerRule
        faults.centerRuleSwitches += 1
        record("centre rule g\(group.id) \(on ? "on" : "off")", mixing: [17, group.id, on ? 1 : 0])
        _ = submit(.setCenterRule(group: group.id, center: Simulation.centerID, required: on), to: leader)
    }
}
