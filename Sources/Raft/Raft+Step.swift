extension Raft {
    /// Delivers a message from another member of the group.
    public mutating func step(_ message: Message) {
        precondition(readyInFlight == nil, "step between ready() and advance()")
        precondition(message.to == id, "message for \(message.to) delivered to \(id)")
        guard message.from != id, message.from != 0 else { return }
        guard stepTerm(message) else { return }
        switch message.body {
        case .vote(let request):
            handleVoteRequest(message, request)
        default:
            switch role {
            case .leader: stepLeader(message)
            case .candidate, .preCandidate: stepCandidate(message)
            case .follower: stepFollower(message)
            }
        }
    }

    /// Reconciles terms (Raft paper §5.1). Returns false when the message must be dropped.
    private mutating func stepTerm(_ message: Message) -> Bool {
        if message.term > term {
            if case .vote(let request) = message.body {
                // Leader stickiness (dissertation §4.2.3): while we hear from a leader, a vote
                // request is from a member that was cut off and would only disrupt the group.
                let inLease = config.checkQuorum && leader != 0 && electionElapsed < config.electionTicks
                if inLease && !request.transfer { return false }
                if request.preVote { return true }
            }
            if case .voteResponse(let response) = message.body, response.preVote, response.granted {
                // A granted pre-vote carries the term the candidate is about to use.
                return true
            }
            switch message.body {
            case .append, .heartbeat, .snapshot:
                becomeFollower(term: message.term, leader: message.from)
            default:
                becomeFollower(term: message.term, leader: 0)
            }
            return true
        }
        if message.term < term {
            switch message.body {
            case .append, .heartbeat:
                // A leader of an older term (perhaps just back from a partition): answer so it
                // learns our term and steps down. Without this, pre-vote plus check-quorum could
                // leave it stuck (etcd issue 5451 describes the case).
                send(to: message.from, .heartbeatResponse(.init(readRound: 0)), beforePersist: false)
            case .vote(let request) where request.preVote:
                send(to: message.from, .voteResponse(.init(preVote: true, granted: false)), beforePersist: false)
            case .readIndex(let request):
                send(to: message.from, .readIndexResponse(.init(ids: request.ids, index: 0, refused: true)), beforePersist: false)
            default:
                break
            }
            return false
        }
        return true
    }

    private mutating func handleVoteRequest(_ message: Message, _ request: Message.VoteRequest) {
        let canVote = vote == message.from
            || (vote == 0 && leader == 0)
            || (request.preVote && message.term > term)
        let grant = canVote
            && !isAbstainingFromVotes
            && log.isUpToDate(lastIndex: request.lastIndex, lastTerm: request.lastTerm)
        if grant {
            // A granted pre-vote answers in the candidate's future term; a real vote in ours
            // (which stepTerm already raised to the candidate's).
            var response = Message(from: id, to: message.from, term: message.term,
                                   body: .voteResponse(.init(preVote: request.preVote, granted: true)))
            if !request.preVote {
                electionElapsed = 0
                vote = message.from
                response.term = term
            }
            outAfterPersist.append(response)
        } else {
            send(to: message.from, .voteResponse(.init(preVote: request.preVote, granted: false)), beforePersist: false)
        }
    }

    private mutating func stepFollower(_ message: Message) {
        switch message.body {
        case .append(let append):
            electionElapsed = 0
            leader = message.from
            handleAppend(message, append)
        case .heartbeat(let heartbeat):
            electionElapsed = 0
            leader = message.from
            log.commit(to: min(heartbeat.commit, log.lastIndex))
            send(to: message.from, .heartbeatResponse(.init(readRound: heartbeat.readRound)), beforePersist: false)
            if heartbeat.commit > log.lastIndex {
                // The leader sends at most what it believes we hold, so we lost entries we had
                // acknowledged (a damaged tail dropped at restart). Say where our log ends, as a
                // rejected append would, or an idle leader never sends them again.
                send(to: message.from, .appendResponse(.init(
                    index: heartbeat.commit, reject: true, hintIndex: log.lastIndex, hintTerm: log.lastTerm)), beforePersist: false)
            }
        case .snapshot(let meta):
            electionElapsed = 0
            leader = message.from
            handleSnapshot(message, meta)
        case .timeoutNow:
            if isPromotable { campaign(preVote: false, transfer: true) }
        case .readIndexResponse(let response):
            if response.refused {
                outFailedReads.append(contentsOf: response.ids)
            } else {
                outReadStates.append(contentsOf: response.ids.map { ReadState(id: $0, index: response.index) })
            }
        case .readIndex(let request):
            // The sender believes we lead; we do not.
            send(to: message.from, .readIndexResponse(.init(ids: request.ids, index: 0, refused: true)), beforePersist: false)
        case .appendResponse, .voteResponse, .heartbeatResponse, .vote:
            break
        }
    }

    private mutating func stepCandidate(_ message: Message) {
        switch message.body {
        case .append, .heartbeat, .snapshot:
            // A leader won this term (Raft paper §5.2).
            becomeFollower(term: message.term, leader: message.from)
            stepFollower(message)
        case .voteResponse(let response):
            guard response.preVote == (role == .preCandidate) else { return }
            votes[message.from] = response.granted
            tallyVotes()
        case .readIndex(let request):
            send(to: message.from, .readIndexResponse(.init(ids: request.ids, index: 0, refused: true)), beforePersist: false)
        case .readIndexResponse(let response):
            outFailedReads.append(contentsOf: response.ids)
        case .appendResponse, .heartbeatResponse, .timeoutNow, .vote:
            break
        }
    }

    mutating func tallyVotes() {
        switch membership.voteResult(votes) {
        case .won:
            if role == .preCandidate {
                campaign(preVote: false, transfer: false)
            } else {
                becomeLeader()
            }
        case .lost:
            becomeFollower(term: term, leader: 0)
        case .pending:
            break
        }
    }

    private mutating func handleAppend(_ message: Message, _ append: Message.Append) {
        if append.prevIndex < log.committed {
            // Everything up to our commit index already matches the leader's log.
            send(to: message.from, .appendResponse(.init(index: log.committed)), beforePersist: false)
            return
        }
        if let lastNew = log.maybeAppend(prevIndex: append.prevIndex, prevTerm: append.prevTerm, commit: append.commit, entries: append.entries) {
            send(to: message.from, .appendResponse(.init(index: lastNew)), beforePersist: false)
            return
        }
        let hintIndex = log.findConflictByTerm(index: min(append.prevIndex, log.lastIndex), term: append.prevTerm)
        send(to: message.from, .appendResponse(.init(
            index: append.prevIndex, reject: true, hintIndex: hintIndex, hintTerm: log.term(at: hintIndex)!)), beforePersist: false)
    }

    private mutating func handleSnapshot(_ message: Message, _ meta: SnapshotMeta) {
        if meta.index <= log.committed {
            send(to: message.from, .appendResponse(.init(index: log.committed)), beforePersist: false)
            return
        }
        if log.matchTerm(meta.index, meta.term) {
            // We already hold the entry the snapshot ends with: fast-forward instead of
            // replacing state that is already correct.
            log.commit(to: meta.index)
            send(to: message.from, .appendResponse(.init(index: meta.index)), beforePersist: false)
            return
        }
        log.restore(index: meta.index, term: meta.term)
        membership = meta.membership
        snapshotToInstall = meta
        send(to: message.from, .appendResponse(.init(index: meta.index)), beforePersist: false)
    }

    /// Queues a message. `beforePersist` marks the leader traffic that may leave before this
    /// turn's writes are durable; everything else waits for them.
    mutating func send(to member: NodeID, _ body: Message.Body, beforePersist: Bool) {
        let message = Message(from: id, to: member, term: term, body: body)
        if beforePersist {
            outBeforePersist.append(message)
        } else {
            outAfterPersist.append(message)
        }
    }
}
