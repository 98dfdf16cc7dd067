import Raft

/// Settings of one node. Times are in ticks of the node's clock (the shell decides the tick
/// length: 100 ms in a real node).
public struct NodeCoreOptions: Sendable {
    public var nodeID: NodeID
    /// The national centre replicates and votes but should not lead a regional group while a
    /// regional replica can: it campaigns later and hands leadership back.
    public var isCenter: Bool
    public var electionTicks: Int
    /// The centre's election timeout: three times a region's, so a regional node wins first.
    public var centerElectionTicks: Int
    public var heartbeatTicks: Int
    /// A write, forward or read without an answer after this long fails with an unknown outcome.
    public var requestTimeoutTicks: Int
    /// Forwards received are remembered this long, so a copy of one delivered again within it
    /// is not handled twice. Twice the request timeout: far longer than a copy lingers in a
    /// network (the simulator delays its copies by under half a second). About 40 bytes per
    /// forward received in the window.
    public var forwardMemoryTicks: UInt64 { 2 * UInt64(requestTimeoutTicks) }
    /// Requests waiting for an answer on this node; beyond it new ones are refused (overload).
    public var pendingRequestsMax: Int
    /// Bytes of commands packed into one log entry.
    public var entryBytesMax: Int
    /// Compact a group's log once it holds this many entries...
    public var compactionEntriesThreshold: Int
    /// ...or this many bytes,
    public var compactionBytesThreshold: Int
    /// ...keeping this many applied entries for followers that lag a little (so they catch up
    /// from the log rather than by a full snapshot).
    public var compactionRetainEntries: UInt64
    /// Bytes of key/value pairs in one streamed snapshot chunk.
    public var snapshotChunkBytes: Int
    /// Unacknowledged chunks per stream: memory per stream is about window × chunk size.
    public var snapshotWindowChunks: Int
    /// A stream without progress for this long is abandoned and the leader probes again.
    public var snapshotStreamTimeoutTicks: Int
    /// Raft's flow-control limits (see `RaftConfig`): entries per append message and appends
    /// in flight per follower.
    public var entriesPerMessageMax: Int
    public var inflightMessagesMax: Int
    /// Seed for Raft's election-timeout randomness (each group derives its own from it) and for
    /// the numbering of forwarded writes. Draw a new one at every start of the node: a node
    /// restarted with the seed of its previous life could take a late reply meant for that life
    /// as the answer to a new request.
    public var randomSeed: UInt64
    /// Deliberate Raft defects, only for proving the simulator's checkers.
    public var raftFaults: RaftFaults

    /// The default of `compactionEntriesThreshold`.
    public static let compactionEntriesDefault = 20_000
    /// The default of `compactionRetainEntries`.
    public static let compactionRetainEntriesDefault: UInt64 = 2_000

    public init(
        nodeID: NodeID,
        isCenter: Bool = false,
        electionTicks: Int = 10,
        centerElectionTicks: Int = 30,
        heartbeatTicks: Int = 1,
        requestTimeoutTicks: Int = 50,
        pendingRequestsMax: Int = 20_000,
        entryBytesMax: Int = 1 << 20,
        compactionEntriesThreshold: Int = NodeCoreOptions.compactionEntriesDefault,
        compactionBytesThreshold: Int = 32 << 20,
        compactionRetainEntries: UInt64 = NodeCoreOptions.compactionRetainEntriesDefault,
        snapshotChunkBytes: Int = 256 << 10,
        snapshotWindowChunks: Int = 4,
        snapshotStreamTimeoutTicks: Int = 100,
        entriesPerMessageMax: Int = 512,
        inflightMessagesMax: Int = 256,
        randomSeed: UInt64,
        raftFaults: RaftFaults = RaftFaults()
    ) {
        self.nodeID = nodeID
        self.isCenter = isCenter
        self.electionTicks = electionTicks
        self.centerElectionTicks = centerElectionTicks
        self.heartbeatTicks = heartbeatTicks
        self.requestTimeoutTicks = requestTimeoutTicks
        self.pendingRequestsMax = pendingRequestsMax
        self.entryBytesMax = entryBytesMax
        self.compactionEntriesThreshold = compactionEntriesThreshold
        self.compactionBytesThreshold = compactionBytesThreshold
        self.compactionRetainEntries = compactionRetainEntries
        self.snapshotChunkBytes = snapshotChunkBytes
        self.snapshotWindowChunks = snapshotWindowChunks
        self.snapshotStreamTimeoutTicks = snapshotStreamTimeoutTicks
        self.entriesPerMessageMax = entriesPerMessageMax
        self.inflightMessagesMax = inflightMessagesMax
        self.randomSeed = randomSeed
        self.raftFaults = raftFaults
    }

    func raftConfig(for group: GroupID) -> RaftConfig {
        var seeds = SplitMix64(seed: randomSeed ^ (group &* 0x9E37_79B9_7F4A_7C15))
        var config = RaftConfig(
            id: nodeID,
            electionTicks: isCenter ? centerElectionTicks : electionTicks,
            heartbeatTicks: heartbeatTicks,
            entriesPerMessageMax: entriesPerMessageMax,
            inflightMessagesMax: inflightMessagesMax,
            randomSeed: seeds.next())
        config.faults = raftFaults
        return config
    }
}

/// What the node core reports as it works, for checkers (the simulator) and metrics (the node).
public enum NodeCoreEvent: Sendable {
    /// A turn made these writes durable for `group`.
    case persisted(group: GroupID, entries: [Entry], hardState: HardState?, snapshot: SnapshotMeta?)
    /// The state machine applied an entry (or a configuration entry took effect).
    case applied(group: GroupID, entry: Entry)
    /// The member's role or term changed; `log` is the leader's log when it just became leader.
    case roleChanged(group: GroupID, term: UInt64, role: Role, leader: NodeID, log: [Entry], logStart: UInt64)
    /// Stored records failed their checksum; the replica repairs them from its peers.
    case corruptionDetected(group: GroupID, index: UInt64, repairedBy: String)
    /// The group stopped applying: its state cannot be read safely.
    case groupHalted(group: GroupID, reason: String)
    /// A client's write was acknowledged.
    case acknowledged(group: GroupID, index: UInt64, term: UInt64)
    /// The operator forced `group` onto this replica's log: entries through `keptThrough`
    /// survive, a configuration entry at `index` (in the new `term`) names `voters` as the only
    /// voters. Committed entries beyond `keptThrough` that this replica never held are lost.
    case forcedReconfiguration(group: GroupID, keptThrough: UInt64, index: UInt64, term: UInt64, voters: Set<NodeID>)
    /// This replica applied the split of `group` at `index` and created `newGroup` from it, its
    /// log starting after `index` (`term`) with `membership`.
    case groupSplit(group: GroupID, newGroup: GroupID, index: UInt64, term: UInt64, membership: Membership)
}

/// Receives `NodeCoreEvent`s. Observation only: nothing it does may change a decision.
public protocol NodeCoreObserver: AnyObject {
    func nodeCore(_ node: NodeID, observed event: NodeCoreEvent)
}
