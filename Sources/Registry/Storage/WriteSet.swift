/// An ordered list of puts and deletes, to be persisted atomically. When a key appears more
/// than once, the last write wins.
public struct WriteSet: Sendable, Equatable {
    /// One write.
    public enum Operation: Sendable, Equatable {
        /// Store `value` under `key`.
        case put(key: [UInt8], value: [UInt8])
        /// Remove `key`.
        case delete(key: [UInt8])

        /// The key written.
        public var key: [UInt8] {
            switch self {
            case .put(let key, _), .delete(let key): key
            }
        }
    }

    /// The writes, in the order they were made.
    public private(set) var operations: [Operation] = []

    /// Creates an empty write set.
    public init() {}

    /// Whether nothing is written.
    public var isEmpty: Bool { operations.isEmpty }

    /// Appends a put.
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        operations.append(.put(key: key, value: value))
    }

    /// Appends a delete.
    public mutating func delete(_ key: [UInt8]) {
        operations.append(.delete(key: key))
    }

    /// Appends a write (for ``Transaction``).
    mutating func append(_ operation: Operation) {
        operations.append(operation)
    }

    /// Replaces the write at `position` (a later write of the same key, for ``Transaction``).
    mutating func replace(at position: Int, with operation: Operation) {
        precondition(WrittenKey(bytes: operations[position].key) == WrittenKey(bytes: operation.key), "a write replaces a write of the same key")
        operations[position] = operation
    }

    /// Appends every write of `other`, after these.
    public mutating func append(contentsOf other: WriteSet) {
        operations.append(contentsOf: other.operations)
    }

    /// The number of bytes of keys and values written (for batch sizing).
    public var byteCount: Int {
        operations.reduce(0) { total, op in
            switch op {
            case .put(let key, let value): total + key.count + value.count
            case .delete(let key): total + key.count
            }
        }
    }
}
