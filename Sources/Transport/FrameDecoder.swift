import NIOCore

/// Cuts the byte stream of one connection into frame payloads (see ``FrameFormat``).
///
/// Handles a frame split over many reads and many frames in one read. A length beyond the cap is
/// refused before any payload is buffered: the decoder throws ``FrameTooLargeError`` and the
/// connection is closed by ``ConnectionAuthenticator``.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let frameSizeBytesMax: Int

    init(frameSizeBytesMax: Int = FrameFormat.frameSizeBytesMax) {
        precondition(frameSizeBytesMax >= 0 && frameSizeBytesMax <= Int(UInt32.max))
        self.frameSizeBytesMax = frameSizeBytesMax
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard Int(length) <= frameSizeBytesMax else {
            throw FrameTooLargeError(lengthBytes: UInt64(length), frameSizeBytesMax: frameSizeBytesMax)
        }
        guard buffer.readableBytes >= FrameFormat.lengthPrefixBytes + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: FrameFormat.lengthPrefixBytes)
        let payload = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(payload))
        return .continue
    }

    /// At end of stream, complete frames are still delivered; a trailing partial frame is dropped
    /// with the connection, as the sender never saw it acknowledged.
    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// A frame announced a length beyond ``FrameFormat/frameSizeBytesMax``.
struct FrameTooLargeError: Error, Equatable {
    let lengthBytes: UInt64
    let frameSizeBytesMax: Int
}
