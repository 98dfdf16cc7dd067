/// The three key spaces of a node's store (column families in RocksDB).
public enum DiskSpace: UInt8, Sendable, CaseIterable {
    /// Per-group records: hard state, log start, applied state, descriptor.
    case meta = 0
    /// Raft log entries, keyed by group and index.
    case log = 1
    /// State-machine data, keyed by group, generation and the state machine's own key.
    case state = 2
}

/// Writes applied atomically by one `DiskDriver.write`.
public struct DiskBatch: Sendable {
    public enum Operation: Sendable, Equatable {
        case put(DiskSpace, key: [UInt8], value: [UInt8])
        case delete(DiskSpace, key: [UInt8])
        /// Deletes every key in `[from, to)`.
        case deleteRange(DiskSpace, from: [UInt8], to: [UInt8])
    }

    public private(set) var operations: [Operation] = []
    public private(set) var sizeBytes = 0

    public init() {}

    public var isEmpty: Bool { operations.isEmpty }

    public mutating func put(_ space: DiskSpace, _ key: [UInt8], _ value: [UInt8]) {
        operations.append(.put(space, key: key, value: value))
        sizeBytes += key.count + value.count
    }

    public mutating func delete(_ space: DiskSpace, _ key: [UInt8]) {
        operations.append(.delete(space, key: key))
        sizeBytes += key.count
    }

    public mutating func deleteRange(_ space: DiskSpace, from: [UInt8], to: [UInt8]) {
        operations.append(.deleteRange(space, from: from, to: to))
        sizeBytes += from.count + to.count
    }

    public mutating func append(_ other: DiskBatch) {
        operations.append(contentsOf: other.operations)
        sizeBytes += other.sizeBytes
    }
}

/// A storage failure reported by a driver. The node core never treats one as "absent".
public struct DiskError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Read access to stored bytes, as they are on disk (sealed records).
public protocol DiskReader: AnyObject {
    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]?
    /// Ascending keys in `[from, to)`, at most `limit` pairs.
    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])]
}

/// A consistent, read-only view of the store at one instant, used to stream a state image
/// while the node keeps writing. Released by `close()`.
public protocol DiskView: DiskReader {
    func close()
}

/// The storage driver: RocksDB in a real node, an in-memory disk with faults in the simulator.
///
/// Contract: `write` applies the batch atomically. With `sync: true` it returns only once the
/// batch, and every batch written before it, is durable (the write-ahead log is one sequential
/// file, so syncing it covers earlier unsynced writes). Unsynced batches may be lost by a crash,
/// but only as a suffix: never a later batch without an earlier one.
public protocol DiskDriver: DiskReader {
    func write(_ batch: DiskBatch, sync: Bool) throws(DiskError)
    func openView() throws(DiskError) -> any DiskView
}

/// The transport driver. Sending never blocks; a frame may be lost, and Raft copes with it.
public protocol NetworkDriver: AnyObject {
    func send(to node: UInt64, frame: [UInt8])
}
