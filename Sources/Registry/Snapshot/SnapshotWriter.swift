/// Writes a shard's whole state as a stream of chunks, reading one page at a time, so that
/// memory stays bounded by the chunk size, not by the state size.
///
/// The reader must be a consistent view (the node passes a RocksDB snapshot) for the whole
/// stream.
public struct SnapshotWriter {
    private let reader: any KeyValueReader
    private let chunkBytesLimit: Int
    private var cursor: [UInt8] = StateKeys.start
    private var sequence: UInt64 = 0
    private var digest = StreamDigest()
    private var finished = false

    /// Pairs read from the store per scan.
    static let scanPageSize = 64

    /// Starts a stream over `reader`; each chunk's encoding stays within `chunkBytesLimit`, except
    /// that a chunk always carries at least one pair, so a single pair larger than the limit
    /// travels alone (still bounded by ``SnapshotLimits/chunkBytesMin``).
    public init(reader: any KeyValueReader, chunkBytesLimit: Int) {
        precondition(chunkBytesLimit > SnapshotChunk.overheadBytes, "chunk limit below the chunk overhead")
        self.reader = reader
        self.chunkBytesLimit = chunkBytesLimit
    }

    /// The next chunk's bytes, or nil after the final chunk.
    public mutating func nextChunk() throws -> [UInt8]? {
        guard !finished else { return nil }
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        var size = SnapshotChunk.overheadBytes
        var exhausted = false
        fill: while true {
            let page = try reader.scan(from: cursor, to: StateKeys.end, limit: Self.scanPageSize)
            for pair in page {
                guard pair.key.count <= SnapshotLimits.keyBytesMax, pair.value.count <= SnapshotLimits.valueBytesMax else {
                    throw SnapshotError.pairTooLarge(keyBytes: pair.key.count, valueBytes: pair.value.count)
                }
                let pairSize = pair.key.count + pair.value.count + SnapshotChunk.pairOverheadBytes
                if size + pairSize > chunkBytesLimit && !pairs.isEmpty { break fill }
                pairs.append(pair)
                size += pairSize
                digest.add(key: pair.key, value: pair.value)
                cursor = pair.key + [0]
            }
            if page.count < Self.scanPageSize {
                exhausted = true
                break
            }
        }
        let chunk = SnapshotChunk(sequence: sequence, pairs: pairs, streamDigest: exhausted ? digest.finalize() : nil)
        sequence += 1
        finished = exhausted
        return chunk.encode()
    }
}
