extension Raft {
    /// Whether this member may campaign: it votes in the current configuration and is not in
    /// the middle of installing a snapshot.
    var isPromotable: Bool {
        membership.isVoter(id) && snapshotToInstall == nil
    }

    mutating func resetRandomizedElectionTimeout() {
        randomizedElectionTimeout = config.electionTicks + Int(rng.next() % UInt64(config.electionTicks))
    }

    /// Starts a pre-vote round or a real election (Raft paper §5.2, dissertation §9.6).
    mutating func campaign(preVote: Bool, transfer: Bool) {
        let electionTerm: UInt64
        if preVote {
            role = .preCandidate
            leader = 0
            electionTerm = term + 1
        } else {
            becomeCandidate()
            electionTerm = term
        }
        // A member that lost part of its log votes for itself only under the rule it applies to
        // others (see `setLostLogFloor`): it may still win, but only with votes from members
        // whose logs prove it lacks nothing committed.
        votes = [id: voteFloorAllows(lastIndex: log.lastIndex, lastTerm: log.lastTerm)]
        resetTimers()
        let request = Message.VoteRequest(preVote: preVote, lastIndex: log.lastIndex, lastTerm: log.lastTerm, transfer: transfer)
        for member in membership.voters.union(membership.outgoingVoters).sorted() where member != id {
            outAfterPersist.append(Message(from: id, to: member, term: electionTerm, body: .vote(request)))
        }
        tallyVotes()
    }

    private mutating func becomeCandidate() {
        precondition(role != .leader, "a leader does not campaign")
        term += 1
        vote = id
        role = .candidate
        leader = 0
    }

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: NodeID) {
        if role == .leader { failPendingReads() }
        if newTerm > term {
            term = newTerm
            vote = 0
        }
        role = .follower
        leader = newLeader
        votes = [:]
        progress = [:]
        leadTransferee = 0
        uncommittedBytes = 0
        appendBroadcastNeeded = false
        resetTimers()
    }

    mutating func becomeLeader() {
        precondition(role == .candidate, "only a candidate becomes leader")
        role = .leader
        leader = id
        votes = [:]
        resetTimers()
        progress = [:]
        rebuildProgress()
        // Entries of earlier terms may hold configuration changes not yet applied.
        pendingConfigIndex = log.lastIndex
        uncommittedBytes = 0
        readRound = 0
        readBatches = []
        // The no-op of the new term (Raft paper §8): it commits everything before it and
        // makes ReadIndex possible.
        appendAsLeader([Entry(index: log.lastIndex + 1, term: term, kind: .normal, data: [])])
    }

    private mutating func resetTimers() {
        electionElapsed = 0
        heartbeatElapsed = 0
        resetRandomizedElectionTimeout()
    }

    private mutating func failPendingReads() {
        for batch in readBatches { answerReads(batch.reads, index: 0, refused: true) }
        answerReads(readsAwaitingRound, index: 0, refused: true)
        readBatches = []
        readsAwaitingRound = []
    }
}
