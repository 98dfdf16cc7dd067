/// Something that happened to a connection, for logs, metrics and tests that wait on a state.
public enum TransportEvent: Sendable, Equatable {
    /// A connection finished its handshake in both directions and now carries frames.
    case connected(peer: UInt64, direction: ConnectionDirection)
    /// A connection that had been connected closed.
    case disconnected(peer: UInt64, direction: ConnectionDirection)
    /// A connection was refused during its handshake. `peer` is the node dialled (outbound) or the
    /// node id in the peer's certificate when it got that far (inbound).
    case handshakeFailed(peer: UInt64?, direction: ConnectionDirection, reason: HandshakeFailure, detail: String)
    /// A peer announced a frame longer than ``FrameFormat/frameSizeBytesMax``; the connection was closed.
    case frameTooLarge(peer: UInt64?, direction: ConnectionDirection, lengthBytes: UInt64)
}
