/// Limits of snapshot streams.
public enum SnapshotLimits {
    /// Longest key. State keys are at most 30 bytes; the node's shard prefix adds a few.
    public static let keyBytesMax = 256
    /// Largest value. The largest record, an act with every string at its limit, is under 64 KiB.
    public static let valueBytesMax = 256 * 1024
    /// Most pairs in one chunk, whatever its byte size (bounds the decoder's array).
    public static let pairsPerChunkMax = 1 << 20
    /// Smallest chunk limit a writer accepts: room for the largest pair.
    public static let chunkBytesMin = SnapshotChunk.overheadBytes + SnapshotChunk.pairOverheadBytes + keyBytesMax + valueBytesMax
}
