@testable import Raft

/// One member as the harness hosts it: its Raft value (nil while crashed), its durable store,
/// and what the host was told about reads.
struct TestMember {
    let id: NodeID
    var config: RaftConfig
    var raft: Raft?
    var store: DurableStore
    /// The snapshot image the transport finished streaming, waiting for Raft to install it.
    var stagedImage: [Entry]?
    /// Reads Raft confirmed, with the applied index the host had when it was told.
    var readStates: [ReadState] = []
    var failedReads: [ReadRequestID] = []
    var restarts = 0

    var isUp: Bool { raft != nil }
}
