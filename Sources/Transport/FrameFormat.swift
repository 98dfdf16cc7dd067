import NIOCore

/// The wire format between two nodes: each frame is a 4-byte big-endian payload length followed
/// by the payload. The transport never looks inside a payload.
public enum FrameFormat {
    /// Bytes of the length prefix in front of every payload.
    public static let lengthPrefixBytes = 4

    /// The largest payload one frame may carry, 16 MiB.
    ///
    /// Why 16 MiB: the node core packs the Raft messages of many shard groups into one frame and
    /// bounds its own appends and snapshot chunks well below this, so a legitimate frame never
    /// comes near it. A receiver must hold a whole frame before delivering it, so the cap is also
    /// the most memory one connection can make its receiver allocate: a corrupted or hostile
    /// length beyond it closes the connection instead of allocating gigabytes.
    public static let frameSizeBytesMax = 16 * 1024 * 1024

    /// Frames up to this size are copied into one shared buffer per batch; larger ones are
    /// written as their own buffer behind their prefix, 64 KiB.
    ///
    /// Why: copying a small Raft message costs less than the extra TLS record and gather entry it
    /// would otherwise need, while copying a multi-megabyte frame buys nothing.
    static let coalescedFrameSizeBytesMax = 64 * 1024

    /// Lays out a batch of frames as the buffers to write: small frames and all prefixes share
    /// buffers, large payloads are passed through without a copy.
    static func encode(_ frames: [ByteBuffer], allocator: ByteBufferAllocator) -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        var current = allocator.buffer(capacity: pendingCapacity(frames))
        for frame in frames {
            precondition(frame.readableBytes <= frameSizeBytesMax, "send() admits only frames within the cap")
            current.writeInteger(UInt32(frame.readableBytes), endianness: .big)
            if frame.readableBytes <= coalescedFrameSizeBytesMax {
                current.writeImmutableBuffer(frame)
            } else {
                buffers.append(current)
                buffers.append(frame)
                current = allocator.buffer(capacity: lengthPrefixBytes * 16)
            }
        }
        if current.readableBytes > 0 {
            buffers.append(current)
        }
        return buffers
    }

    /// The bytes of the shared buffer: every prefix, plus the payloads small enough to be copied.
    private static func pendingCapacity(_ frames: [ByteBuffer]) -> Int {
        frames.reduce(0) { total, frame in
            let copied = frame.readableBytes <= coalescedFrameSizeBytesMax ? frame.readableBytes : 0
            return total + lengthPrefixBytes + copied
        }
    }
}
