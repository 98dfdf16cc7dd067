/// Identifies one member of a Raft group. `0` means "nobody" (no vote cast, no known leader),
/// so real members are numbered from 1.
public typealias NodeID = UInt64

/// What a log entry carries.
public enum EntryKind: UInt8, Sendable, Equatable {
    /// Application data for the state machine. An empty payload is the no-op a new leader appends.
    case normal = 0
    /// A `ConfigChange`, interpreted by Raft itself when the entry is applied.
    case configChange = 1
}

/// One entry of the replicated log (Raft paper §5.3).
public struct Entry: Sendable, Equatable {
    public var index: UInt64
    public var term: UInt64
    public var kind: EntryKind
    public var data: [UInt8]

    public init(index: UInt64, term: UInt64, kind: EntryKind = .normal, data: [UInt8] = []) {
        self.index = index
        self.term = term
        self.kind = kind
        self.data = data
    }

    /// Bytes this entry counts for against the flow-control limits: its payload plus the fixed
    /// header (index, term, kind, length) of its wire encoding.
    public var sizeBytes: Int { data.count + Entry.headerSizeBytes }

    /// Size of the fixed part of an encoded entry: index (8), term (8), kind (1), length (4).
    public static let headerSizeBytes = 21
}

/// The state a member must persist before it answers anyone (Raft paper, Figure 2).
public struct HardState: Sendable, Equatable {
    public var term: UInt64
    /// The member voted for in `term`, or 0.
    public var vote: NodeID
    /// Highest index known committed. Persisting it is not required for safety; it lets a
    /// restarted member re-apply without waiting for the leader.
    public var commit: UInt64

    public init(term: UInt64 = 0, vote: NodeID = 0, commit: UInt64 = 0) {
        self.term = term
        self.vote = vote
        self.commit = commit
    }
}

/// Describes the state-machine image a snapshot holds: everything up to and including `index`.
/// The image itself is produced and streamed by the host; Raft only reasons about this header.
public struct SnapshotMeta: Sendable, Equatable {
    public var index: UInt64
    public var term: UInt64
    /// The configuration in force at `index`.
    public var membership: Membership

    public init(index: UInt64, term: UInt64, membership: Membership) {
        self.index = index
        self.term = term
        self.membership = membership
    }
}

/// The role a member currently plays.
public enum Role: UInt8, Sendable, Equatable {
    case follower
    case preCandidate
    case candidate
    case leader
}

/// Identifies one linearizable read request, chosen by the host.
public typealias ReadRequestID = UInt64

/// A read that may be served once the local state machine has applied `index` (ReadIndex,
/// Raft dissertation §6.4).
public struct ReadState: Sendable, Equatable {
    public var id: ReadRequestID
    public var index: UInt64

    public init(id: ReadRequestID, index: UInt64) {
        self.id = id
        self.index = index
    }
}
