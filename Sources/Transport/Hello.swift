import NIOCore

/// The first frame on every connection, sent by each side after the TLS handshake: the node id
/// the sender claims, which must equal the node id in its certificate.
///
/// Layout of the payload (14 bytes): the magic `SIJL`, the protocol version (UInt16 big-endian),
/// the node id (UInt64 big-endian).
struct Hello: Equatable {
    static let magic: [UInt8] = Array("SIJL".utf8)
    /// Bumped when the framing or the handshake changes incompatibly.
    static let protocolVersion: UInt16 = 1
    static let payloadSizeBytes = 14

    let nodeID: UInt64

    /// The hello as a complete frame, length prefix included.
    func encodedFrame(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: FrameFormat.lengthPrefixBytes + Self.payloadSizeBytes)
        buffer.writeInteger(UInt32(Self.payloadSizeBytes), endianness: .big)
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(Self.protocolVersion, endianness: .big)
        buffer.writeInteger(nodeID, endianness: .big)
        return buffer
    }

    /// Reads a hello payload; the failure says what was wrong with it.
    static func parse(_ payload: ByteBuffer) -> Result<Hello, HandshakeFailure> {
        var payload = payload
        guard payload.readableBytes == payloadSizeBytes,
            payload.readBytes(length: magic.count) == magic,
            let version = payload.readInteger(endianness: .big, as: UInt16.self),
            let nodeID = payload.readInteger(endianness: .big, as: UInt64.self)
        else {
            return .failure(.malformedHello)
        }
        guard version == protocolVersion else {
            return .failure(.unsupportedProtocolVersion)
        }
        return .success(Hello(nodeID: nodeID))
    }
}
