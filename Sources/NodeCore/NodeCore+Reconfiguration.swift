import Raft

/// The forced reconfiguration: how a group whose voters are gone for good (a destroyed region)
/// is rebuilt from the one replica left, the national centre's.
///
/// Raft cannot change a configuration without a majority of it, and a lost region takes the
/// majority with it. The operator therefore confirms, on the surviving replica, that the
/// other voters will never return; this replica then takes its own durable log as the group's
/// log and appends, in a new term, a configuration entry naming `voters` (itself among them)
/// as the only voters, committed at once on its own authority. From there the group is an
/// ordinary group of one voter: new nodes join as learners and then as voters through joint
/// consensus, and the centre hands leadership to a regional voter as soon as one has caught up.
///
/// What survives is exactly this replica's durable log. In `center` durability every
/// acknowledged entry is in it (an entry commits only once the centre holds it). In `region`
/// durability, entries acknowledged by a regional majority that this replica never received
/// are lost; `lastIndex` and `lastTerm` of the answer say where the surviving log ends.
///
/// Safety rests on the operator's confirmation: a former voter that came back would still
/// count itself in the old configuration. Retiring the old nodes in the topology makes every
/// node refuse their connections, and a retired node refuses to start.
extension NodeCore {
    /// Why a forced reconfiguration of `group` to `voters` is refused, if it is.
    func forcedReconfigurationProblem(_ group: GroupHost, voters: Set<NodeID>) -> String? {
        if voters.isEmpty { return "a configuration needs at least one voter" }
        if voters.contains(0) { return "node id 0 is reserved" }
        if !voters.contains(nodeID) { return "the voters must include node \(nodeID), whose log the group keeps" }
        if group.raft.lostLogFloor != nil { return "this replica is repairing a damaged log and cannot be the group's only copy" }
        if group.inboundSnapshot != nil { return "this replica is receiving a state image; retry once it is installed" }
        if !Self.holdsState(group) {
            return "this replica holds nothing of group \(group.id) yet (a split group not yet created here, or a replica never filled); retry once it has applied its parent's split"
        }
        return nil
    }

    /// Rewrites `group` around this replica's durable log (see the type's comment) and answers
    /// `done` with the index of the new configuration entry.
    func forceReconfiguration(_ group: GroupHost, voters: Set<NodeID>, reply: ReplyTarget) {
        guard case .local = reply else {
            respond(reply, .failed(.invalidChange("a forced reconfiguration is taken only by the node the operator asked")))
            return
        }
        if let problem = forcedReconfigurationProblem(group, voters: voters) {
            respond(reply, .failed(.invalidChange(problem)))
            return
        }
        let raft = group.raft
        // Only what is durable survives: entries received since the last turn were never
        // acknowledged by this replica, so no commit counted on them.
        let last = max(min(raft.persistedIndex, raft.lastIndex), raft.snapshotIndex)
        precondition(raft.appliedIndex <= last, "applied entries are always durable")
        let kept = raft.entries(from: raft.firstIndex, through: last)
        let latest = latestMembership(raft, through: last)
        var next = Membership(voters: voters)
        if let center = latest.center, voters.contains(center) {
            next.center = center
            next.centerRule = latest.centerRule
        }
        let term = raft.term + 1
        let entry = Entry(index: last + 1, term: term, kind: .configChange, data: ConfigChange.bootstrap(next).encoded())
        let hardState = HardState(term: term, vote: nodeID, commit: entry.index)
        var batch = DiskBatch()
        if group.persistedLastIndex > last {
            batch.deleteRange(.log, from: Keys.log(group.id, last + 1), to: Keys.log(group.id, group.persistedLastIndex + 1))
        }
        batch.put(.log, Keys.log(group.id, entry.index), SealedRecord.seal(entry.encoded()))
        batch.put(.meta, Keys.meta(group.id, .logTail), SealedRecord.seal(LogStartRecord(index: entry.index, term: term).encoded()))
        batch.put(.meta, Keys.meta(group.id, .hardState), SealedRecord.seal(hardState.encoded()))
        do {
            try disk.write(batch, sync: true)
        } catch {
            // Whether the write reached the disk is unknown: the replica must restart from it.
            halt(group, reason: "the forced reconfiguration could not be written (\(error)); restart the node")
            respond(reply, .failed(.storage("\(error)")))
            return
        }
        failPendingWork(group)
        let state = Raft.PersistentState(
            hardState: hardState, snapshotIndex: raft.snapshotIndex, snapshotTerm: raft.term(at: raft.snapshotIndex) ?? 0,
            entries: kept + [entry], appliedIndex: raft.appliedIndex, membership: raft.membership)
        group.raft = Raft(config: options.raftConfig(for: group.id), state: state)
        group.persistedLastIndex = entry.index
        group.persistedTermVote = (term, nodeID)
        group.commitNotices = []
        observer?.nodeCore(nodeID, observed: .forcedReconfiguration(group: group.id, keptThrough: last, index: entry.index, term: term, voters: voters))
        respond(reply, .done(index: entry.index))
    }

    /// The configuration as of `last`: the applied one with every later configuration entry
    /// of the log applied to it in order.
    func latestMembership(_ raft: Raft, through last: UInt64) -> Membership {
        var membership = raft.membership
        guard last > raft.appliedIndex else { return membership }
        for entry in raft.entries(from: raft.appliedIndex + 1, through: last) where entry.kind == .configChange {
            if let change = try? ConfigChange.decode(entry.data), case .success(let next) = membership.applying(change) {
                membership = next
            }
        }
        return membership
    }

    /// Answers every request waiting on `group` and stops its snapshot streams. A proposal in
    /// the log may still commit (its outcome is unknown); a queued command never reached it.
    func failPendingWork(_ group: GroupHost) {
        for index in group.proposals.keys.sorted() {
            for reply in group.proposals[index]!.replies.compactMap({ $0 }) { respond(reply, .failed(.timedOut(outcomeUnknown: true))) }
        }
        for item in group.queuedCommands { respond(item.reply, .failed(.noLeader(group.id))) }
        for id in group.readsAwaitingIndex.keys.sorted() { respond(group.readsAwaitingIndex[id]!.reply, .failed(.noLeader(group.id))) }
        for read in group.readsAwaitingApply { respond(read.query.reply, .failed(.noLeader(group.id))) }
        group.proposals = [:]
        group.queuedCommands = []
        group.queuedBytes = 0
        group.readsAwaitingIndex = [:]
        group.readsAwaitingApply = []
        for member in group.outboundSnapshots.keys.sorted() { group.outboundSnapshots[member]!.view.close() }
        group.outboundSnapshots = [:]
        group.failedSnapshotTargets = []
    }
}
