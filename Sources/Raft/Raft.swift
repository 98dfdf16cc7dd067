/// One member of one Raft group, as a pure value.
///
/// It performs no I/O, reads no clock and draws randomness only from the seeded generator in
/// its configuration. The host drives it with three inputs and one output:
///
/// - `tick()` advances logical time by one tick (`timeOutWithin(ticks:)` brings the election
///   timeout forward);
/// - `step(_:)` delivers a message from another member;
/// - `propose(_:)`, `proposeConfigChange(_:)`, `readIndex(_:)` and `transferLeadership(to:)`
///   are requests from the host's clients;
/// - `ready()` hands back everything the inputs produced, as one `Ready` value whose
///   documentation states the order in which the host must persist, send and apply it;
///   `advance(_:)` tells Raft that the host did so.
///
/// Configuration changes take effect when their entry is applied (in `advance`). A leader
/// counts its own copy of an entry only once `advance` reports it durable.
public struct Raft: Sendable {
    public let config: RaftConfig
    public var id: NodeID { config.id }

    public internal(set) var term: UInt64 = 0
    public internal(set) var vote: NodeID = 0
    public internal(set) var role: Role = .follower
    /// The leader of `term` as far as this member knows, or 0.
    public internal(set) var leader: NodeID = 0
    /// The configuration as of the applied index.
    public internal(set) var membership: Membership

    var log: RaftLog
    var rng: SplitMix64
    var electionElapsed = 0
    var heartbeatElapsed = 0
    var randomizedElectionTimeout = 0
    var votes: [NodeID: Bool] = [:]

    // Leader state.
    var progress: [NodeID: Progress] = [:]
    var leadTransferee: NodeID = 0
    var pendingConfigIndex: UInt64 = 0
    var uncommittedBytes = 0
    var appendBroadcastNeeded = false
    var readRound: UInt64 = 0
    var readsAwaitingRound: [PendingRead] = []
    var readBatches: [ReadBatch] = []

    // Follower state.
    var readsToForward: [ReadRequestID] = []
    /// The last entry (index, term) of a log this member lost part of (a damaged tail dropped at
    /// restart). Until its own log is at least as up to date, it votes only for candidates at
    /// least as up to date as that lost log, and does not campaign: exactly as if it still held
    /// the entries, so it cannot help elect a leader missing one it had acknowledged.
    var voteFloor: (index: UInt64, term: UInt64)?

    // Output accumulated until `ready()`.
    var outBeforePersist: [Message] = []
    var outAfterPersist: [Message] = []
    var outReadStates: [ReadState] = []
    var outFailedReads: [ReadRequestID] = []
    var snapshotToInstall: SnapshotMeta?
    var persistedHardState: HardState

    // The `Ready` handed out and not yet advanced.
    var readyInFlight: ReadyMark?

    struct ReadyMark: Sendable {
        var lastIndex: UInt64
        var appliedThrough: UInt64
        var hardState: HardState
    }

    struct PendingRead: Sendable {
        var id: ReadRequestID
        /// The member that asked: this member, or a follower that forwarded it.
        var from: NodeID
    }

    struct ReadBatch: Sendable {
        var round: UInt64
        var index: UInt64
        var reads: [PendingRead]
    }

    /// The durable state a member restarts from.
    public struct PersistentState: Sendable {
        public var hardState: HardState
        /// The snapshot point: the log starts after `snapshotIndex`.
        public var snapshotIndex: UInt64
        public var snapshotTerm: UInt64
        /// The entries after the snapshot point, contiguous.
        public var entries: [Entry]
        /// The index the state machine has applied, durably.
        public var appliedIndex: UInt64
        /// The configuration as of `appliedIndex`.
        public var membership: Membership

        public init(hardState: HardState, snapshotIndex: UInt64, snapshotTerm: UInt64, entries: [Entry], appliedIndex: UInt64, membership: Membership) {
            self.hardState = hardState
            self.snapshotIndex = snapshotIndex
            self.snapshotTerm = snapshotTerm
            self.entries = entries
            self.appliedIndex = appliedIndex
            self.membership = membership
        }

        /// A member that has never been part of any group: it waits for a leader to send it a
        /// snapshot or the log.
        public static let empty = PersistentState(
            hardState: HardState(), snapshotIndex: 0, snapshotTerm: 0, entries: [], appliedIndex: 0, membership: Membership())
    }

    /// Restarts a member from its durable state.
    public init(config: RaftConfig, state: PersistentState) {
        if let problem = config.validationError() { preconditionFailure("invalid Raft config: \(problem)") }
        if let problem = state.membership.invariantViolation() { preconditionFailure("invalid membership: \(problem)") }
        self.config = config
        self.rng = SplitMix64(seed: config.randomSeed)
        self.membership = state.membership
        self.term = state.hardState.term
        self.vote = state.hardState.vote
        let lastIndex = state.snapshotIndex + UInt64(state.entries.count)
        // A commit index beyond the durable log can only come from a torn write; the leader
        // will tell us the commit index again.
        let commit = min(max(state.hardState.commit, state.appliedIndex), lastIndex)
        self.log = RaftLog(
            snapshotIndex: state.snapshotIndex, snapshotTerm: state.snapshotTerm, entries: state.entries,
            committed: commit, applied: state.appliedIndex)
        self.persistedHardState = state.hardState
        resetRandomizedElectionTimeout()
    }

    /// Creates the first member state of a brand-new group. Every initial member must be created
    /// with the same `membership`: they all start with the same first entry (index 1, term 1)
    /// holding it, already committed.
    public init(config: RaftConfig, bootstrap initial: Membership) {
        precondition(initial.invariantViolation() == nil && !initial.voters.isEmpty, "invalid bootstrap membership")
        self.init(config: config, state: .empty)
        let entry = Entry(index: 1, term: 1, kind: .configChange, data: ConfigChange.bootstrap(initial).encoded())
        log.appendContiguous([entry])
        log.persisted = 0
        log.commit(to: 1)
        term = 1
        membership = initial
    }

    // MARK: - Observation

    public var commitIndex: UInt64 { log.committed }
    public var appliedIndex: UInt64 { log.applied }
    public var lastIndex: UInt64 { log.lastIndex }
    public var lastTerm: UInt64 { log.lastTerm }
    /// The first index still held in the log; everything before it is in the snapshot.
    public var firstIndex: UInt64 { log.firstIndex }
    public var snapshotIndex: UInt64 { log.snapshotIndex }
    public var persistedIndex: UInt64 { log.persisted }
    /// Bytes of entries held in memory, for the host's compaction policy.
    public var logSizeBytes: Int { log.entriesSizeBytes }
    public var hardState: HardState { HardState(term: term, vote: vote, commit: log.committed) }
    /// The term of the entry at `index`, or nil when it is compacted or absent.
    public func term(at index: UInt64) -> UInt64? { log.term(at: index) }
    /// The entries in `[from, through]` held in memory.
    public func entries(from: UInt64, through: UInt64) -> [Entry] {
        log.slice(from: max(from, log.firstIndex), through: min(through, log.lastIndex), countMax: Int.max, bytesMax: Int.max)
    }
    /// On the leader: how far `member`'s log is known to match. Nil elsewhere or for non-members.
    public func matchIndex(of member: NodeID) -> UInt64? {
        guard role == .leader else { return nil }
        if member == id { return log.persisted }
        return progress[member]?.match
    }
    /// The lost log's last entry while this member is catching up after dropping a damaged tail.
    public var lostLogFloor: (index: UInt64, term: UInt64)? { voteFloor }
    /// The transfer target while a leadership transfer is in progress.
    public var leadershipTransferTarget: NodeID? { leadTransferee == 0 ? nil : leadTransferee }

    /// What a snapshot of the applied state is: the host streams its state machine image at
    /// the applied index under this header.
    public var appliedSnapshotMeta: SnapshotMeta {
        SnapshotMeta(index: log.applied, term: log.term(at: log.applied)!, membership: membership)
    }

    // MARK: - Inputs

    /// Advances logical time by one tick.
    public mutating func tick() {
        precondition(readyInFlight == nil, "tick between ready() and advance()")
        electionElapsed += 1
        if role == .leader {
            tickLeader()
        } else if electionElapsed >= randomizedElectionTimeout {
            electionElapsed = 0
            if isPromotable { campaign(preVote: config.preVote, transfer: false) }
        }
    }

    /// Makes a member that is not leading time out within `ticks` ticks instead of its full
    /// randomized election timeout (sooner still if that timeout ends first). For a group that
    /// starts without a leader at a point every member knows (a split), on the member best
    /// placed to lead it: an earlier timeout is always allowed, so safety is untouched, and
    /// with pre-vote a round that comes too early disturbs nobody.
    public mutating func timeOutWithin(ticks: Int) {
        precondition(ticks >= 1, "at least one tick")
        guard role != .leader else { return }
        electionElapsed = max(electionElapsed, randomizedElectionTimeout - ticks)
    }

    /// Why a proposal was refused. Nothing was appended.
    public enum ProposeError: Error, Sendable, Equatable {
        case notLeader(leaderHint: NodeID)
        case transferInProgress(to: NodeID)
        /// Too many bytes proposed and not yet committed: followers are slow or unreachable.
        case overloaded(uncommittedBytes: Int)
        case entryTooLarge(bytes: Int, limit: Int)
        case configChangePending(index: UInt64)
        case invalidConfigChange(ConfigChangeError)
    }

    /// Appends application data as new entries; returns the index of the first one. The entries
    /// commit in order; the host learns the outcome when it applies those indexes with this term.
    public mutating func propose(_ payloads: [[UInt8]]) -> Result<UInt64, ProposeError> {
        precondition(readyInFlight == nil, "propose between ready() and advance()")
        precondition(!payloads.isEmpty, "empty proposal")
        if let refusal = proposalRefusal() { return .failure(refusal) }
        var bytes = 0
        for payload in payloads {
            let size = payload.count + Entry.headerSizeBytes
            if payload.count > WireLimits.entryDataBytesMax {
                return .failure(.entryTooLarge(bytes: payload.count, limit: WireLimits.entryDataBytesMax))
            }
            bytes += size
        }
        if uncommittedBytes > 0 && uncommittedBytes + bytes > config.uncommittedBytesMax {
            return .failure(.overloaded(uncommittedBytes: uncommittedBytes))
        }
        let first = log.lastIndex + 1
        let entries = payloads.enumerated().map { offset, payload in
            Entry(index: first + UInt64(offset), term: term, kind: .normal, data: payload)
        }
        appendAsLeader(entries)
        return .success(first)
    }

    /// Proposes a configuration change; returns its index. Only one membership change may be in
    /// flight; a centre-rule change is always accepted so that `center` durability can be
    /// switched off while the centre is unreachable and another change waits for it.
    public mutating func proposeConfigChange(_ change: ConfigChange) -> Result<UInt64, ProposeError> {
        precondition(readyInFlight == nil, "propose between ready() and advance()")
        if let refusal = proposalRefusal() { return .failure(refusal) }
        if case .bootstrap = change { return .failure(.invalidConfigChange(.invalidBootstrap("bootstrap is not proposed"))) }
        let isCenterRule: Bool
        if case .centerRule = change { isCenterRule = true } else { isCenterRule = false }
        if !isCenterRule && pendingConfigIndex > log.applied {
            return .failure(.configChangePending(index: pendingConfigIndex))
        }
        if case .failure(let error) = membership.applying(change) {
            return .failure(.invalidConfigChange(error))
        }
        let index = log.lastIndex + 1
        appendAsLeader([Entry(index: index, term: term, kind: .configChange, data: change.encoded())])
        pendingConfigIndex = index
        return .success(index)
    }

    /// Asks for a linearizable read. The answer comes in a later `Ready`: a `ReadState` once
    /// leadership is confirmed by a quorum (the host serves the read when it has applied its
    /// index), or the id in `failedReads`. A read a follower forwarded can get neither if a
    /// message is lost or the leader changes meanwhile: the host times such reads out.
    public mutating func readIndex(_ id: ReadRequestID) {
        precondition(readyInFlight == nil, "readIndex between ready() and advance()")
        switch role {
        case .leader:
            readsAwaitingRound.append(PendingRead(id: id, from: self.id))
        default:
            if leader == 0 {
                outFailedReads.append(id)
            } else {
                readsToForward.append(id)
            }
        }
    }

    /// Why a leadership transfer was refused.
    public enum TransferError: Error, Sendable, Equatable {
        case notLeader(leaderHint: NodeID)
        case notVoter(NodeID)
    }

    /// Hands leadership to `target` (Raft dissertation §3.10): proposals are refused while the
    /// target catches up, then it is told to campaign at once. Gives up after an election timeout.
    public mutating func transferLeadership(to target: NodeID) -> Result<Void, TransferError> {
        precondition(readyInFlight == nil, "transferLeadership between ready() and advance()")
        guard role == .leader else { return .failure(.notLeader(leaderHint: leader)) }
        guard membership.isVoter(target) else { return .failure(.notVoter(target)) }
        if target == id || target == leadTransferee { return .success(()) }
        leadTransferee = target
        electionElapsed = 0
        if progress[target]?.match == log.lastIndex {
            send(to: target, .timeoutNow, beforePersist: false)
        } else {
            _ = sendAppend(to: target, evenIfEmpty: true)
        }
        return .success(())
    }

    /// Tells the leader that streaming a snapshot to `member` ended without the member
    /// installing it, so it goes back to probing.
    public mutating func reportSnapshotFailure(_ member: NodeID) {
        precondition(readyInFlight == nil, "report between ready() and advance()")
        guard role == .leader, var pr = progress[member], case .snapshot = pr.state else { return }
        pr.becomeProbe()
        // It does not hold the snapshot: probe from what it is known to hold (which leads back
        // to a snapshot), not from after the snapshot as a timeout assumes.
        pr.next = pr.match + 1
        progress[member] = pr
    }

    /// Tells the leader a member is unreachable: stop streaming optimistically to it.
    public mutating func reportUnreachable(_ member: NodeID) {
        precondition(readyInFlight == nil, "report between ready() and advance()")
        guard role == .leader, var pr = progress[member], pr.state == .replicate else { return }
        pr.becomeProbe()
        progress[member] = pr
    }

    /// Records that this member lost log entries it may have acknowledged (a damaged tail was
    /// dropped at restart); `lastIndex`/`lastTerm` describe the last entry of the log as it was.
    /// Until its log is at least as up to date again, it grants votes only to candidates at
    /// least as up to date as the lost log (the Raft paper §5.4.1 comparison, against what it
    /// had acknowledged), itself included: it may campaign, but its own vote counts only under
    /// that rule. Any majority that elects it then contains a member whose log proves the
    /// candidate lacks nothing committed, as in the paper's §5.4.3 argument.
    public mutating func setLostLogFloor(lastIndex: UInt64, lastTerm: UInt64) {
        voteFloor = (lastIndex, lastTerm)
        if role != .follower { becomeFollower(term: term, leader: 0) }
        clearVoteFloorIfCaughtUp()
    }

    mutating func clearVoteFloorIfCaughtUp() {
        if voteFloor != nil && voteFloorAllows(lastIndex: log.lastIndex, lastTerm: log.lastTerm) { voteFloor = nil }
    }

    /// Whether a log ending at (`lastIndex`, `lastTerm`) is at least as up to date as the lost
    /// log's floor (always true without one).
    func voteFloorAllows(lastIndex: UInt64, lastTerm: UInt64) -> Bool {
        guard let floor = voteFloor else { return true }
        return lastTerm > floor.term || (lastTerm == floor.term && lastIndex >= floor.index)
    }

    /// Drops entries up to and including `index` (already applied and covered by the host's
    /// state-machine image).
    public mutating func compact(through index: UInt64) {
        precondition(readyInFlight == nil, "compact between ready() and advance()")
        log.compact(through: index)
    }

    // MARK: - Output

    /// True when `ready()` would return something to do.
    public var hasReady: Bool {
        if readyInFlight != nil { return false }
        return !outBeforePersist.isEmpty || !outAfterPersist.isEmpty || snapshotToInstall != nil
            || log.persisted < log.lastIndex || hardState != persistedHardState
            || log.committed > log.applied || !outReadStates.isEmpty || !outFailedReads.isEmpty
            || appendBroadcastNeeded || !readsToForward.isEmpty
            || (!readsAwaitingRound.isEmpty && canStartReadRound)
    }

    /// Collects everything to persist, send and apply. See `Ready` for the order.
    public mutating func ready() -> Ready {
        precondition(readyInFlight == nil, "ready() called twice without advance()")
        flushLeaderWork()
        flushFollowerReads()
        var ready = Ready()
        ready.messagesBeforePersist = outBeforePersist
        ready.messages = outAfterPersist
        ready.snapshot = snapshotToInstall
        ready.entries = log.unpersisted
        let state = hardState
        if state != persistedHardState { ready.hardState = state }
        ready.committedEntries = log.committedUnapplied(bytesMax: config.applyBytesMaxPerReady)
        ready.readStates = outReadStates
        ready.failedReads = outFailedReads
        outBeforePersist = []
        outAfterPersist = []
        outReadStates = []
        outFailedReads = []
        snapshotToInstall = nil
        if !ready.isEmpty {
            readyInFlight = ReadyMark(
                lastIndex: log.lastIndex, appliedThrough: ready.committedEntries.last?.index ?? log.applied, hardState: state)
        }
        return ready
    }

    /// Reports that the host persisted, sent and applied `ready` as its contract says.
    public mutating func advance(_ ready: Ready) {
        guard let mark = readyInFlight else {
            precondition(ready.isEmpty, "advance() without a matching ready()")
            return
        }
        readyInFlight = nil
        precondition(log.lastIndex == mark.lastIndex, "the log changed between ready() and advance()")
        log.persisted = mark.lastIndex
        persistedHardState = mark.hardState
        clearVoteFloorIfCaughtUp()
        for entry in ready.committedEntries {
            precondition(entry.index == log.applied + 1, "entries applied out of order")
            log.applied = entry.index
            if entry.kind == .configChange { applyConfigEntry(entry) }
        }
        precondition(log.applied == mark.appliedThrough, "applied \(log.applied) but handed out \(mark.appliedThrough)")
        if role == .leader {
            maybeCommit()
            maybeLeaveJoint()
        }
    }
}
