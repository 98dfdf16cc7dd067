/// Where a command sits in the replicated log. Stored with what the command writes, for
/// provenance only: numbering and chaining never depend on it.
public struct ApplyContext: Hashable, Sendable {
    /// The Raft log index of the entry.
    public var logIndex: UInt64
    /// The Raft term of the entry.
    public var logTerm: UInt64

    /// Creates a context.
    public init(logIndex: UInt64, logTerm: UInt64) {
        self.logIndex = logIndex
        self.logTerm = logTerm
    }
}
