/// The bounds of every queue, buffer and wait in the transport. The defaults are the named
/// constants below; tests shrink them to reach the limits quickly.
public struct TransportLimits: Sendable, Equatable {
    /// Frames one peer's outbound queue may hold, 4,096.
    ///
    /// Why: a leader's pipelined appends and heartbeats for every shard group to one peer fit in
    /// a few hundred frames per flush; thousands waiting means the peer or the link is not keeping
    /// up, and Raft recovers from drops by retransmitting, not from a longer queue.
    public static let outboundQueueFramesMaxDefault = 4_096

    /// Bytes one peer's outbound queue may hold, 32 MiB.
    ///
    /// Why: about a quarter second of a 1 Gbit/s link, enough to ride out a burst; twice the
    /// largest frame, so a maximum-size frame always fits in an empty queue.
    public static let outboundQueueBytesMaxDefault = 32 * 1024 * 1024

    /// Frames the inbound queue (all peers together) may hold before connections stop being read, 16,384.
    ///
    /// Why: the node core drains the queue in batches on every turn of its loop; this is many
    /// turns' worth. When it is full, reading pauses and TCP pushes back on the senders.
    public static let inboundQueueFramesMaxDefault = 16_384

    /// Bytes the inbound queue may hold before connections stop being read, 64 MiB.
    ///
    /// Why: four maximum-size frames, so a large frame never waits behind a full queue of small
    /// ones forever, while capping what a slow node core can make the transport hold.
    public static let inboundQueueBytesMaxDefault = 64 * 1024 * 1024

    /// Inbound connections that may be in their TLS handshake or hello at once, 64.
    ///
    /// Why: a cluster has at most a few dozen peers, each with one connection; a stranger who
    /// opens sockets without finishing a handshake must not exhaust file descriptors or CPU.
    public static let pendingHandshakesMaxDefault = 64

    /// Time allowed from TCP connect to an authenticated hello, 5 seconds.
    ///
    /// Why: a TLS 1.3 handshake between regions takes a few round trips (well under a second);
    /// a connection that is silent for longer holds a pending-handshake slot for nothing.
    public static let handshakeTimeoutMsDefault: Int64 = 5_000

    /// Milliseconds written data may stay unacknowledged, or a peer's receive window stay shut,
    /// before the kernel drops the connection (`TCP_USER_TIMEOUT`), 20 seconds.
    ///
    /// Why: far above any round trip within the country, including a congested one, and short
    /// enough that a healed link carries traffic again within seconds of the redial that follows.
    /// A peer that reads nothing for this long (a stalled process) is dropped as well, and
    /// redialled.
    public static let unacknowledgedTimeoutMsDefault: Int64 = 20_000

    /// Time allowed for the TCP connect to a peer, 3 seconds.
    ///
    /// Why: longer than any round trip within the country, short enough that a dead address is
    /// retried before a Raft election has timed out several times over.
    public static let connectTimeoutMsDefault: Int64 = 3_000

    /// First wait before redialling a peer, 50 ms; it doubles per failure up to the maximum.
    ///
    /// Why: nodes of a cluster often start within the same second; redialling sooner than this
    /// only burns CPU on refused connections.
    public static let reconnectBackoffInitialMsDefault: Int64 = 50

    /// Longest wait between two dials of a peer, 5 seconds.
    ///
    /// Why: bounds how long a healed link stays unused; the jitter around it spreads the
    /// reconnects of every regional node to the national centre after the centre restarts.
    public static let reconnectBackoffMaxMsDefault: Int64 = 5_000

    /// Most peers one node may be configured with, 1,024.
    ///
    /// Why: 12 regions of a handful of nodes plus the centre are well under a hundred; each peer
    /// may hold up to three outbound queues' worth of memory, so the peer count bounds that too.
    public static let peersMax = 1_024

    /// Events the event stream keeps for a slow reader (the newest ones), 1,024.
    ///
    /// Why: events are for logs, metrics and tests; when nobody reads them they must not grow,
    /// and counters keep the totals anyway.
    public static let eventsBufferedMax = 1_024

    /// See ``outboundQueueFramesMaxDefault``.
    public var outboundQueueFramesMax: Int
    /// See ``outboundQueueBytesMaxDefault``.
    public var outboundQueueBytesMax: Int
    /// See ``inboundQueueFramesMaxDefault``.
    public var inboundQueueFramesMax: Int
    /// See ``inboundQueueBytesMaxDefault``.
    public var inboundQueueBytesMax: Int
    /// See ``pendingHandshakesMaxDefault``.
    public var pendingHandshakesMax: Int
    /// See ``handshakeTimeoutMsDefault``.
    public var handshakeTimeoutMs: Int64
    /// See ``unacknowledgedTimeoutMsDefault``.
    public var unacknowledgedTimeoutMs: Int64
    /// See ``connectTimeoutMsDefault``.
    public var connectTimeoutMs: Int64
    /// See ``reconnectBackoffInitialMsDefault``.
    public var reconnectBackoffInitialMs: Int64
    /// See ``reconnectBackoffMaxMsDefault``.
    public var reconnectBackoffMaxMs: Int64

    /// Limits with every value at its default unless given.
    public init(
        outboundQueueFramesMax: Int = outboundQueueFramesMaxDefault,
        outboundQueueBytesMax: Int = outboundQueueBytesMaxDefault,
        inboundQueueFramesMax: Int = inboundQueueFramesMaxDefault,
        inboundQueueBytesMax: Int = inboundQueueBytesMaxDefault,
        pendingHandshakesMax: Int = pendingHandshakesMaxDefault,
        handshakeTimeoutMs: Int64 = handshakeTimeoutMsDefault,
        unacknowledgedTimeoutMs: Int64 = unacknowledgedTimeoutMsDefault,
        connectTimeoutMs: Int64 = connectTimeoutMsDefault,
        reconnectBackoffInitialMs: Int64 = reconnectBackoffInitialMsDefault,
        reconnectBackoffMaxMs: Int64 = reconnectBackoffMaxMsDefault
    ) {
        self.outboundQueueFramesMax = outboundQueueFramesMax
        self.outboundQueueBytesMax = outboundQueueBytesMax
        self.inboundQueueFramesMax = inboundQueueFramesMax
        self.inboundQueueBytesMax = inboundQueueBytesMax
        self.pendingHandshakesMax = pendingHandshakesMax
        self.handshakeTimeoutMs = handshakeTimeoutMs
        self.unacknowledgedTimeoutMs = unacknowledgedTimeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.reconnectBackoffInitialMs = reconnectBackoffInitialMs
        self.reconnectBackoffMaxMs = reconnectBackoffMaxMs
    }

    /// Refuses limits that could never work: a queue that cannot hold one maximum-size frame
    /// would stall forever, and a zero timeout would refuse every connection.
    func validate() throws(TransportError) {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws(TransportError) {
            guard condition else { throw .invalidConfiguration(field: "limits.\(field)", reason: reason) }
        }
        try require(outboundQueueFramesMax >= 1, "outboundQueueFramesMax", "must be at least 1")
        try require(
            outboundQueueBytesMax >= FrameFormat.frameSizeBytesMax,
            "outboundQueueBytesMax",
            "must hold one frame of \(FrameFormat.frameSizeBytesMax) bytes"
        )
        try require(inboundQueueFramesMax >= 1, "inboundQueueFramesMax", "must be at least 1")
        try require(
            inboundQueueBytesMax >= FrameFormat.frameSizeBytesMax,
            "inboundQueueBytesMax",
            "must hold one frame of \(FrameFormat.frameSizeBytesMax) bytes"
        )
        try require(pendingHandshakesMax >= 1, "pendingHandshakesMax", "must be at least 1")
        try require(handshakeTimeoutMs >= 1, "handshakeTimeoutMs", "must be at least 1 ms")
        try require(
            unacknowledgedTimeoutMs >= 1 && unacknowledgedTimeoutMs <= Int64(Int32.max),
            "unacknowledgedTimeoutMs",
            "must be 1 to \(Int32.max) ms"
        )
        try require(connectTimeoutMs >= 1, "connectTimeoutMs", "must be at least 1 ms")
        try require(reconnectBackoffInitialMs >= 1, "reconnectBackoffInitialMs", "must be at least 1 ms")
        try require(
            reconnectBackoffMaxMs >= reconnectBackoffInitialMs,
            "reconnectBackoffMaxMs",
            "must be at least reconnectBackoffInitialMs"
        )
    }
}
