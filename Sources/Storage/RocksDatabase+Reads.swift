import CRocksDB

extension RocksDatabase {
    /// The value of `key` in `columnFamily`: `nil` when the key is absent, `[]` when an empty
    /// value is stored.
    ///
    /// - Parameter snapshot: Read as of this snapshot instead of the latest state.
    /// - Throws: `StorageError.corruption` when the block holding the key fails its checksum.
    public func get(_ key: [UInt8], in columnFamily: ColumnFamily, snapshot: ReadSnapshot? = nil)
        throws(StorageError) -> [UInt8]?
    {
        try withEngine("get") { engine throws(StorageError) in
            guard let slice = try pinnedGet(key, columnFamily, snapshot, engine) else { return nil }
            defer { rocksdb_pinnableslice_destroy(slice) }
            var length = 0
            let pointer = rocksdb_pinnableslice_value(slice, &length)
            return copyBytes(pointer, length)
        }
    }

    /// Lends the value of `key` to `body` without copying it out of RocksDB (it may point into
    /// the block cache or the memtable): `nil` when the key is absent, an empty buffer for an
    /// empty value. The buffer is valid only inside `body`; while `body` runs the value is
    /// pinned and the database refuses to close.
    public func withValue<Result>(
        forKey key: [UInt8], in columnFamily: ColumnFamily, snapshot: ReadSnapshot? = nil,
        _ body: (UnsafeRawBufferPointer?) throws -> Result
    ) throws -> Result {
        let slice = try withEngine("withValue") { engine throws(StorageError) in
            let slice = try pinnedGet(key, columnFamily, snapshot, engine)
            if slice != nil { ledger.acquire(.pinnedValue) }
            return slice
        }
        guard let slice else { return try body(nil) }
        defer {
            rocksdb_pinnableslice_destroy(slice)
            ledger.release(.pinnedValue)
        }
        var length = 0
        let pointer = rocksdb_pinnableslice_value(slice, &length)
        return try body(rawBuffer(pointer, length))
    }

    /// An iterator over `range` of `columnFamily`, positioned nowhere until its first seek.
    ///
    /// The range bounds are enforced by RocksDB, which then skips everything outside them,
    /// tombstones included, instead of walking past them.
    public func makeIterator(in columnFamily: ColumnFamily, range: KeyRange = .all, snapshot: ReadSnapshot? = nil)
        throws(StorageError) -> RocksIterator
    {
        try withEngine("makeIterator") { engine throws(StorageError) in
            let handle = try handle(of: columnFamily, in: engine)
            if let snapshot, snapshot.database !== self { throw .foreignHandle("snapshot") }
            return RocksIterator(database: self, engine: engine, handle: handle, range: range, snapshot: snapshot)
        }
    }

    /// The first `limit` entries of `range` in `columnFamily`, in ascending key order.
    ///
    /// - Parameter limit: The most entries returned; must be at least 1. Every scan is bounded.
    public func scan(in columnFamily: ColumnFamily, range: KeyRange, limit: Int, snapshot: ReadSnapshot? = nil)
        throws(StorageError) -> [KeyValue]
    {
        guard limit > 0 else { throw .invalidInput(field: "limit", reason: "must be at least 1, got \(limit)") }
        let iterator = try makeIterator(in: columnFamily, range: range, snapshot: snapshot)
        var entries: [KeyValue] = []
        var valid = try iterator.seek(to: range.start)
        while valid {
            entries.append(iterator.entry)
            guard entries.count < limit else { break }
            valid = try iterator.next()
        }
        return entries
    }

    /// The first `limit` entries whose key begins with `prefix`, in ascending key order.
    public func scan(in columnFamily: ColumnFamily, prefix: [UInt8], limit: Int, snapshot: ReadSnapshot? = nil)
        throws(StorageError) -> [KeyValue]
    {
        try scan(in: columnFamily, range: KeyRange(prefix: prefix), limit: limit, snapshot: snapshot)
    }

    /// The entry with the greatest key in `range`, or `nil` when the range holds none.
    ///
    /// With `KeyRange(from: lowest, to: bound)` this is the last key below `bound` — how the
    /// node finds the last index of a shard group's log.
    public func last(in columnFamily: ColumnFamily, range: KeyRange, snapshot: ReadSnapshot? = nil)
        throws(StorageError) -> KeyValue?
    {
        let iterator = try makeIterator(in: columnFamily, range: range, snapshot: snapshot)
        return try iterator.seekToLast() ? iterator.entry : nil
    }

    /// A consistent read view of the database as of now. See `ReadSnapshot`.
    public func snapshot() throws(StorageError) -> ReadSnapshot {
        try withEngine("snapshot") { engine throws(StorageError) in
            let pointer = rocksdb_create_snapshot(engine.database)!
            ledger.acquire(.snapshot)
            return ReadSnapshot(database: self, engineDatabase: engine.database, snapshot: pointer)
        }
    }

    /// Looks `key` up and returns RocksDB's pinned slice, or `nil` when absent. The caller
    /// holds the read lock and destroys the slice.
    private func pinnedGet(_ key: [UInt8], _ columnFamily: ColumnFamily, _ snapshot: ReadSnapshot?, _ engine: Engine)
        throws(StorageError) -> OpaquePointer?
    {
        let handle = try handle(of: columnFamily, in: engine)
        let readOptions = try readOptions(for: snapshot, in: engine)
        return try rocksCall { error in
            withCBytes(key) { key, keyLength in
                rocksdb_get_pinned_cf(engine.database, readOptions, handle, key, keyLength, error)
            }
        }
    }
}
