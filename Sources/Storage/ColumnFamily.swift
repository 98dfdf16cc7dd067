import Foundation

/// A column family of one open `RocksDatabase`: a separate keyspace with its own memtables and
/// SST files, written atomically with the others through one `WriteBatch`.
///
/// Obtain it from `RocksDatabase.columnFamily(_:)`. It is a plain value, safe to copy and to
/// send across threads. It is bound to the database instance that produced it: passing it to
/// another instance (even of the same path, after a reopen) throws
/// `StorageError.foreignHandle`, because RocksDB's column family ids are per instance.
public struct ColumnFamily: Sendable, Hashable, CustomStringConvertible {
    /// The name given when the column family was created.
    public let name: String
    /// Index of the handle in the owning database's handle table.
    let slot: Int
    /// Identity of the owning database instance.
    let databaseID: UUID

    /// The name, for logs.
    public var description: String { name }
}
