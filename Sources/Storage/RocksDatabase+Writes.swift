import CRocksDB

extension RocksDatabase {
    /// Applies every operation of `batch`, atomically: all of them or, on any error, none.
    ///
    /// - Parameter sync: `true` returns only once the batch is in the write-ahead log and the
    ///   log is fsynced: the batch then survives a crash of the process or of the machine.
    ///   This is the durability point of the node: nothing that depends on the batch may be
    ///   acknowledged before it. `false` returns once the batch is in the OS page cache: it
    ///   survives a crash of the process, not of the machine.
    ///   An empty batch writes nothing; with `sync: true` it still fsyncs the WAL, making
    ///   every earlier write durable.
    /// - Throws: `StorageError.foreignHandle` (before anything is written) when an operation
    ///   names a column family of another instance; any RocksDB failure, after which nothing of
    ///   the batch is applied.
    public func write(_ batch: WriteBatch, sync: Bool) throws(StorageError) {
        try withEngine("write") { engine throws(StorageError) in
            if batch.isEmpty {
                if sync {
                    try rocksCall { error in rocksdb_flush_wal(engine.database, 1, error) }
                }
                return
            }
            let cBatch = try makeEngineBatch(batch, engine)
            defer { rocksdb_writebatch_destroy(cBatch) }
            let options = sync ? engine.syncedWriteOptions : engine.bufferedWriteOptions
            try rocksCall { error in rocksdb_write(engine.database, options, cBatch, error) }
        }
    }

    /// Fsyncs the write-ahead log: every write that returned before this call becomes durable.
    public func syncWAL() throws(StorageError) {
        try withEngine("syncWAL") { engine throws(StorageError) in
            try rocksCall { error in rocksdb_flush_wal(engine.database, 1, error) }
        }
    }

    /// Copies `batch` into a RocksDB write batch, checking every column family first.
    private func makeEngineBatch(_ batch: WriteBatch, _ engine: Engine) throws(StorageError) -> OpaquePointer {
        var handles: [OpaquePointer] = []
        handles.reserveCapacity(batch.count)
        for operation in batch.operations {
            switch operation {
            case .put(let family, _, _), .delete(let family, _), .deleteRange(let family, _, _):
                handles.append(try handle(of: family, in: engine))
            }
        }
        let cBatch = rocksdb_writebatch_create()!
        for (operation, handle) in zip(batch.operations, handles) {
            switch operation {
            case .put(_, let key, let value):
                withCBytes(key) { key, keyLength in
                    withCBytes(value) { value, valueLength in
                        rocksdb_writebatch_put_cf(cBatch, handle, key, keyLength, value, valueLength)
                    }
                }
            case .delete(_, let key):
                withCBytes(key) { key, keyLength in
                    rocksdb_writebatch_delete_cf(cBatch, handle, key, keyLength)
                }
            case .deleteRange(_, let start, let end):
                withCBytes(start) { start, startLength in
                    withCBytes(end) { end, endLength in
                        rocksdb_writebatch_delete_range_cf(cBatch, handle, start, startLength, end, endLength)
                    }
                }
            }
        }
        // The C API drops an entry RocksDB refuses without saying so; the limits checked when
        // the batch was built make that impossible, and this proves it before anything is written.
        precondition(
            Int(rocksdb_writebatch_count(cBatch)) == batch.count,
            "RocksDB write batch holds \(rocksdb_writebatch_count(cBatch)) entries, expected \(batch.count)")
        return cBatch
    }
}
