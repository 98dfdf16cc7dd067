import NIOCore

/// A connection whose handshake is under way: the channel, and the future that yields the
/// peer's node id once ``ConnectionAuthenticator`` has accepted it.
struct PendingConnection: Sendable {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let authenticated: EventLoopFuture<UInt64>

    /// Frames buffered between a connection's event loop and its reader task, low and high mark.
    ///
    /// Why so few: the inbound queue is the real buffer, bounded in bytes; this one counts frames
    /// whatever their size, so 4 frames of up to 16 MiB bound what a connection holds here, and a
    /// single socket read still delivers any number of small frames at once.
    static let channelConfiguration = NIOAsyncChannel<ByteBuffer, ByteBuffer>.Configuration(
        backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4)
    )
}
