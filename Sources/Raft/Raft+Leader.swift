extension Raft {
    func proposalRefusal() -> ProposeError? {
        guard role == .leader else { return .notLeader(leaderHint: leader) }
        if leadTransferee != 0 { return .transferInProgress(to: leadTransferee) }
        return nil
    }

    mutating func appendAsLeader(_ entries: [Entry]) {
        log.appendContiguous(entries)
        for entry in entries { uncommittedBytes += entry.sizeBytes }
        appendBroadcastNeeded = true
    }

    mutating func tickLeader() {
        heartbeatElapsed += 1
        if electionElapsed >= config.electionTicks {
            electionElapsed = 0
            if config.checkQuorum {
                if !isQuorumActive() {
                    // Dissertation §6.2: a leader cut off from a quorum stops pretending.
                    becomeFollower(term: term, leader: 0)
                    return
                }
                for member in progress.keys { progress[member]!.recentActive = false }
            }
            if leadTransferee != 0 { leadTransferee = 0 }
        }
        for member in progress.keys {
            guard case .snapshot = progress[member]!.state else { continue }
            progress[member]!.snapshotTicks += 1
            if progress[member]!.snapshotTicks > config.snapshotTimeoutTicks { progress[member]!.becomeProbe() }
        }
        if heartbeatElapsed >= config.heartbeatTicks {
            heartbeatElapsed = 0
            broadcastHeartbeat()
        }
    }

    private func isQuorumActive() -> Bool {
        membership.quorumIndex { member in
            member == id || progress[member]?.recentActive == true ? 1 : 0
        } == 1
    }

    mutating func broadcastHeartbeat() {
        for member in progress.keys.sorted() {
            let match = progress[member]!.match
            send(to: member, .heartbeat(.init(commit: min(match, log.committed), readRound: readRound)), beforePersist: true)
        }
    }

    /// Sends the next append to `member` if flow control allows. Returns whether one was sent.
    @discardableResult
    mutating func sendAppend(to member: NodeID, evenIfEmpty: Bool) -> Bool {
        guard var pr = progress[member], !pr.isPaused else { return false }
        if pr.next <= log.snapshotIndex {
            // The entries it needs are compacted away: it needs the state-machine image.
            guard pr.recentActive else { return false }
            let meta = appliedSnapshotMeta
            pr.becomeSnapshot(meta.index)
            progress[member] = pr
            send(to: member, .snapshot(meta), beforePersist: false)
            return false
        }
        let prevIndex = pr.next - 1
        let entries = log.slice(from: pr.next, through: log.lastIndex,
                                countMax: config.entriesPerMessageMax, bytesMax: config.messageBytesMax)
        if entries.isEmpty && !evenIfEmpty { return false }
        let bytes = entries.reduce(0) { $0 + $1.sizeBytes }
        send(to: member, .append(.init(prevIndex: prevIndex, prevTerm: log.term(at: prevIndex)!, entries: entries, commit: log.committed)),
             beforePersist: true)
        pr.sentEntries(lastIndex: entries.last?.index ?? prevIndex, bytes: bytes, count: entries.count)
        progress[member] = pr
        return !entries.isEmpty
    }

    /// Raft paper §5.3: the leader retries AppendEntries until the follower has the entries.
    /// In replicate state everything up to `next - 1` was sent optimistically, so when a member
    /// still behind answers a heartbeat, some of those appends may have been lost: without this,
    /// an idle leader would never resend them, and a window full of lost appends would pause the
    /// member for ever. An empty append at `next - 1` checks without adding to the window: the
    /// member accepts it if the appends arrived (on an ordered link they come before it), and
    /// rejects it otherwise, which makes the leader fall back to probing from the match.
    mutating func sendLossProbe(to member: NodeID) {
        var pr = progress[member]!
        let prevIndex = pr.next - 1
        guard let prevTerm = log.term(at: prevIndex) else {
            // Compacted since: probing from the match leads to a snapshot.
            pr.becomeProbe()
            progress[member] = pr
            sendAppend(to: member, evenIfEmpty: true)
            return
        }
        send(to: member, .append(.init(prevIndex: prevIndex, prevTerm: prevTerm, entries: [], commit: log.committed)),
             beforePersist: true)
    }

    /// Sends appends until flow control or the end of the log stops it (pipelining).
    mutating func sendAppends(to member: NodeID) {
        while sendAppend(to: member, evenIfEmpty: false) {
            if progress[member]?.state != .replicate { break }
        }
    }

    mutating func stepLeader(_ message: Message) {
        switch message.body {
        case .appendResponse(let response):
            guard progress[message.from] != nil else { return }
            progress[message.from]!.recentActive = true
            handleAppendResponse(from: message.from, response)
        case .heartbeatResponse(let response):
            guard var pr = progress[message.from] else { return }
            pr.recentActive = true
            pr.probeSent = false
            pr.readRoundAcked = max(pr.readRoundAcked, response.readRound)
            if response.lastIndex < pr.match {
                // The follower's log is shorter than what it acknowledged: it dropped a damaged
                // tail at restart. Resume from what it still has (only delays commitment).
                pr.match = min(response.lastIndex, log.lastIndex)
                pr.becomeProbe()
            }
            progress[message.from] = pr
            if pr.match < log.lastIndex {
                if pr.state == .replicate {
                    sendLossProbe(to: message.from)
                } else {
                    // Even if empty: after a snapshot times out the probe starts past the end of
                    // an idle log, and only a rejection of it leads back to the snapshot.
                    sendAppend(to: message.from, evenIfEmpty: true)
                }
            }
            releaseConfirmedReads()
        case .readIndex(let request):
            guard progress[message.from] != nil else { return }
            readsAwaitingRound.append(contentsOf: request.ids.map { PendingRead(id: $0, from: message.from) })
        case .append, .heartbeat, .snapshot:
            preconditionFailure("two leaders in term \(term): \(id) and \(message.from)")
        case .voteResponse, .timeoutNow, .readIndexResponse, .vote:
            break
        }
    }

    private mutating func handleAppendResponse(from member: NodeID, _ response: Message.AppendResponse) {
        var pr = progress[member]!
        if response.reject {
            if response.index <= pr.match && response.hintIndex < pr.match {
                // The follower no longer holds entries it acknowledged: it dropped a damaged log
                // tail at restart (see `setLostLogFloor`). What survived still matches up to its
                // hint, so resume from there. Lowering `match` only delays commitment, never
                // undoes it. A merely late rejection lands here too and costs one resend.
                pr.match = log.matchTerm(response.hintIndex, response.hintTerm)
                    ? response.hintIndex
                    : min(response.hintIndex, log.findConflictByTerm(index: response.hintIndex, term: response.hintTerm))
                pr.becomeProbe()
                progress[member] = pr
                sendAppend(to: member, evenIfEmpty: true)
                return
            }
            var probe = response.hintIndex
            if response.hintTerm > 0 {
                probe = log.findConflictByTerm(index: response.hintIndex, term: response.hintTerm)
            }
            if pr.maybeDecrease(rejected: response.index, matchHint: probe) {
                if pr.state == .replicate { pr.becomeProbe() }
                progress[member] = pr
                sendAppend(to: member, evenIfEmpty: true)
            }
            return
        }
        let wasPaused = pr.isPaused
        guard pr.maybeUpdate(response.index) else {
            progress[member] = pr
            return
        }
        switch pr.state {
        case .probe:
            pr.becomeReplicate()
        case .snapshot(let pending):
            if pr.match >= pending || pr.match + 1 >= log.firstIndex {
                pr.becomeProbe()
                pr.becomeReplicate()
            }
        case .replicate:
            pr.inflight.free(through: response.index)
        }
        progress[member] = pr
        // A new commit index gets no message of its own: it reaches the followers with the next
        // append or heartbeat, as the Raft paper has it (§5.3, "including heartbeats"). With one
        // write at a time, a message of its own doubled the messages between the replicas and
        // the turns that handle them (docs/BENCHMARKS.md).
        maybeCommit()
        // The exception: a member that was held back (probing, or a full window) was last sent
        // an append that may carry a much older commit index. It gets one now, even if empty,
        // so that a member catching up applies without waiting for a heartbeat (this is rare).
        if wasPaused { sendAppend(to: member, evenIfEmpty: true) }
        sendAppends(to: member)
        if member == leadTransferee && pr.match == log.lastIndex {
            send(to: member, .timeoutNow, beforePersist: false)
        }
    }

    /// The index each member is known to hold durably; the leader's own is what it persisted.
    func matchOf(_ member: NodeID) -> UInt64 {
        member == id ? log.persisted : progress[member]?.match ?? 0
    }

    /// Advances the commit index if a quorum holds a current-term entry (Raft paper §5.4.2:
    /// never by counting replicas of an older term's entry) and the centre rule allows.
    @discardableResult
    mutating func maybeCommit() -> Bool {
        let quorum = membership.quorumIndex { matchOf($0) }
        guard quorum > log.committed, quorum <= log.lastIndex, let quorumTerm = log.term(at: quorum) else { return false }
        if quorumTerm != term && !config.faults.commitsOldTermEntriesByCounting { return false }
        let allowed = min(quorum, centerRuleLimit(quorum))
        guard allowed > log.committed else { return false }
        for index in (log.committed + 1)...allowed where log.term(at: index) == term {
            uncommittedBytes -= log.entry(at: index).sizeBytes
        }
        uncommittedBytes = max(uncommittedBytes, 0)
        log.commit(to: allowed)
        return true
    }

    /// The highest index up to `quorum` to which the centre rule lets the commit index move.
    /// The rule in force at an index is the one set by the last configuration entry at or
    /// before it, read from the log, so every leader computes the same limit. The commit index
    /// may move to `c` when the rule in force at `c` is off, or the centre holds `c` durably.
    /// Because the log commits as a prefix, an entry that switches the rule off commits with a
    /// regional majority and commits every entry before it, including entries that were still
    /// waiting for the centre: that is what lets an operator move a region to `region`
    /// durability while the centre is unreachable and writes (or a new leader's no-op) wait
    /// for it. Checking each index against its own rule instead would leave the "off" entry
    /// stuck behind them for ever.
    func centerRuleLimit(_ quorum: UInt64) -> UInt64 {
        // The configuration in force from each boundary on, oldest first.
        var segments: [(start: UInt64, config: Membership)] = [(log.applied + 1, membership)]
        for boundary in log.configIndexes where boundary > log.applied && boundary <= quorum {
            var config = segments[segments.count - 1].config
            if let change = try? ConfigChange.decode(log.entry(at: boundary).data),
               case .success(let next) = config.applying(change) {
                config = next
            }
            segments.append((boundary, config))
        }
        // Newest segment first: the highest allowed commit point wins.
        var end = quorum
        for segment in segments.reversed() {
            let low = max(segment.start, log.committed + 1)
            if low <= end {
                guard segment.config.centerRuleActive, let center = segment.config.center else { return end }
                let reach = min(end, matchOf(center))
                if reach >= low { return reach }
            }
            if segment.start <= log.committed + 1 { break }
            end = segment.start - 1
        }
        return log.committed
    }

    /// Reads can be confirmed once this leader has committed an entry of its own term
    /// (dissertation §6.4: until then its commit index may be stale).
    var canStartReadRound: Bool {
        role == .leader && log.term(at: log.committed) == term
    }

    /// Sends what the turn's inputs require, batched: one append per follower for all the
    /// proposals of the turn, and one heartbeat round for all the reads of the turn.
    mutating func flushLeaderWork() {
        guard role == .leader else { return }
        if appendBroadcastNeeded {
            for member in progress.keys.sorted() { sendAppends(to: member) }
            appendBroadcastNeeded = false
        }
        if !readsAwaitingRound.isEmpty && canStartReadRound {
            readRound += 1
            readBatches.append(ReadBatch(round: readRound, index: log.committed, reads: readsAwaitingRound))
            readsAwaitingRound = []
            broadcastHeartbeat()
            releaseConfirmedReads()
        }
    }

    mutating func releaseConfirmedReads() {
        guard !readBatches.isEmpty else { return }
        let confirmed = membership.quorumIndex { member in
            member == id ? readRound : progress[member]?.readRoundAcked ?? 0
        }
        while let batch = readBatches.first, batch.round <= confirmed {
            readBatches.removeFirst()
            answerReads(batch.reads, index: batch.index, refused: false)
        }
    }

    mutating func answerReads(_ reads: [PendingRead], index: UInt64, refused: Bool) {
        var forwarded: [NodeID: [ReadRequestID]] = [:]
        for read in reads {
            if read.from == id {
                if refused {
                    outFailedReads.append(read.id)
                } else {
                    outReadStates.append(ReadState(id: read.id, index: index))
                }
            } else {
                forwarded[read.from, default: []].append(read.id)
            }
        }
        for (member, ids) in forwarded.sorted(by: { $0.key < $1.key }) {
            send(to: member, .readIndexResponse(.init(ids: ids, index: index, refused: refused)), beforePersist: false)
        }
    }

    mutating func flushFollowerReads() {
        guard role != .leader, !readsToForward.isEmpty else { return }
        if leader == 0 {
            outFailedReads.append(contentsOf: readsToForward)
        } else {
            send(to: leader, .readIndex(.init(ids: readsToForward)), beforePersist: false)
        }
        readsToForward = []
    }
}
