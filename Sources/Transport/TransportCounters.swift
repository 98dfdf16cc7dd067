/// Counters of one peer, for metrics. Totals since start, except the `queued` gauges.
public struct PeerCounters: Sendable, Equatable {
    /// Frames written to the peer's connection and flushed (not yet known to be received).
    public var framesSent: UInt64 = 0
    /// Payload bytes of ``framesSent``, without length prefixes or TLS overhead.
    public var bytesSent: UInt64 = 0
    /// Batches written, each with a single flush; `framesSent / flushes` is the batching factor.
    public var flushes: UInt64 = 0
    /// Frames received from the peer and handed to the inbound queue.
    public var framesReceived: UInt64 = 0
    /// Payload bytes of ``framesReceived``.
    public var bytesReceived: UInt64 = 0
    /// Frames refused because the peer's outbound queue was full.
    public var droppedQueueFull: UInt64 = 0
    /// Frames refused because no authenticated connection to the peer existed.
    public var droppedNotConnected: UInt64 = 0
    /// Frames queued, or being written, when the connection closed.
    public var droppedConnectionLost: UInt64 = 0
    /// Frames refused because they were larger than ``FrameFormat/frameSizeBytesMax``.
    public var droppedFrameTooLarge: UInt64 = 0
    /// Outbound connections that completed their handshake.
    public var connectionsEstablished: UInt64 = 0
    /// Dials after the first one (each follows a failed dial or a lost connection).
    public var reconnectAttempts: UInt64 = 0
    /// Frames waiting in the outbound queue now.
    public var queuedFrames: UInt64 = 0
    /// Payload bytes waiting in the outbound queue now.
    public var queuedBytes: UInt64 = 0

    /// All counters at zero.
    public init() {}
}

/// Counters of the whole transport, for metrics.
public struct TransportCounters: Sendable, Equatable {
    /// Per peer, for every configured peer and every node a frame was received from.
    public var peers: [UInt64: PeerCounters] = [:]
    /// Frames refused because the node id was not in the peer list.
    public var droppedUnknownPeer: UInt64 = 0
    /// Connections refused during their handshake, by reason.
    public var handshakeFailures: [HandshakeFailure: UInt64] = [:]
    /// Connections closed because the peer announced a frame beyond the cap.
    public var oversizeFramesReceived: UInt64 = 0
    /// Times a connection stopped reading because the inbound queue could not take all its frames.
    public var inboundQueueFullWaits: UInt64 = 0
    /// Frames waiting in the inbound queue now.
    public var inboundQueuedFrames: UInt64 = 0
    /// Payload bytes waiting in the inbound queue now.
    public var inboundQueuedBytes: UInt64 = 0

    /// All counters at zero.
    public init() {}

    /// Handshake failures of every reason together.
    public var handshakeFailuresTotal: UInt64 {
        handshakeFailures.values.reduce(0, +)
    }
}
