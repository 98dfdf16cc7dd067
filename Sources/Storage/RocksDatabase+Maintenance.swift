import CRocksDB

extension RocksDatabase {
    /// Writes the memtables of `columnFamily` (every column family when `nil`) to SST files and
    /// waits for it. Not needed for durability, which the WAL provides; used before a backup
    /// and by tests that need data in SST files.
    public func flush(_ columnFamily: ColumnFamily? = nil) throws(StorageError) {
        try withEngine("flush") { engine throws(StorageError) in
            let handles = try columnFamily.map { family throws(StorageError) in [try handle(of: family, in: engine)] }
                ?? engine.handles
            let options = rocksdb_flushoptions_create()!
            defer { rocksdb_flushoptions_destroy(options) }
            rocksdb_flushoptions_set_wait(options, 1)
            for handle in handles {
                try rocksCall { error in rocksdb_flush_cf(engine.database, options, handle, error) }
            }
        }
    }

    /// Compacts the SST files of `columnFamily` that overlap `range`, waiting for it: space
    /// held by deleted entries (a truncated log) is reclaimed.
    ///
    /// RocksDB's C API reports no error for this call; a failure during compaction becomes a
    /// background error that fails the following writes (under `paranoid_checks`), and is
    /// visible at once through the `rocksdb.background-errors` property.
    public func compactRange(in columnFamily: ColumnFamily, range: KeyRange = .all) throws(StorageError) {
        try withEngine("compactRange") { engine throws(StorageError) in
            let handle = try handle(of: columnFamily, in: engine)
            withCBytes(range.start) { start, startLength in
                if let end = range.end {
                    withCBytes(end) { end, endLength in
                        rocksdb_compact_range_cf(engine.database, handle, start, startLength, end, endLength)
                    }
                } else {
                    rocksdb_compact_range_cf(engine.database, handle, start, startLength, nil, 0)
                }
            }
        }
    }

    /// A RocksDB property as text (for example `rocksdb.stats`), or `nil` when RocksDB does not
    /// know the name. See `RocksProperty` for the names the node exports as metrics.
    /// - Parameter columnFamily: The column family asked about; `"default"` when `nil`.
    public func property(_ name: String, in columnFamily: ColumnFamily? = nil) throws(StorageError) -> String? {
        try withEngine("property") { engine throws(StorageError) in
            let handle = try handle(of: columnFamily ?? defaultColumnFamily, in: engine)
            guard let value = rocksdb_property_value_cf(engine.database, handle, name) else { return nil }
            defer { rocksdb_free(value) }
            return String(cString: value)
        }
    }

    /// A numeric RocksDB property, or `nil` when RocksDB does not know the name or it is not
    /// numeric. See `RocksProperty`.
    /// - Parameter columnFamily: The column family asked about; `"default"` when `nil`.
    public func integerProperty(_ name: String, in columnFamily: ColumnFamily? = nil) throws(StorageError) -> UInt64? {
        try withEngine("integerProperty") { engine throws(StorageError) in
            let handle = try handle(of: columnFamily ?? defaultColumnFamily, in: engine)
            var value: UInt64 = 0
            let status = rocksdb_property_int_cf(engine.database, handle, name, &value)
            return status == 0 ? value : nil
        }
    }

    /// Writes a consistent copy of the whole database, every column family, to `directory`,
    /// which must not exist yet and should be on the same file system (SST files are then
    /// hard links, so the copy is fast and small). The copy opens as an independent database.
    ///
    /// The memtables are flushed first, so the copy needs no WAL replay beyond the writes that
    /// race with the checkpoint itself.
    public func checkpoint(to directory: String) throws(StorageError) {
        try withEngine("checkpoint") { engine throws(StorageError) in
            let checkpoint = try rocksCall { error in rocksdb_checkpoint_object_create(engine.database, error) }
            guard let checkpoint else { preconditionFailure("RocksDB created no checkpoint and reported no error") }
            defer { rocksdb_checkpoint_object_destroy(checkpoint) }
            // 0: flush the memtables whatever the WAL size.
            try rocksCall { error in rocksdb_checkpoint_create(checkpoint, directory, 0, error) }
        }
    }
}

/// Names of RocksDB properties the node exports as metrics, for `RocksDatabase.property` and
/// `RocksDatabase.integerProperty`. Each is per column family.
public enum RocksProperty {
    /// Estimated number of keys (memtables and SST files, minus estimated deletions).
    public static let estimatedKeyCount = "rocksdb.estimate-num-keys"
    /// Total size in bytes of every SST file, including obsolete ones not yet deleted.
    public static let totalSSTFilesSizeBytes = "rocksdb.total-sst-files-size"
    /// Size in bytes of the SST files of the current version.
    public static let liveSSTFilesSizeBytes = "rocksdb.live-sst-files-size"
    /// Bytes held by all memtables.
    public static let memtablesSizeBytes = "rocksdb.cur-size-all-mem-tables"
    /// Background errors (failed flushes or compactions) since open; non-zero means writes
    /// are stopped.
    public static let backgroundErrorCount = "rocksdb.background-errors"
    /// Estimated bytes compaction still has to rewrite; a growing value means writes outpace
    /// compaction and stalls will follow.
    public static let pendingCompactionBytes = "rocksdb.estimate-pending-compaction-bytes"
    /// Human-readable statistics, for diagnostics.
    public static let stats = "rocksdb.stats"
}
