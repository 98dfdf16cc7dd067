/// Settings of one member of one group. Times are in ticks; the host decides how long a tick is.
public struct RaftConfig: Sendable {
    /// This member's id (never 0).
    public var id: NodeID
    /// Ticks without hearing from a leader before a follower campaigns. The actual timeout is
    /// drawn uniformly from `[electionTicks, 2 * electionTicks)` (Raft paper §5.2).
    public var electionTicks: Int
    /// Ticks between leader heartbeats; must be well below `electionTicks`.
    public var heartbeatTicks: Int
    /// Run a pre-vote round before a real election (Raft dissertation §9.6), so a member that
    /// was cut off cannot force the group into a new term when it comes back.
    public var preVote: Bool
    /// A leader that has not heard from a quorum for an election timeout steps down
    /// (dissertation §6.2), and followers ignore vote requests while they trust a leader.
    public var checkQuorum: Bool
    /// Entries per append message. 512 keeps one message of 1.5 KB acts under about 1 MB.
    public var entriesPerMessageMax: Int
    /// Bytes of entries per append message (at least one entry is always sent).
    public var messageBytesMax: Int
    /// Appends in flight to one follower before the leader waits for acknowledgements.
    public var inflightMessagesMax: Int
    /// Bytes of appends in flight to one follower.
    public var inflightBytesMax: Int
    /// Bytes of proposed but uncommitted entries a leader accepts before refusing proposals
    /// (back-pressure instead of unbounded memory growth when followers are slow).
    public var uncommittedBytesMax: Int
    /// Bytes of committed entries handed out for applying in one `Ready`.
    public var applyBytesMaxPerReady: Int
    /// Ticks a follower may stay in snapshot state without the snapshot being acknowledged
    /// before the leader gives up on it and probes again (a lost header or acknowledgement
    /// costs at most this long).
    public var snapshotTimeoutTicks: Int
    /// Seed of the generator that randomises election timeouts. The only randomness in Raft.
    public var randomSeed: UInt64
    /// Deliberate defects, for proving that the simulator's checkers catch a broken core.
    /// Never set outside tests; the node refuses to start with any of them on.
    public var faults = RaftFaults()

    public init(
        id: NodeID,
        electionTicks: Int = 10,
        heartbeatTicks: Int = 1,
        preVote: Bool = true,
        checkQuorum: Bool = true,
        entriesPerMessageMax: Int = 512,
        messageBytesMax: Int = 1 << 20,
        inflightMessagesMax: Int = 256,
        inflightBytesMax: Int = 32 << 20,
        uncommittedBytesMax: Int = 64 << 20,
        applyBytesMaxPerReady: Int = 16 << 20,
        snapshotTimeoutTicks: Int = 200,
        randomSeed: UInt64
    ) {
        self.id = id
        self.electionTicks = electionTicks
        self.heartbeatTicks = heartbeatTicks
        self.preVote = preVote
        self.checkQuorum = checkQuorum
        self.entriesPerMessageMax = entriesPerMessageMax
        self.messageBytesMax = messageBytesMax
        self.inflightMessagesMax = inflightMessagesMax
        self.inflightBytesMax = inflightBytesMax
        self.uncommittedBytesMax = uncommittedBytesMax
        self.applyBytesMaxPerReady = applyBytesMaxPerReady
        self.snapshotTimeoutTicks = snapshotTimeoutTicks
        self.randomSeed = randomSeed
    }

    /// Checks the settings; returns the first problem.
    public func validationError() -> String? {
        if id == 0 { return "id 0 is reserved" }
        if heartbeatTicks < 1 { return "heartbeatTicks must be at least 1" }
        if electionTicks <= heartbeatTicks { return "electionTicks must exceed heartbeatTicks" }
        if entriesPerMessageMax < 1 || messageBytesMax < 1 { return "message limits must be positive" }
        if inflightMessagesMax < 1 || inflightBytesMax < 1 { return "inflight limits must be positive" }
        if uncommittedBytesMax < 1 || applyBytesMaxPerReady < 1 { return "byte limits must be positive" }
        if snapshotTimeoutTicks < 1 { return "snapshotTimeoutTicks must be positive" }
        return nil
    }
}

/// Deliberate defects that can be switched on to show that the checkers catch them.
public struct RaftFaults: Sendable, Equatable {
    /// Commit an older term's entry as soon as a majority holds it: the Figure 8 bug of the
    /// Raft paper (§5.4.2).
    public var commitsOldTermEntriesByCounting = false
    /// Grant votes without checking that the candidate's log is at least as up to date
    /// (Raft paper §5.4.1): a leader may then lack committed entries.
    public var grantsVotesIgnoringLogs = false

    public init(commitsOldTermEntriesByCounting: Bool = false, grantsVotesIgnoringLogs: Bool = false) {
        self.commitsOldTermEntriesByCounting = commitsOldTermEntriesByCounting
        self.grantsVotesIgnoringLogs = grantsVotesIgnoringLogs
    }

    /// True when any defect is switched on.
    public var any: Bool { commitsOldTermEntriesByCounting || grantsVotesIgnoringLogs }
}

/// A small, fast, seeded generator (SplitMix64). Raft draws election timeouts from it so that a
/// seed reproduces a run exactly.
public struct SplitMix64: Sendable, RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
