import CRocksDB
import Foundation

/// An open RocksDB database with named column families.
///
/// ## Durability
/// `write(_:sync: true)` returns only after the batch is in the write-ahead log and the log is
/// fsynced: that is the point after which the node may acknowledge anything that depends on
/// the batch. A batch is atomic, across column families, also across a crash.
///
/// ## Thread safety
/// RocksDB's database handle supports concurrent reads and writes from many threads. This
/// wrapper keeps that and adds a guarantee RocksDB lacks: closing is safe at any time. Every
/// call into an open database holds a shared (read) lock; `close()` takes it exclusively, so a
/// close waits for calls in flight, and every later call throws `StorageError.closed` instead
/// of touching a freed handle. A close is refused (`StorageError.inUse`) while an iterator, a
/// snapshot or a pinned value is alive, because RocksDB frees those only before the database.
/// `RocksIterator` itself is not `Sendable` (use one from one thread at a time);
/// `ReadSnapshot`, `ColumnFamily` and `WriteBatch` are.
///
/// ## Errors
/// Every RocksDB status is mapped to a `StorageError` with RocksDB's message; damage RocksDB
/// detects (block checksums, verified on every read; WAL and MANIFEST checks at open;
/// background errors under `paranoid_checks`) is always `StorageError.corruption`.
public final class RocksDatabase: @unchecked Sendable {
    // Sendable: `path`, `columnFamilyNames`, `id` and `familiesByName` are immutable; `ledger`
    // and `lock` are thread-safe objects. The one mutable property, `engine`, is read only
    // while `lock` is held shared and replaced only while it is held exclusively (in `close`)
    // or when no other reference exists (`init`, `deinit`). The C objects in `engine` are used
    // concurrently only in ways RocksDB documents as thread-safe: the DB handle and column
    // family handles for reads, writes, snapshots, flushes, compactions, properties and
    // checkpoints; the shared read and write options objects are only ever read by RocksDB.

    /// The directory of the database.
    public let path: String

    /// Every column family open in this database, in the order RocksDB lists them: `"default"`
    /// first, then the existing ones, then those created by this open.
    public let columnFamilyNames: [String]

    /// Identity of this instance, stamped on every `ColumnFamily` it hands out.
    let id: UUID
    /// Counts iterators, snapshots and pinned values, which must be gone before a close.
    let ledger = ResourceLedger()
    private let familiesByName: [String: ColumnFamily]
    private let lock = ReadWriteLock()
    private var engine: Engine?

    /// The C objects of an open database, all released together by `close()`.
    struct Engine {
        let database: OpaquePointer
        /// Column family handles, indexed by `ColumnFamily.slot`.
        let handles: [OpaquePointer]
        /// Verifies block checksums; used by every read without a snapshot.
        let readOptions: OpaquePointer
        /// `sync = true`: fsync the WAL before the write returns.
        let syncedWriteOptions: OpaquePointer
        /// `sync = false`: the write is in the OS page cache when the call returns.
        let bufferedWriteOptions: OpaquePointer
    }

    /// Opens the database at `path`, creating it if `options.createIfMissing`, and opens every
    /// column family it has plus those in `columnFamilies`, which are created when missing.
    ///
    /// RocksDB requires every existing column family to be opened, so opening with a subset of
    /// the names is fine: the others are opened too and listed in `columnFamilyNames`.
    ///
    /// - Parameters:
    ///   - path: The database directory; its parent must exist.
    ///   - columnFamilies: Names the caller needs; `"default"` always exists.
    ///   - options: Tuning; see `RocksOptions`.
    /// - Throws: `StorageError.invalidInput` for a bad name or option, `.io` when the path
    ///   cannot be used (a file, no permission, locked by another open), `.corruption` when the
    ///   database fails its consistency checks at open.
    public init(path: String, columnFamilies: [String], options: RocksOptions = RocksOptions()) throws(StorageError) {
        try options.validate()
        try Self.validateNames(columnFamilies)
        let engineOptions = options.makeEngineOptions()
        defer { rocksdb_options_destroy(engineOptions) }

        let existing = try Self.listColumnFamilies(at: path, options: engineOptions)
        var names = ["default"]
        for name in existing + columnFamilies where !names.contains(name) {
            names.append(name)
        }
        guard names.count <= StorageLimits.columnFamilyCountMax else {
            throw .invalidInput(
                field: "columnFamilies",
                reason: "\(names.count) column families, at most \(StorageLimits.columnFamilyCountMax)")
        }

        let (database, handles) = try Self.open(path: path, names: names, options: engineOptions)
        let syncedWriteOptions = rocksdb_writeoptions_create()!
        rocksdb_writeoptions_set_sync(syncedWriteOptions, 1)
        let bufferedWriteOptions = rocksdb_writeoptions_create()!
        rocksdb_writeoptions_set_sync(bufferedWriteOptions, 0)
        engine = Engine(
            database: database, handles: handles, readOptions: makeReadOptions(snapshot: nil),
            syncedWriteOptions: syncedWriteOptions, bufferedWriteOptions: bufferedWriteOptions)

        let id = UUID()
        var families: [String: ColumnFamily] = [:]
        for (slot, name) in names.enumerated() {
            families[name] = ColumnFamily(name: name, slot: slot, databaseID: id)
        }
        self.id = id
        self.path = path
        columnFamilyNames = names
        familiesByName = families
    }

    deinit {
        // No iterator or snapshot can be alive: each holds a strong reference to this object.
        if let engine {
            Self.release(engine)
        }
    }

    /// The column family named `name`.
    /// - Throws: `StorageError.unknownColumnFamily` when it is not open in this database.
    public func columnFamily(_ name: String) throws(StorageError) -> ColumnFamily {
        guard let family = familiesByName[name] else { throw .unknownColumnFamily(name) }
        return family
    }

    /// The `"default"` column family, which every RocksDB database has.
    public var defaultColumnFamily: ColumnFamily {
        familiesByName["default"]!
    }

    /// Whether `close()` has completed.
    public var isClosed: Bool {
        lock.withReadLock { engine == nil }
    }

    /// Closes the database: waits for calls in flight, then releases every RocksDB resource.
    /// Every later call throws `StorageError.closed`.
    ///
    /// Data written with `sync: false` is handed to the OS page cache by each write, so a
    /// clean close loses nothing; only a machine crash can lose unsynced writes.
    /// - Throws: `StorageError.closed` when already closed; `StorageError.inUse` while
    ///   iterators, snapshots or pinned values are alive (the database then stays open).
    public func close() throws(StorageError) {
        try lock.withWriteLock { () throws(StorageError) in
            guard let engine else { throw .closed(operation: "close") }
            let counts = ledger.counts
            guard counts.iterators == 0, counts.snapshots == 0, counts.pinnedValues == 0 else {
                throw .inUse(
                    iterators: counts.iterators, snapshots: counts.snapshots, pinnedValues: counts.pinnedValues)
            }
            Self.release(engine)
            self.engine = nil
        }
    }

    /// Runs `body` with the open engine, holding the lock shared.
    /// - Throws: `StorageError.closed` naming `operation` when the database is closed.
    func withEngine<Result>(_ operation: String, _ body: (Engine) throws(StorageError) -> Result)
        throws(StorageError) -> Result
    {
        try lock.withReadLock { () throws(StorageError) -> Result in
            guard let engine else { throw .closed(operation: operation) }
            return try body(engine)
        }
    }

    /// The C handle of `family`, after checking that it belongs to this instance.
    func handle(of family: ColumnFamily, in engine: Engine) throws(StorageError) -> OpaquePointer {
        guard family.databaseID == id else { throw .foreignHandle("column family '\(family.name)'") }
        return engine.handles[family.slot]
    }

    /// The read options for a read through `snapshot`, or the shared ones without.
    func readOptions(for snapshot: ReadSnapshot?, in engine: Engine) throws(StorageError) -> OpaquePointer {
        guard let snapshot else { return engine.readOptions }
        guard snapshot.database === self else { throw .foreignHandle("snapshot") }
        return snapshot.readOptions
    }

    private static func release(_ engine: Engine) {
        // Column family handles must go before the database they belong to.
        for handle in engine.handles {
            rocksdb_column_family_handle_destroy(handle)
        }
        rocksdb_close(engine.database)
        rocksdb_readoptions_destroy(engine.readOptions)
        rocksdb_writeoptions_destroy(engine.syncedWriteOptions)
        rocksdb_writeoptions_destroy(engine.bufferedWriteOptions)
    }

    private static func validateNames(_ names: [String]) throws(StorageError) {
        var seen: Set<String> = []
        for name in names {
            guard !name.isEmpty else {
                throw .invalidInput(field: "columnFamilies", reason: "a column family name is empty")
            }
            guard name.utf8.count <= StorageLimits.columnFamilyNameBytesMax else {
                throw .limitExceeded(
                    field: "column family name", sizeBytes: name.utf8.count,
                    limitBytes: StorageLimits.columnFamilyNameBytesMax)
            }
            guard !name.utf8.contains(0) else {
                throw .invalidInput(field: "columnFamilies", reason: "the name '\(name)' contains a NUL byte")
            }
            guard seen.insert(name).inserted else {
                throw .invalidInput(field: "columnFamilies", reason: "the name '\(name)' is given twice")
            }
        }
    }

    /// The column families of the database at `path`, or none when there is no database yet
    /// (no `CURRENT` file). Any other failure to list is an error: opening must not proceed
    /// with a partial list, since RocksDB refuses to open without every column family.
    private static func listColumnFamilies(at path: String, options: OpaquePointer) throws(StorageError) -> [String] {
        guard FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("CURRENT")) else {
            return []
        }
        var count = 0
        let list = try rocksCall { error in rocksdb_list_column_families(options, path, &count, error) }
        guard let list else { return [] }
        defer { rocksdb_list_column_families_destroy(list, count) }
        return (0..<count).map { String(cString: list[$0]!) }
    }

    private static func open(path: String, names: [String], options: OpaquePointer) throws(StorageError)
        -> (OpaquePointer, [OpaquePointer])
    {
        let cNames: [UnsafePointer<CChar>?] = names.map { UnsafePointer(strdup($0)) }
        defer {
            for name in cNames { free(UnsafeMutablePointer(mutating: name)) }
        }
        let familyOptions = [OpaquePointer?](repeating: options, count: names.count)
        var handles = [OpaquePointer?](repeating: nil, count: names.count)
        let database = try rocksCall { error in
            cNames.withUnsafeBufferPointer { cNames in
                familyOptions.withUnsafeBufferPointer { familyOptions in
                    handles.withUnsafeMutableBufferPointer { handles in
                        rocksdb_open_column_families(
                            options, path, Int32(names.count), cNames.baseAddress, familyOptions.baseAddress,
                            handles.baseAddress, error)
                    }
                }
            }
        }
        guard let database else { preconditionFailure("RocksDB opened no database and reported no error") }
        return (database, handles.map { $0! })
    }
}
