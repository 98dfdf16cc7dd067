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
