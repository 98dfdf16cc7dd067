import NodeCore
import Raft
import Registry

/// Where the split of a shard stands. One shard of the registry workload splits while the
/// faults run: the operator proposes the split to it, and once a replica has carried it out,
/// pushes the topology that names the new group (every node of the region then hosts it, empty
/// until the split or a snapshot fills it), and the clients learn where the office went from
/// the answers of the old group.
struct SplitState {
    /// The shard that splits, the group it creates and the office that moves.
    var parent: GroupID?
    var newGroup: GroupID?
    var office: OfficeCode?
    /// A replica created the new group: the topology names it from then on.
    var observed = false
    var lastSentMs: UInt64 = 0
    /// The proposals in flight, for the trace.
    var tickets: Set<ClientTicket> = []
    /// Its own generator, so that choosing whether and what to split leaves the rest of a
    /// seed's schedule as it was.
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed ^ 0x5_9117_5EED) }
}

extension Simulation {
    /// Every seed of the roll-out profile splits a shard; half the seeds of the standard profile
    /// do. Only the registry workload splits (its groups hold several offices).
    func scheduleSplit() {
        guard options.workload == .registry, options.scenario == nil, options.profile != .leaderChurn else { return }
        guard options.profile == .rollOut || split.rng.next() % 2 == 0 else { return }
        let window = max(options.faultPhaseMs / 2, 1)
        queue.schedule(.splitShard, at: 1_500 + split.rng.next() % window)
    }

    /// Proposes the split, again every second until a replica has carried it out.
    func splitShard() {
        // Proposed until carried out, faults or not, as an operator would go on.
        if case .done = phase { return }
        if split.parent == nil {
            let candidates = groups.filter { (workload?.offices[$0.id]?.count ?? 0) >= 2 }.map(\.id).sorted()
            guard !candidates.isEmpty else { return }
            let parent = candidates[Int(split.rng.next() % UInt64(candidates.count))]
            split.parent = parent
            split.newGroup = (plannedGroups + groups).map(\.id).max()! + 1
            split.office = workload!.offices[parent]![1]
            record("split g\(parent): office \(split.office!) to g\(split.newGroup!)", mixing: [50, parent, split.newGroup!])
        }
        guard !split.observed else { return }
        if now >= split.lastSentMs + 1_000 || split.lastSentMs == 0 {
            split.lastSentMs = now
            let parent = split.parent!
            let hosts = nodeOrder.filter { nodes[$0]!.core?.raft(of: parent) != nil }
            if let target = leader(of: parent) ?? hosts.first.flatMap({ nodes[$0] }) {
                let key = ShardSplitKey(first: split.office!, last: split.office!).encode()
                let command = SplitCommand(newGroup: split.newGroup!, key: key).encode()
                if let ticket = submit(.write(group: parent, command: command), to: target) { split.tickets.insert(ticket) }
            }
        }
        queue.schedule(.splitShard, at: now + 100)
    }

    /// Traces the answer to a split proposal; false when `response` is not one.
    func splitAnswered(_ response: ClientResponse) -> Bool {
        guard split.tickets.remove(response.ticket) != nil else { return false }
        let outcome: String
        switch response.result {
        case .applied(_, let bytes), .refused(let bytes): outcome = SplitOutcome.decode(bytes).map { "\($0)" } ?? "undecodable \(bytes.prefix(16))"
        default: outcome = "\(response.result)"
        }
        record("split g\(split.parent!): \(outcome)", mixing: [52, response.ticket])
        return true
    }

    /// A replica created a split group: the first time, the operator pushes the topology that
    /// names it, and the clients' routing follows (the workload's offices per group).
    func groupSplitObserved(node: NodeID, group: GroupID, newGroup: GroupID, index: UInt64, membership: Membership) {
        record("node \(node) split g\(group) at \(index) into g\(newGroup) voters \(membership.voters.sorted())", mixing: [51, node, group, newGroup, index])
        guard !split.observed, newGroup == split.newGroup, group == split.parent else { return }
        split.observed = true
        faults.shardsSplit += 1
        let descriptor = GroupDescriptor(id: newGroup, region: descriptor(group).region, machine: descriptor(group).machine, initialMembership: Membership())
        groups.append(descriptor)
        plannedGroups.append(descriptor)
        workload!.split(office: split.office!, from: group, to: newGroup)
        for id in nodeOrder { hostSplitGroups(on: nodes[id]!) }
    }

    /// Hosts, empty, every split group whose parent the node hosts, as a node does from its
    /// topology (at a push, and at every start).
    func hostSplitGroups(on node: SimNode) {
        guard split.observed, let parent = split.parent, let newGroup = split.newGroup, let core = node.core,
              core.raft(of: parent) != nil, core.raft(of: newGroup) == nil else { return }
        try? core.createGroup(descriptor(newGroup))
    }

    /// The group whose replicas hold `office` at the end.
    func holder(of office: OfficeCode, sentTo group: GroupID) -> GroupID {
        split.observed && office == split.office ? split.newGroup! : group
    }

    /// The group an operation is checked against at the end: the one holding its office.
    func checkedGroup(_ op: RegistryClientOperation) -> GroupID {
        guard let office = op.office else { return op.group }
        return holder(of: office, sentTo: op.group)
    }

    /// Whether a group took part in the split (its counts changed by it, not by writes).
    func tookPartInSplit(_ group: GroupID) -> Bool {
        split.observed && (group == split.parent || group == split.newGroup)
    }
}
