/// Every failure of the storage layer, with a stable `code` for logs, metrics and alerts.
///
/// RocksDB reports failures as a status string such as `"Corruption: block checksum mismatch"`.
/// The wrapper maps the status kind to a case and keeps RocksDB's whole message, so an operator
/// sees exactly what the engine said. Failures detected by the wrapper itself (closed database,
/// handle of another database, limits) have their own cases.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// RocksDB found data that fails its checksums or structural checks (SST block checksums,
    /// WAL record checksums, MANIFEST consistency). The data must not be served; the node
    /// repairs the replica from a peer.
    case corruption(String)
    /// The operating system failed a file operation (disk full, permission, missing directory,
    /// the database lock held by another opener).
    case io(String)
    /// RocksDB rejected an argument or an option (for example, a missing database opened
    /// without `createIfMissing`).
    case invalidArgument(String)
    /// RocksDB reported that something does not exist.
    case notFound(String)
    /// RocksDB does not support the request in this build (for example, a compression library
    /// that is not linked).
    case notSupported(String)
    /// RocksDB asked the caller to retry later (resource busy, try again, timed out).
    case busy(String)
    /// Any other RocksDB status (incomplete, aborted, shutdown in progress, ...), message kept.
    case engine(String)
    /// The database was closed: `operation` was attempted on it afterwards, or `close()` was
    /// called twice.
    case closed(operation: String)
    /// `close()` was refused because iterators, snapshots or pinned values still reference the
    /// database; RocksDB requires them to be released first.
    case inUse(iterators: Int, snapshots: Int, pinnedValues: Int)
    /// No column family of that name is open in this database.
    case unknownColumnFamily(String)
    /// A column family or snapshot that belongs to another `RocksDatabase` instance was passed.
    case foreignHandle(String)
    /// A key, value, batch or name is larger than the limit in `StorageLimits`.
    case limitExceeded(field: String, sizeBytes: Int, limitBytes: Int)
    /// An argument or option given to the wrapper is invalid; `field` names it.
    case invalidInput(field: String, reason: String)

    /// A stable, machine-readable code; never changes once published.
    public var code: String {
        switch self {
        case .corruption: "storage.corruption"
        case .io: "storage.io"
        case .invalidArgument: "storage.invalid_argument"
        case .notFound: "storage.not_found"
        case .notSupported: "storage.not_supported"
        case .busy: "storage.busy"
        case .engine: "storage.engine"
        case .closed: "storage.closed"
        case .inUse: "storage.in_use"
        case .unknownColumnFamily: "storage.unknown_column_family"
        case .foreignHandle: "storage.foreign_handle"
        case .limitExceeded: "storage.limit_exceeded"
        case .invalidInput: "storage.invalid_input"
        }
    }

    /// The code followed by a human-readable explanation.
    public var description: String {
        switch self {
        case .corruption(let message), .io(let message), .invalidArgument(let message),
            .notFound(let message), .notSupported(let message), .busy(let message),
            .engine(let message):
            "\(code): \(message)"
        case .closed(let operation):
            "\(code): \(operation) on a closed database"
        case .inUse(let iterators, let snapshots, let pinnedValues):
            "\(code): cannot close with \(iterators) iterator(s), \(snapshots) snapshot(s) and "
                + "\(pinnedValues) pinned value(s) still open"
        case .unknownColumnFamily(let name):
            "\(code): no open column family named '\(name)'"
        case .foreignHandle(let what):
            "\(code): \(what) belongs to another database instance"
        case .limitExceeded(let field, let sizeBytes, let limitBytes):
            "\(code): \(field) is \(sizeBytes) bytes, limit \(limitBytes) bytes"
        case .invalidInput(let field, let reason):
            "\(code): \(field): \(reason)"
        }
    }

    /// Maps a RocksDB status string (`Status::ToString()`) to a case by its kind prefix.
    ///
    /// The prefixes are those RocksDB prints for each `Status::Code`; they are part of its
    /// observable behaviour and have been stable since LevelDB.
    init(rocksDBMessage message: String) {
        if message.hasPrefix("Corruption") {
            self = .corruption(message)
        } else if message.hasPrefix("IO error") {
            self = .io(message)
        } else if message.hasPrefix("Invalid argument") {
            self = .invalidArgument(message)
        } else if message.hasPrefix("NotFound") {
            self = .notFound(message)
        } else if message.hasPrefix("Not implemented") {
            self = .notSupported(message)
        } else if message.hasPrefix("Resource busy") || message.hasPrefix("Operation failed. Try again")
            || message.hasPrefix("Operation timed out")
        {
            self = .busy(message)
        } else {
            self = .engine(message)
        }
    }
}
