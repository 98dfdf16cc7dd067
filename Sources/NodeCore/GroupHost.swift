import Raft
import Registry

/// Where the answer to a request goes: a client of this node, or a node that forwarded it.
enum ReplyTarget: Sendable, Equatable {
    case local(ClientTicket)
    case remote(node: NodeID, forwardID: UInt64)
}

/// One replica of one group on this node: its Raft member, its state machine and the requests
/// waiting on it.
final class GroupHost {
    let descriptor: GroupDescriptor
    var raft: Raft
    let machine: any StateMachine
    /// The live generation of the state key space.
    var generation: UInt32
    /// Set when the group stopped: its state or log cannot be trusted. It is then neither
    /// stepped nor ticked, and every request to it fails with the reason.
    var haltReason: String?
    /// Highest log index written to disk, to know when new entries overwrite a suffix.
    var persistedLastIndex: UInt64
    /// Term and vote last written, to know whether a hard-state write needs an fsync.
    var persistedTermVote: (term: UInt64, vote: NodeID)
    /// Log records to delete in the next turn (after a corrupted tail was dropped at load).
    var pendingLogCleanup: (from: UInt64, through: UInt64)?

    /// Commands received this turn, proposed together as one entry at the start of the turn.
    var queuedCommands: [(command: [UInt8], reply: ReplyTarget, deadline: UInt64)] = []
    var queuedBytes = 0
    /// Proposals in the log awaiting their outcome, by index.
    var proposals: [UInt64: Proposal] = [:]
    /// Reads waiting for leadership confirmation, by read id.
    var readsAwaitingIndex: [ReadRequestID: PendingQuery] = [:]
    /// Reads confirmed at an index, waiting for this replica to apply it.
    var readsAwaitingApply: [(index: UInt64, query: PendingQuery)] = []

    /// An image being received from the leader.
    var inboundSnapshot: InboundSnapshot?
    /// Images being streamed to followers.
    var outboundSnapshots: [NodeID: OutboundSnapshot] = [:]
    /// Followers whose snapshot stream failed; reported to Raft after the turn.
    var failedSnapshotTargets: [NodeID] = []

    /// The leader's commit index as recently heard (time received, commit index), strictly
    /// increasing in commit index, at most `NodeCore.commitNoticesMax` of them: what bounds the
    /// staleness of this replica's applied state (`NodeCore+Staleness.swift`).
    var commitNotices: [(receivedMs: UInt64, commit: UInt64)] = []

    /// Role and term seen at the end of the previous turn (for events).
    var lastRole: Role = .follower
    var lastTerm: UInt64 = 0

    struct Proposal {
        var term: UInt64
        var replies: [ReplyTarget?]
        var deadline: UInt64
        var isConfigChange: Bool
    }

    struct PendingQuery {
        /// The query, or the command whose precheck refusal awaits confirmation.
        var query: [UInt8]
        var reply: ReplyTarget
        var deadline: UInt64
        /// True when `query` is a write command that the precheck refused: once the read
        /// index is applied it is prechecked again, and refused or proposed.
        var isRefusedCommand = false
    }

    init(descriptor: GroupDescriptor, raft: Raft, machine: any StateMachine, generation: UInt32, persistedLastIndex: UInt64, persistedTermVote: (UInt64, NodeID)) {
        self.descriptor = descriptor
        self.raft = raft
        self.machine = machine
        self.generation = generation
        self.persistedLastIndex = persistedLastIndex
        self.persistedTermVote = persistedTermVote
        self.lastTerm = raft.term
    }

    var id: GroupID { descriptor.id }

    var pendingRequestCount: Int {
        queuedCommands.count + proposals.values.reduce(0) { $0 + $1.replies.count } + readsAwaitingIndex.count + readsAwaitingApply.count
    }
}

/// An image being received: its pairs go straight to disk under the next generation.
struct InboundSnapshot {
    var stream: UInt64
    var from: NodeID
    var meta: SnapshotMeta
    var generation: UInt32
    var nextSequence: UInt32
    var restorer = SnapshotRestorer()
    /// Set once the last chunk arrived and was stepped into Raft.
    var awaitingInstall = false
    /// The index this replica had applied when the last chunk was stepped into Raft.
    var appliedBefore: UInt64 = 0
    var idleTicks = 0
}

/// A state a snapshot gave a group, replacing what it had applied: the entries after
/// `appliedBefore`, through `index`, were never applied on this replica; their effects came as
/// state.
public struct InstalledSnapshot: Sendable, Equatable {
    public var appliedBefore: UInt64
    public var index: UInt64

    public init(appliedBefore: UInt64, index: UInt64) {
        self.appliedBefore = appliedBefore
        self.index = index
    }

    /// Whether the entry at `logIndex` came in this snapshot rather than applied.
    public func brought(logIndex: UInt64) -> Bool { logIndex > appliedBefore && logIndex <= index }
}

/// An image being sent: the state machine's snapshot stream over a consistent view of the store.
final class OutboundSnapshot {
    let stream: UInt64
    let meta: SnapshotMeta
    /// The leader's term when the stream started; the follower steps the header in that term.
    let term: UInt64
    let view: any DiskView
    var writer: SnapshotWriter
    var nextSequence: UInt32 = 0
    var ackedThrough: Int64 = -1
    var sentLast = false
    var idleTicks = 0

    init(stream: UInt64, meta: SnapshotMeta, term: UInt64, view: any DiskView, writer: SnapshotWriter) {
        self.stream = stream
        self.meta = meta
        self.term = term
        self.view = view
        self.writer = writer
    }

    var inFlight: Int { Int(Int64(nextSequence) - 1 - ackedThrough) }
}
