import Raft
import Registry

/// Splitting a group: a `SplitCommand` committed in the group's log is carried out by every
/// replica as it applies it. The state machine deletes what moves and hands it over; the
/// replica writes it, in the same batch as the group's own state, as a new group whose log
/// starts after the split's position, with the configuration of the group at that position.
/// The new group is then an ordinary group: it elects a leader among those voters and
/// replicates from there. See docs/RAFT.md, "Splitting a group".
extension NodeCore {
    /// Ticks after which the parent's leader campaigns in a group its split created: the
    /// heartbeat that tells the other members the split committed, then one tick for them to
    /// apply it.
    static let splitCampaignTicks = 2

    /// Why the leader refuses to propose `split`, before the log; nil to propose it.
    func splitRefusal(_ split: SplitCommand, group: GroupHost) -> String? {
        if split.newGroup == group.id { return "group \(group.id) cannot split into itself" }
        if let existing = groups[split.newGroup], Self.holdsState(existing) {
            return "group \(split.newGroup) already exists on node \(nodeID)"
        }
        if group.raft.membership.isJoint { return "group \(group.id) is changing its membership; split it once the change is complete" }
        return nil
    }

    /// Whether a replica holds any state or log, as opposed to one created empty, waiting for
    /// its group to exist (a node hosts a split group from the topology before it applies the
    /// split that creates it).
    static func holdsState(_ host: GroupHost) -> Bool {
        host.raft.lastIndex > 0 || host.raft.appliedIndex > 0 || host.raft.snapshotIndex > 0
    }

    /// Carries out a committed split at `entry`. Deterministic: the outcome depends only on the
    /// log and the group's state, never on what else this node hosts.
    func applySplit(
        _ split: SplitCommand, group: GroupHost, at entry: Entry, membership: Membership,
        state: inout Transaction, into batch: inout DiskBatch
    ) throws -> SplitOutcome {
        guard split.newGroup != group.id else { return .refused("group \(group.id) cannot split into itself") }
        guard !membership.isJoint else {
            return .refused("group \(group.id) was changing its membership at index \(entry.index); split it once the change is complete")
        }
        switch try group.machine.split(split.key, newGroup: split.newGroup, state: &state) {
        case .refused(let reason):
            return .refused(reason)
        case .split(let records, let moved):
            createSplitGroup(split.newGroup, from: group, at: entry, membership: membership, records: records, into: &batch)
            return .split(newGroup: split.newGroup, index: entry.index, movedRecords: moved, voters: membership.voters.sorted())
        }
    }

    /// Writes the new group's records and starts hosting it, unless this node already holds a
    /// replica of it with state (one that a leader of the new group filled with a snapshot
    /// before this node applied the split: it is ahead, and stays as it is).
    private func createSplitGroup(
        _ id: GroupID, from parent: GroupHost, at entry: Entry, membership: Membership,
        records: [(key: [UInt8], value: [UInt8])], into batch: inout DiskBatch
    ) {
        let previous = groups[id]
        if let previous, Self.holdsState(previous) { return }
        var hardState = HardState(term: entry.term, vote: 0, commit: entry.index)
        if let previous {
            // An empty replica may have voted in a later term: that promise is kept.
            if previous.persistedTermVote.term >= entry.term {
                hardState.term = previous.persistedTermVote.term
                hardState.vote = previous.persistedTermVote.vote
            }
            failPendingWork(previous)
            discardInbound(previous)
        }
        let stateRange = Keys.stateRange(id)
        batch.deleteRange(.state, from: stateRange.from, to: stateRange.to)
        let logRange = Keys.logRange(id)
        batch.deleteRange(.log, from: logRange.from, to: logRange.to)
        let prefix = Keys.statePrefix(id, generation: 0)
        for record in records { batch.put(.state, prefix + record.key, SealedRecord.seal(record.value)) }
        // Created by the split, not from a configuration: nobody bootstraps it from its descriptor.
        let descriptor = GroupDescriptor(id: id, region: parent.descriptor.region, machine: parent.descriptor.machine, initialMembership: Membership())
        let start = LogStartRecord(index: entry.index, term: entry.term)
        let applied = AppliedRecord(index: entry.index, term: entry.term, membership: membership, generation: 0)
        batch.put(.meta, Keys.meta(id, .descriptor), SealedRecord.seal(descriptor.encoded()))
        batch.put(.meta, Keys.meta(id, .hardState), SealedRecord.seal(hardState.encoded()))
        batch.put(.meta, Keys.meta(id, .logStart), SealedRecord.seal(start.encoded()))
        batch.put(.meta, Keys.meta(id, .logTail), SealedRecord.seal(start.encoded()))
        batch.put(.meta, Keys.meta(id, .applied), SealedRecord.seal(applied.encoded()))
        let state = Raft.PersistentState(
            hardState: hardState, snapshotIndex: entry.index, snapshotTerm: entry.term, entries: [],
            appliedIndex: entry.index, membership: membership)
        var raft = Raft(config: options.raftConfig(for: id), state: state)
        // The parent's leader applies the split first; the others learn that it committed with
        // its next heartbeat (one tick) and create the group in their next turn. Campaigning
        // right after that, instead of after a full election timeout, shortens the time the
        // moved offices have no leader. Not the centre, should it lead the parent: its longer
        // timeout lets a regional node win first, as in any other group.
        if parent.raft.role == .leader && !options.isCenter { raft.timeOutWithin(ticks: Self.splitCampaignTicks) }
        groups[id] = GroupHost(
            descriptor: descriptor, raft: raft, machine: machineFactory(descriptor),
            generation: 0, persistedLastIndex: entry.index, persistedTermVote: (hardState.term, hardState.vote))
        observer?.nodeCore(nodeID, observed: .groupSplit(group: parent.id, newGroup: id, index: entry.index, term: entry.term, membership: membership))
    }
}
