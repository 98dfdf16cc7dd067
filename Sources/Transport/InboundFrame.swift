/// One frame received from an authenticated peer.
public struct InboundFrame: Sendable, Equatable {
    /// The sender's node id, as proven by its certificate.
    public let from: UInt64
    /// The frame's payload, exactly as the sender passed it to `send`.
    public let payload: [UInt8]

    /// A received frame.
    /// - Parameters:
    ///   - from: the sender's node id.
    ///   - payload: the frame's payload.
    public init(from: UInt64, payload: [UInt8]) {
        self.from = from
        self.payload = payload
    }
}
