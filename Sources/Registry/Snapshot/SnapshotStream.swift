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

    /// Starts a stream over `reader`; each chunk's encoding stays within `chunkBytesLimit`
    /// (at least ``SnapshotLimits/chunkBytesMin``).
    public init(reader: any KeyValueReader, chunkBytesLimit: Int) {
        precondition(chunkBytesLimit >= SnapshotLimits.chunkBytesMin, "chunk limit below the largest pair")
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
                if size + pairSize > chunkBytesLimit { break fill }
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

/// Restores a snapshot stream chunk by chunk. Each accepted chunk yields the writes to apply;
/// a chunk out of order, a corrupted chunk, keys out of order or a wrong final digest are
/// refused. The target must be a fresh staging store: on any error the caller discards what
/// it applied so far.
public struct SnapshotRestorer {
    private var expectedSequence: UInt64 = 0
    private var lastKey: [UInt8]?
    private var digest = StreamDigest()
    /// Whether the final chunk has been accepted.
    public private(set) var isComplete = false
    /// The digest of the whole stream, once complete.
    public private(set) var streamDigest: ChainDigest?

    /// Starts a restore.
    public init() {}

    /// Checks a chunk and returns its writes.
    public mutating func accept(_ bytes: [UInt8]) throws(SnapshotError) -> WriteSet {
        guard !isComplete else { throw .streamAlreadyComplete }
        let chunk = try SnapshotChunk.decode(bytes)
        guard chunk.sequence == expectedSequence else {
            throw .outOfOrder(expected: expectedSequence, received: chunk.sequence)
        }
        var writes = WriteSet()
        var running = digest
        var previous = lastKey
        for pair in chunk.pairs {
            if let previous, !keyPrecedes(previous, pair.key) { throw .keysOutOfOrder }
            guard keyPrecedes(pair.key, StateKeys.end) else { throw .keysOutOfOrder }
            running.add(key: pair.key, value: pair.value)
            writes.put(pair.key, pair.value)
            previous = pair.key
        }
        if let expected = chunk.streamDigest {
            let actual = running.finalize()
            guard actual == expected else { throw .digestMismatch }
            isComplete = true
            streamDigest = actual
        }
        digest = running
        lastKey = previous
        expectedSequence += 1
        return writes
    }
}
