import CRocksDB

/// A consistent, read-only view of a `RocksDatabase` at one moment: reads through it see every
/// write completed before `RocksDatabase.snapshot()` returned and none after.
///
/// Pass it to `get`, `withValue`, `scan`, `last` or `makeIterator`. The RocksDB snapshot is
/// released when the last reference to this object goes away; until then the database keeps
/// the versions it needs (compaction cannot drop them) and refuses to close, so hold a
/// snapshot only for the duration of one consistent read (a Raft snapshot transfer, a backup
/// listing).
public final class ReadSnapshot: @unchecked Sendable {
    // Sendable: every stored property is immutable after init. A RocksDB snapshot is an
    // immutable sequence number that concurrent reads may share; the read options object that
    // carries it is only ever read by RocksDB (`const ReadOptions&`). Both are released in
    // deinit, when no other thread can hold a reference. The database stays open meanwhile:
    // this object holds it strongly and is counted in its ledger, which blocks `close()`.

    /// The database this snapshot reads; kept alive by it.
    let database: RocksDatabase
    /// Read options with block checksums verified and this snapshot set.
    let readOptions: OpaquePointer
    private let engineDatabase: OpaquePointer
    /// The RocksDB snapshot.
    let pointer: OpaquePointer

    /// Called by `RocksDatabase.snapshot()` with its read lock held, after counting the
    /// snapshot in the ledger.
    init(database: RocksDatabase, engineDatabase: OpaquePointer, snapshot: OpaquePointer) {
        self.database = database
        self.engineDatabase = engineDatabase
        pointer = snapshot
        readOptions = makeReadOptions(snapshot: snapshot)
    }

    deinit {
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_release_snapshot(engineDatabase, pointer)
        database.ledger.release(.snapshot)
    }
}
