import Raft
import Registry

extension NodeCore {
    /// Runs one turn and returns every client answer it produced; see ``runTurn(answer:)``.
    public func runTurn() throws(DiskError) -> [ClientResponse] {
        var answered: [ClientResponse] = []
        try runTurn { answered += $0 }
        return answered
    }

    /// Runs one turn: proposes the commands queued since the last turn, then for every group
    /// with work, in this order: sends leader appends, persists what must be durable in one
    /// batch (one fsync for all groups), sends the rest, applies committed entries, advances
    /// Raft, serves reads and compacts logs.
    ///
    /// `answer` gets the client answers as soon as they are final, so a writer does not wait for
    /// the rest of the turn: once right after applying, before the applied state is written (an
    /// applied entry is committed, so its answer stands whatever happens to that unsynced write:
    /// a restart applies it again from the log, to the same outcome), and once at the end with
    /// what came later. Reads are served after the state is written, so a client that got its
    /// answer reads what it wrote.
    ///
    /// A thrown `DiskError` means a durable write failed: the shell must stop the node and
    /// restart it from disk, never retry the write (the page cache may have dropped the data).
    public func runTurn(answer: ([ClientResponse]) -> Void) throws(DiskError) {
        proposeQueuedCommands()
        let ordered = groups.values.sorted { $0.id < $1.id }
        var readies: [(group: GroupHost, ready: Ready)] = []
        for group in ordered where group.haltReason == nil && group.raft.hasReady {
            readies.append((group, group.raft.ready()))
        }

        // 1. A leader's appends leave before its own fsync (dissertation §10.2.1).
        for (group, ready) in readies { queue(ready.messagesBeforePersist, group: group) }
        flushOutbox()

        // 2. One batch, one fsync, for every group. A batch that needs no fsync (a new commit
        // index, a log cleanup) need not be written before any message either: it goes with
        // the apply batch below, one write instead of two.
        var batch = pendingStagingWrites
        pendingStagingWrites = DiskBatch()
        var sync = !batch.isEmpty
        for group in ordered { appendLogCleanup(group, into: &batch) }
        for (group, ready) in readies { persist(ready, group: group, into: &batch, sync: &sync) }
        discardUninstalledSnapshots(readies)
        var applyBatch = DiskBatch()
        if sync {
            try disk.write(batch, sync: true)
        } else {
            applyBatch = batch
        }
        for (group, ready) in readies where ready.needsPersist {
            observer?.nodeCore(nodeID, observed: .persisted(group: group.id, entries: ready.entries, hardState: ready.hardState, snapshot: ready.snapshot))
        }

        // 3. What may only be said once durable: votes, acknowledgements, snapshot streams.
        for (node, message) in pendingChunkAcks { outbox[node, default: []].append(message) }
        pendingChunkAcks = []
        for (group, ready) in readies { queue(ready.messages, group: group) }
        for group in ordered where group.haltReason == nil { pumpSnapshots(group) }
        flushOutbox()

        // 4. Apply, 5. advance: state writes and the applied record go in one batch, unsynced
        // (the log is durable; a crash only means re-applying from it).
        for (group, ready) in readies where group.haltReason == nil {
            guard apply(ready.committedEntries, group: group, into: &applyBatch) else { continue }
            group.raft.advance(ready)
            if !ready.committedEntries.isEmpty { writeAppliedRecord(group, into: &applyBatch) }
            compactIfNeeded(group, into: &applyBatch)
        }
        handOutAnswers(answer)
        if !applyBatch.isEmpty { try disk.write(applyBatch, sync: false) }

        // 6. Reads, snapshot failures, role changes.
        for (group, ready) in readies where group.haltReason == nil {
            collectReads(ready, group: group)
        }
        for group in ordered where group.haltReason == nil {
            serveReads(group)
            for member in group.failedSnapshotTargets { group.raft.reportSnapshotFailure(member) }
            group.failedSnapshotTargets = []
            reportRoleChange(group)
        }
        flushOutbox()
        handOutAnswers(answer)
    }

    /// Gives the answers produced so far to the shell and forgets them.
    private func handOutAnswers(_ answer: ([ClientResponse]) -> Void) {
        guard !responses.isEmpty else { return }
        answer(responses)
        responses = []
    }

    private func proposeQueuedCommands() {
        for group in groups.values.sorted(by: { $0.id < $1.id }) where !group.queuedCommands.isEmpty {
            let queued = group.queuedCommands
            group.queuedCommands = []
            group.queuedBytes = 0
            guard group.haltReason == nil else { continue }
            if group.raft.role != .leader {
                for item in queued { respond(item.reply, .failed(failure(for: .notLeader(leaderHint: group.raft.leader), group: group))) }
                continue
            }
            // Pack the turn's commands into as few entries as the entry size allows.
            var entries: [[(command: [UInt8], reply: ReplyTarget, deadline: UInt64)]] = [[]]
            var bytes = 0
            for item in queued {
                if !entries[entries.count - 1].isEmpty && bytes + item.command.count > options.entryBytesMax {
                    entries.append([])
                    bytes = 0
                }
                entries[entries.count - 1].append(item)
                bytes += item.command.count
            }
            let payloads = entries.map { CommandBatch.encode($0.map(\.command)) }
            switch group.raft.propose(payloads) {
            case .success(let first):
                for (offset, items) in entries.enumerated() {
                    group.proposals[first + UInt64(offset)] = GroupHost.Proposal(
                        term: group.raft.term, replies: items.map(\.reply), deadline: items.map(\.deadline).min()!, isConfigChange: false)
                }
            case .failure(let error):
                let reason = failure(for: error, group: group)
                for item in queued { respond(item.reply, .failed(reason)) }
            }
        }
    }

    private func queue(_ messages: [Message], group: GroupHost) {
        for message in messages {
            if case .snapshot(let meta) = message.body {
                startSnapshotStream(group, to: message.to, meta: meta, term: message.term)
            } else {
                outbox[message.to, default: []].append(.raft(group.id, message))
            }
        }
    }

    func flushOutbox() {
        guard !outbox.isEmpty else { return }
        for node in outbox.keys.sorted() {
            network.send(to: node, frame: NodeFrame.encode(outbox[node]!))
        }
        outbox = [:]
    }

    private func persist(_ ready: Ready, group: GroupHost, into batch: inout DiskBatch, sync: inout Bool) {
        if let meta = ready.snapshot {
            finalizeSnapshot(meta, group: group, into: &batch)
            sync = true
        }
        if let first = ready.entries.first {
            if first.index <= group.persistedLastIndex {
                batch.deleteRange(.log, from: Keys.log(group.id, first.index), to: Keys.log(group.id, group.persistedLastIndex + 1))
            }
            for entry in ready.entries {
                batch.put(.log, Keys.log(group.id, entry.index), SealedRecord.seal(entry.encoded()))
            }
            group.persistedLastIndex = ready.entries.last!.index
            let tail = LogStartRecord(index: ready.entries.last!.index, term: ready.entries.last!.term)
            batch.put(.meta, Keys.meta(group.id, .logTail), SealedRecord.seal(tail.encoded()))
            sync = true
        }
        if let state = ready.hardState {
            batch.put(.meta, Keys.meta(group.id, .hardState), SealedRecord.seal(state.encoded()))
            // Term and vote must be durable before any message depending on them leaves; a
            // commit index alone may ride along unsynced (it is re-learned from the leader).
            if state.term != group.persistedTermVote.term || state.vote != group.persistedTermVote.vote {
                sync = true
                group.persistedTermVote = (state.term, state.vote)
            }
        }
    }

    private func appendLogCleanup(_ group: GroupHost, into batch: inout DiskBatch) {
        guard let cleanup = group.pendingLogCleanup else { return }
        group.pendingLogCleanup = nil
        batch.deleteRange(.log, from: Keys.log(group.id, cleanup.from), to: Keys.log(group.id, cleanup.through + 1))
    }

    /// Applies committed entries; false when the group had to halt.
    private func apply(_ entries: [Entry], group: GroupHost, into batch: inout DiskBatch) -> Bool {
        guard !entries.isEmpty else { return true }
        var transaction = Transaction(base: GroupStateReader(reader: disk, group: group.id, generation: group.generation))
        // The configuration as of each entry, for a split (a new group starts with it).
        var membership = group.raft.membership
        for entry in entries {
            let proposal = group.proposals.removeValue(forKey: entry.index)
            let ours = proposal?.term == entry.term
            if let proposal, !ours {
                for reply in proposal.replies.compactMap({ $0 }) { respond(reply, .failed(.superseded)) }
            }
            if entry.kind == .configChange {
                if let change = try? ConfigChange.decode(entry.data), case .success(let next) = membership.applying(change) { membership = next }
                if ours, let reply = proposal?.replies.first ?? nil { respond(reply, .done(index: entry.index)) }
            } else if !entry.data.isEmpty {
                let commands: [[UInt8]]
                do {
                    commands = try CommandBatch.decode(entry.data)
                } catch {
                    halt(group, reason: "entry \(entry.index) is not a command batch: \(error)")
                    return false
                }
                for (position, command) in commands.enumerated() {
                    let context = CommandContext(group: group.id, index: entry.index, term: entry.term, position: position)
                    let outcome: [UInt8]
                    do {
                        if let split = SplitCommand.decode(command) {
                            outcome = try applySplit(split, group: group, at: entry, membership: membership, state: &transaction, into: &batch).encode()
                        } else {
                            outcome = try group.machine.apply(command, context: context, state: &transaction)
                        }
                    } catch {
                        halt(group, reason: "applying entry \(entry.index): \(error)")
                        return false
                    }
                    if ours, position < proposal!.replies.count, let reply = proposal!.replies[position] {
                        respond(reply, .applied(index: entry.index, outcome: outcome))
                        observer?.nodeCore(nodeID, observed: .acknowledged(group: group.id, index: entry.index, term: entry.term))
                    }
                }
            }
            observer?.nodeCore(nodeID, observed: .applied(group: group.id, entry: entry))
        }
        let prefix = Keys.statePrefix(group.id, generation: group.generation)
        for operation in transaction.writes.operations {
            switch operation {
            case .put(let key, let value): batch.put(.state, prefix + key, SealedRecord.seal(value))
            case .delete(let key): batch.delete(.state, prefix + key)
            }
        }
        return true
    }

    func writeAppliedRecord(_ group: GroupHost, into batch: inout DiskBatch) {
        let applied = group.raft.appliedIndex
        let record = AppliedRecord(index: applied, term: group.raft.term(at: applied) ?? 0, membership: group.raft.membership, generation: group.generation)
        batch.put(.meta, Keys.meta(group.id, .applied), SealedRecord.seal(record.encoded()))
    }

    /// Bounds the log: once it is long, drop what is applied except a tail kept for followers
    /// that lag a little. Written after the applied record in the same batch, so a crash can
    /// never leave a log start ahead of the applied state.
    private func compactIfNeeded(_ group: GroupHost, into batch: inout DiskBatch) {
        let raft = group.raft
        let length = raft.lastIndex - raft.snapshotIndex
        guard length > UInt64(options.compactionEntriesThreshold) || raft.logSizeBytes > options.compactionBytesThreshold else { return }
        guard raft.appliedIndex > raft.snapshotIndex + options.compactionRetainEntries else { return }
        let through = raft.appliedIndex - options.compactionRetainEntries
        guard let term = raft.term(at: through) else { return }
        group.raft.compact(through: through)
        batch.put(.meta, Keys.meta(group.id, .logStart), SealedRecord.seal(LogStartRecord(index: through, term: term).encoded()))
        batch.deleteRange(.log, from: Keys.log(group.id, 0), to: Keys.log(group.id, through + 1))
    }

    private func collectReads(_ ready: Ready, group: GroupHost) {
        for state in ready.readStates {
            guard let query = group.readsAwaitingIndex.removeValue(forKey: state.id) else { continue }
            group.readsAwaitingApply.append((state.index, query))
        }
        for id in ready.failedReads {
            guard let query = group.readsAwaitingIndex.removeValue(forKey: id) else { continue }
            let leader = group.raft.leader
            respond(query.reply, .failed(leader == 0 || leader == nodeID ? .noLeader(group.id) : .notLeader(group.id, leaderHint: leader)))
        }
    }

    private func serveReads(_ group: GroupHost) {
        guard !group.readsAwaitingApply.isEmpty else { return }
        let applied = group.raft.appliedIndex
        var waiting: [(index: UInt64, query: GroupHost.PendingQuery)] = []
        for pending in group.readsAwaitingApply {
            if pending.index <= applied && pending.query.isRefusedCommand {
                recheck(pending.query.query, group: group, reply: pending.query.reply, deadline: pending.query.deadline)
            } else if pending.index <= applied {
                answer(pending.query.query, group: group, reply: pending.query.reply, behindCommit: 0, staleMs: 0)
            } else {
                waiting.append(pending)
            }
        }
        group.readsAwaitingApply = waiting
    }

    private func reportRoleChange(_ group: GroupHost) {
        let raft = group.raft
        guard raft.role != group.lastRole || raft.term != group.lastTerm else { return }
        group.lastRole = raft.role
        group.lastTerm = raft.term
        let log = raft.role == .leader && observer != nil ? raft.entries(from: raft.firstIndex, through: raft.lastIndex) : []
        observer?.nodeCore(nodeID, observed: .roleChanged(
            group: group.id, term: raft.term, role: raft.role, leader: raft.leader, log: log, logStart: raft.snapshotIndex))
    }
}
