/// A message between members of one group. The host adds the group id when it sends it.
public struct Message: Sendable, Equatable {
    public var from: NodeID
    public var to: NodeID
    /// The sender's term (for a granted pre-vote response, the term the candidate will use).
    public var term: UInt64
    public var body: Body

    public init(from: NodeID, to: NodeID, term: UInt64, body: Body) {
        self.from = from
        self.to = to
        self.term = term
        self.body = body
    }

    /// What the message says.
    public enum Body: Sendable, Equatable {
        case append(Append)
        case appendResponse(AppendResponse)
        case vote(VoteRequest)
        case voteResponse(VoteResponse)
        case heartbeat(Heartbeat)
        case heartbeatResponse(HeartbeatResponse)
        /// Leader to follower: install the state-machine image described. The host streams the
        /// image itself and steps this message into the follower's Raft once the image is staged.
        case snapshot(SnapshotMeta)
        /// Leader to transfer target: start an election now (Raft dissertation §3.10).
        case timeoutNow
        /// Follower to leader: confirm leadership for these reads.
        case readIndex(ReadIndexRequest)
        /// Leader to follower: the reads may be served once `index` is applied.
        case readIndexResponse(ReadIndexResponse)
    }

    /// AppendEntries (Raft paper, Figure 2).
    public struct Append: Sendable, Equatable {
        public var prevIndex: UInt64
        public var prevTerm: UInt64
        public var entries: [Entry]
        public var commit: UInt64
        public init(prevIndex: UInt64, prevTerm: UInt64, entries: [Entry], commit: UInt64) {
            self.prevIndex = prevIndex
            self.prevTerm = prevTerm
            self.entries = entries
            self.commit = commit
        }
    }

    /// The answer to `Append` (and to `snapshot`).
    public struct AppendResponse: Sendable, Equatable {
        /// On success, the follower's log matches the leader's up to this index.
        /// On rejection, the `prevIndex` that was rejected.
        public var index: UInt64
        public var reject: Bool
        /// On rejection: the largest index at which the follower's log may still match, and the
        /// term of the follower's entry there (fast back-off, Raft paper §5.3 last paragraphs).
        public var hintIndex: UInt64
        public var hintTerm: UInt64
        public init(index: UInt64, reject: Bool = false, hintIndex: UInt64 = 0, hintTerm: UInt64 = 0) {
            self.index = index
            self.reject = reject
            self.hintIndex = hintIndex
            self.hintTerm = hintTerm
        }
    }

    /// RequestVote, or a pre-vote (Raft dissertation §9.6).
    public struct VoteRequest: Sendable, Equatable {
        public var preVote: Bool
        public var lastIndex: UInt64
        public var lastTerm: UInt64
        /// Set by a leadership transfer: the request overrides leader stickiness.
        public var transfer: Bool
        public init(preVote: Bool, lastIndex: UInt64, lastTerm: UInt64, transfer: Bool = false) {
            self.preVote = preVote
            self.lastIndex = lastIndex
            self.lastTerm = lastTerm
            self.transfer = transfer
        }
    }

    /// The answer to a `VoteRequest`.
    public struct VoteResponse: Sendable, Equatable {
        public var preVote: Bool
        public var granted: Bool
        public init(preVote: Bool, granted: Bool) {
            self.preVote = preVote
            self.granted = granted
        }
    }

    /// Leader heartbeat; `readRound` confirms leadership for pending ReadIndex requests.
    public struct Heartbeat: Sendable, Equatable {
        public var commit: UInt64
        public var readRound: UInt64
        public init(commit: UInt64, readRound: UInt64) {
            self.commit = commit
            self.readRound = readRound
        }
    }

    /// The answer to a `Heartbeat`. `lastIndex` lets a leader notice a follower whose log
    /// shrank (it dropped a damaged tail at restart) even when there is nothing new to send.
    public struct HeartbeatResponse: Sendable, Equatable {
        public var readRound: UInt64
        public var lastIndex: UInt64
        public init(readRound: UInt64, lastIndex: UInt64) {
            self.readRound = readRound
            self.lastIndex = lastIndex
        }
    }

    /// Reads a follower asks its leader to confirm.
    public struct ReadIndexRequest: Sendable, Equatable {
        public var ids: [ReadRequestID]
        public init(ids: [ReadRequestID]) { self.ids = ids }
    }

    /// The leader's answer: the reads may be served at `index`, or were refused.
    public struct ReadIndexResponse: Sendable, Equatable {
        public var ids: [ReadRequestID]
        public var index: UInt64
        public var refused: Bool
        public init(ids: [ReadRequestID], index: UInt64, refused: Bool) {
            self.ids = ids
            self.index = index
            self.refused = refused
        }
    }
}

extension Message.Body {
    /// A short name for logs and traces.
    public var name: String {
        switch self {
        case .append: "append"
        case .appendResponse: "appendResponse"
        case .vote(let v): v.preVote ? "preVote" : "vote"
        case .voteResponse(let v): v.preVote ? "preVoteResponse" : "voteResponse"
        case .heartbeat: "heartbeat"
        case .heartbeatResponse: "heartbeatResponse"
        case .snapshot: "snapshot"
        case .timeoutNow: "timeoutNow"
        case .readIndex: "readIndex"
        case .readIndexResponse: "readIndexResponse"
        }
    }
}
