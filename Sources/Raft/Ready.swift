/// Everything a step of Raft asks the host to do, in the order it must be done.
///
/// The contract, for one `Ready` obtained from `Raft.ready()`:
///
/// 1. `messagesBeforePersist` may be sent at once, before or while the rest is persisted. They
///    are a leader's appends and heartbeats: the leader counts its own copy of an entry only
///    once it is durable, so replicating in parallel with its own write is safe (Raft
///    dissertation §10.2.1).
/// 2. Persist, atomically and durably (fsync), before anything below: `snapshot` (install the
///    staged image, then reset the log to its index), `entries` (replacing any persisted entry at
///    the same or a later index), and `hardState`.
/// 3. Send `messages`. They may promise what step 2 made durable (votes, acknowledgements).
/// 4. Apply `committedEntries` to the state machine in order (configuration entries are
///    applied by Raft itself in `advance`; the host applies only their index). Serve
///    `readStates` once the applied index reaches each one's index; fail `failedReads`.
/// 5. Call `Raft.advance(_:)` with this value. No `step`, `tick`, `propose` or `ready` may
///    happen between `ready()` and `advance(_:)`; Raft enforces it.
public struct Ready: Sendable {
    public var messagesBeforePersist: [Message] = []
    public var snapshot: SnapshotMeta?
    public var entries: [Entry] = []
    public var hardState: HardState?
    public var messages: [Message] = []
    public var committedEntries: [Entry] = []
    public var readStates: [ReadState] = []
    public var failedReads: [ReadRequestID] = []

    public init() {}

    /// True when the host has nothing to do.
    public var isEmpty: Bool {
        messagesBeforePersist.isEmpty && snapshot == nil && entries.isEmpty && hardState == nil
            && messages.isEmpty && committedEntries.isEmpty && readStates.isEmpty && failedReads.isEmpty
    }

    /// True when step 2 has something to write.
    public var needsPersist: Bool { snapshot != nil || !entries.isEmpty || hardState != nil }
}
