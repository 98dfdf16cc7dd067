/// Puts and deletes across column families, applied by `RocksDatabase.write(_:sync:)` all
/// together or not at all.
///
/// RocksDB writes a batch as one WAL record carrying its own checksum, so after a crash either
/// every operation of the batch is recovered or none is. The node builds one batch per loop
/// turn for all its shard groups (group commit) and writes it with `sync: true`.
///
/// A `WriteBatch` is a plain value with no engine resources: it can be built on any thread,
/// copied and discarded freely. Operations apply in the order they were added, so a later put
/// of a key wins over an earlier one. Every operation is checked against `StorageLimits` when
/// it is added; a refused operation leaves the batch unchanged.
public struct WriteBatch: Sendable {
    /// One queued operation.
    enum Operation: Sendable {
        case put(ColumnFamily, key: [UInt8], value: [UInt8])
        case delete(ColumnFamily, key: [UInt8])
        case deleteRange(ColumnFamily, start: [UInt8], end: [UInt8])
    }

    /// The operations in the order they will be applied.
    private(set) var operations: [Operation] = []

    /// Bytes of keys and values queued, the measure `StorageLimits.batchSizeBytesMax` limits.
    public private(set) var byteCount = 0

    /// Number of operations queued (a range delete counts as one).
    public var count: Int { operations.count }

    /// Whether no operation is queued.
    public var isEmpty: Bool { operations.isEmpty }

    /// An empty batch.
    public init() {}

    /// Queues `key` ← `value` in `columnFamily`; an empty value is stored as empty, distinct
    /// from an absent key.
    public mutating func put(key: [UInt8], value: [UInt8], in columnFamily: ColumnFamily) throws(StorageError) {
        try checkKey(key, field: "key")
        guard value.count <= StorageLimits.valueSizeBytesMax else {
            throw .limitExceeded(field: "value", sizeBytes: value.count, limitBytes: StorageLimits.valueSizeBytesMax)
        }
        try reserve(key.count + value.count)
        operations.append(.put(columnFamily, key: key, value: value))
    }

    /// Queues the deletion of `key` in `columnFamily`; deleting an absent key is not an error.
    public mutating func delete(key: [UInt8], in columnFamily: ColumnFamily) throws(StorageError) {
        try checkKey(key, field: "key")
        try reserve(key.count)
        operations.append(.delete(columnFamily, key: key))
    }

    /// Queues the deletion of every key in `[start, end)` in `columnFamily`: RocksDB records one
    /// range tombstone instead of one per key, which is how the node truncates a Raft log.
    /// An empty range (`start == end`) queues nothing; `end` before `start` is refused.
    public mutating func deleteRange(from start: [UInt8], to end: [UInt8], in columnFamily: ColumnFamily)
        throws(StorageError)
    {
        try checkKey(start, field: "start")
        try checkKey(end, field: "end")
        guard !end.lexicographicallyPrecedes(start) else {
            throw .invalidInput(field: "end", reason: "the end of a range delete sorts before its start")
        }
        guard start != end else { return }
        try reserve(start.count + end.count)
        operations.append(.deleteRange(columnFamily, start: start, end: end))
    }

    /// Removes every queued operation, keeping the storage for the next loop turn by default.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        operations.removeAll(keepingCapacity: keepingCapacity)
        byteCount = 0
    }

    private func checkKey(_ key: [UInt8], field: String) throws(StorageError) {
        guard key.count <= StorageLimits.keySizeBytesMax else {
            throw .limitExceeded(field: field, sizeBytes: key.count, limitBytes: StorageLimits.keySizeBytesMax)
        }
    }

    private mutating func reserve(_ bytes: Int) throws(StorageError) {
        let total = byteCount + bytes
        guard total <= StorageLimits.batchSizeBytesMax else {
            throw .limitExceeded(field: "batch", sizeBytes: total, limitBytes: StorageLimits.batchSizeBytesMax)
        }
        byteCount = total
    }
}
