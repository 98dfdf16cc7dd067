import NodeCore
import Raft

/// Where the roll-out profile stands.
struct RollOutState {
    /// The region the cluster starts with, and later loses and rebuilds.
    static let firstRegion = "RSK"
    /// The region added while the cluster runs.
    static let addedRegion = "CS"
    /// The ids of the nodes Rabat-Salé-Kénitra is rebuilt on: three voters and a spare, as
    /// the region had.
    static let rebuiltNodes: [NodeID] = [5, 6, 7, 8]

    var regionAdded = false
    var lossStarted = false
    var rebuilt = false
    /// The region's groups when it was destroyed: each must be forced onto the centre's log (a
    /// group split off later, from a forced group, is born with the centre as its voter).
    var destroyedGroups: [GroupID] = []
    /// When a step last sent its requests (they are sent again after a second without effect).
    var lastSentMs: UInt64 = 0
    /// The deliberate operator error only: when the region was cut from the centre.
    var cutAtMs: UInt64?
    /// How long the cut region may go on before it is destroyed even if none of its groups
    /// committed a write in the meantime.
    static let cutLastsMsMax: UInt64 = 30_000
}

/// One step of the roll-out, polled until its condition holds.
enum RollOutStep {
    /// Casablanca-Settat's groups are created on its nodes and the centre.
    case addRegion
    /// Faults pause, the network heals, crashed nodes restart.
    case quiet
    /// Every group of the region to lose is moved to `center` durability, the operator's
    /// precondition for losing nothing.
    case centerDurability
    /// The region's nodes are destroyed with their disks, and each of its groups is forced
    /// onto the centre's log with the centre as its only voter.
    case destroy
    /// New nodes start and host the region's groups, empty.
    case newNodes
    /// The new nodes join as learners, catch up, become voters; leadership returns to the
    /// region; faults resume.
    case join
}

extension Simulation {
    func scheduleRollOut() {
        queue.schedule(.rollOut(.addRegion), at: 2_000 + rng.next() % 2_000)
        queue.schedule(.rollOut(.quiet), at: 6_000 + rng.next() % 1_500)
    }

    /// Polls the current step again shortly.
    private func again(_ step: RollOutStep) { queue.schedule(.rollOut(step), at: now + 100) }

    /// Moves on to `step`, whose requests go out at its first poll.
    private func next(_ step: RollOutStep) {
        rollOut.lastSentMs = 0
        again(step)
    }

    /// Sends the step's requests when they have not been sent in the last second.
    private func dueToSend() -> Bool {
        guard now >= rollOut.lastSentMs + 1_000 || rollOut.lastSentMs == 0 else { return false }
        rollOut.lastSentMs = now
        return true
    }

    func rollOutStep(_ step: RollOutStep) {
        switch step {
        case .addRegion: addRegion()
        case .quiet: quiet()
        case .centerDurability: centerDurability()
        case .destroy: destroyRegion()
        case .newNodes: startRebuiltNodes()
        case .join: joinRebuiltNodes()
        }
    }

    /// As `sijil cluster add-region` does through the topology: every initial member and the
    /// centre create the region's groups; a member that is down creates them when it starts.
    private func addRegion() {
        let added = plannedGroups.filter { $0.region == RollOutState.addedRegion }
        groups += added
        faults.regionsAdded += 1
        rollOut.regionAdded = true
        record("add region \(RollOutState.addedRegion): groups \(added.map(\.id))", mixing: [40, UInt64(added.count)])
        for group in added {
            for member in group.initialMembership.members.sorted() {
                if let core = nodes[member]?.core { try? core.createGroup(group) }
            }
        }
        for id in nodeOrder where nodes[id]!.isUp { scheduleTurnIfNeeded(nodes[id]!) }
    }

    private func quiet() {
        rollOutQuiet = true
        rollOut.lossStarted = true
        blocked = []
        record("roll-out: faults pause, network healed", mixing: [41])
        for id in nodeOrder where !nodes[id]!.isUp { restart(id, corrupt: false) }
        next(.centerDurability)
    }

    private var lostGroups: [GroupDescriptor] { groups.filter { $0.region == RollOutState.firstRegion } }

    private func centerDurability() {
        if options.rollOutLosesInRegionDurability { return regionDurabilityCutOff() }
        let pending = lostGroups.filter { group in
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { return true }
            return !(raft.membership.centerRuleActive && raft.commitIndex == raft.lastIndex && !raft.membership.isJoint)
        }
        guard !pending.isEmpty else { return next(.destroy) }
        if dueToSend() {
            for group in pending {
                guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id), !raft.membership.centerRule else { continue }
                faults.centerRuleSwitches += 1
                record("roll-out: centre rule g\(group.id) on", mixing: [42, group.id])
                _ = submit(.setCenterRule(group: group.id, center: Simulation.centerID, required: true), to: leader)
            }
        }
        again(.centerDurability)
    }

    /// The deliberate operator error: the region is switched to `region` durability, cut from
    /// the centre, and keeps acknowledging writes for at least a second, and until one of its
    /// groups has committed a write without the centre, before it is destroyed.
    private func regionDurabilityCutOff() {
        let pending = lostGroups.filter { group in
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { return true }
            return raft.membership.centerRule || raft.commitIndex != raft.lastIndex
        }
        guard pending.isEmpty else {
            if dueToSend() {
                for group in pending {
                    guard let leader = leader(of: group.id) else { continue }
                    _ = submit(.setCenterRule(group: group.id, center: Simulation.centerID, required: false), to: leader)
                }
            }
            return again(.centerDurability)
        }
        for id in regionNodes[RollOutState.firstRegion]! {
            blocked.insert(Link(from: id, to: Simulation.centerID))
            blocked.insert(Link(from: Simulation.centerID, to: id))
        }
        record("roll-out (operator error): region \(RollOutState.firstRegion) in region durability, cut from the centre", mixing: [49])
        rollOut.cutAtMs = now
        rollOut.lastSentMs = 0
        queue.schedule(.rollOut(.destroy), at: now + 1_000)
    }

    /// Whether one of the cut region's groups has committed an entry the centre does not hold
    /// (or the cut lasted long enough): only then does losing the region lose something, which
    /// is what the deliberate error must show.
    private var cutRegionCommittedAlone: Bool {
        guard let cutAt = rollOut.cutAtMs else { return true }
        if now >= cutAt + RollOutState.cutLastsMsMax { return true }
        return lostGroups.contains { group in
            let commit = leader(of: group.id)?.core?.raft(of: group.id)?.commitIndex ?? 0
            return commit > nodes[Simulation.centerID]?.core?.raft(of: group.id)?.lastIndex ?? 0
        }
    }

    private func destroyRegion() {
        if rollOut.rebuilt == false && regionNodes[RollOutState.firstRegion] != RollOutState.rebuiltNodes {
            guard cutRegionCommittedAlone else { return again(.destroy) }
            for id in regionNodes[RollOutState.firstRegion]! {
                let node = nodes[id]!
                crashNode(node)
                node.destroyed = true
                node.disk.destroy()
            }
            faults.regionsRebuilt += 1
            record("roll-out: region \(RollOutState.firstRegion) destroyed", mixing: [43])
            regionNodes[RollOutState.firstRegion] = RollOutState.rebuiltNodes
            rollOut.destroyedGroups = lostGroups.map(\.id)
        }
        guard let center = nodes[Simulation.centerID], center.isUp else { return again(.destroy) }
        let pending = lostGroups.filter { rollOut.destroyedGroups.contains($0.id) && forcedReconfigurations[$0.id] == nil }
        guard !pending.isEmpty else { return next(.newNodes) }
        if dueToSend() { force(pending, on: center) }
        again(.destroy)
    }

    private func force(_ groups: [GroupDescriptor], on center: SimNode) {
        for group in groups {
            record("roll-out: force g\(group.id) onto the centre's log", mixing: [48, group.id])
            _ = submit(.forceReconfiguration(group: group.id, voters: [Simulation.centerID]), to: center)
        }
    }

    /// Groups of the lost region that the centre holds with destroyed voters and that were not
    /// forced yet: a split committed before the loss and carried out by the centre only after
    /// its parent was forced creates its group with the parent's old voters.
    private var groupsWithDestroyedVoters: [GroupDescriptor] {
        guard let center = nodes[Simulation.centerID]?.core else { return [] }
        return lostGroups.filter { group in
            guard forcedReconfigurations[group.id] == nil, let raft = center.raft(of: group.id) else { return false }
            return raft.membership.voters.contains { nodes[$0]?.destroyed ?? false }
        }
    }

    private func startRebuiltNodes() {
        for id in RollOutState.rebuiltNodes where nodes[id] == nil {
            let node = SimNode(id: id, region: RollOutState.firstRegion, isCenter: false)
            nodes[id] = node
            nodeOrder = nodes.keys.sorted()
            start(node)
            for group in lostGroups { try? node.core?.createGroup(group) }
            record("roll-out: node \(id) starts, hosting \(lostGroups.map(\.id)) empty", mixing: [44, id])
        }
        next(.join)
    }

    private func joinRebuiltNodes() {
        let joining = Set(RollOutState.rebuiltNodes.prefix(3))
        let send = dueToSend()
        var done = true
        let unforced = groupsWithDestroyedVoters
        if !unforced.isEmpty {
            done = false
            if send, let center = nodes[Simulation.centerID], center.isUp { force(unforced, on: center) }
        }
        for group in lostGroups {
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else {
                done = false
                continue
            }
            let membership = raft.membership
            if joining.isSubset(of: membership.voters) && !membership.isJoint {
                if leader.isCenter { done = false }
                continue
            }
            done = false
            guard send, !membership.isJoint else { continue }
            let missing = joining.subtracting(membership.members).sorted()
            let learners = joining.intersection(membership.learners).sorted()
            if !missing.isEmpty {
                record("roll-out: g\(group.id) add learners \(missing)", mixing: [45, group.id])
                _ = submit(.changeMembership(group: group.id, ops: missing.map { .addLearner($0) }), to: leader)
            } else if !learners.isEmpty, learners.allSatisfy({ raft.matchIndex(of: $0) == raft.lastIndex }) {
                record("roll-out: g\(group.id) promote \(learners)", mixing: [46, group.id])
                _ = submit(.changeMembership(group: group.id, ops: learners.map { .addVoter($0) }), to: leader)
            }
        }
        guard done else { return again(.join) }
        rollOut.rebuilt = true
        rollOutQuiet = false
        record("roll-out: region \(RollOutState.firstRegion) rebuilt on \(RollOutState.rebuiltNodes.prefix(3)), leaders back in the region", mixing: [47])
    }

    /// At the end of a roll-out run: the added region serves, the lost region was rebuilt on
    /// its new nodes, which are its voters, and its groups are led from the region again.
    func rollOutFinalChecks() {
        if !rollOut.regionAdded { fail("roll-out: region \(RollOutState.addedRegion) was never added") }
        guard rollOut.rebuilt else {
            return fail("roll-out: region \(RollOutState.firstRegion) was not rebuilt (forced: \(forcedReconfigurations.keys.sorted()))")
        }
        // The three nodes that joined, or the spare that a later membership fault put in one's
        // place: the faults keep at least three regional voters.
        let rebuilt = Set(RollOutState.rebuiltNodes)
        for group in lostGroups {
            guard forcedReconfigurations[group.id] != nil || !rollOut.destroyedGroups.contains(group.id) else {
                fail("roll-out: group \(group.id) was never forced onto the centre's log")
                continue
            }
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { continue }
            let regional = raft.membership.voters.subtracting([Simulation.centerID])
            if regional.count < 3 || !regional.isSubset(of: rebuilt) {
                fail("roll-out: group \(group.id) voters \(raft.membership.voters.sorted()) are not three or more of the rebuilt nodes \(rebuilt.sorted())")
            }
            if raft.membership.members.contains(where: { nodes[$0]?.destroyed ?? false }) {
                fail("roll-out: group \(group.id) still counts a destroyed node among \(raft.membership.members.sorted())")
            }
        }
        for group in groups where group.region == RollOutState.addedRegion {
            if leader(of: group.id) == nil { fail("roll-out: added group \(group.id) has no leader") }
        }
    }

    /// Records where a forced reconfiguration cut a group's log (see `InvariantChecker`).
    func forcedReconfigurationObserved(node: NodeID, group: GroupID, keptThrough: UInt64) {
        forcedReconfigurations[group] = keptThrough
    }
}
