/// A sorted in-memory key-value store: the state of one shard in tests and in the simulator.
public struct InMemoryKeyValueStore: KeyValueReader, Sendable, Equatable {
    // Sorted by key; binary search keeps reads logarithmic and scans in order.
    private var keys: [[UInt8]] = []
    private var values: [[UInt8]] = []

    /// Creates an empty store.
    public init() {}

    /// The number of keys stored.
    public var count: Int { keys.count }

    /// Every pair, in key order.
    public var pairs: [(key: [UInt8], value: [UInt8])] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }

    private func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keyPrecedes(keys[mid], key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The value under `key`, or nil.
    public func get(_ key: [UInt8]) -> [UInt8]? {
        let index = lowerBound(key)
        return index < keys.count && keys[index] == key ? values[index] : nil
    }

    /// Ascending pairs in [start, end), at most `limit`.
    public func scan(from start: [UInt8], to end: [UInt8], limit: Int) -> [(key: [UInt8], value: [UInt8])] {
        precondition(limit > 0, "scan limit must be positive")
        var result: [(key: [UInt8], value: [UInt8])] = []
        var index = lowerBound(start)
        while index < keys.count, result.count < limit, keyPrecedes(keys[index], end) {
            result.append((keys[index], values[index]))
            index += 1
        }
        return result
    }

    /// Stores `value` under `key`.
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        let index = lowerBound(key)
        if index < keys.count && keys[index] == key {
            values[index] = value
        } else {
            keys.insert(key, at: index)
            values.insert(value, at: index)
        }
    }

    /// Removes `key` if present.
    public mutating func delete(_ key: [UInt8]) {
        let index = lowerBound(key)
        if index < keys.count && keys[index] == key {
            keys.remove(at: index)
            values.remove(at: index)
        }
    }

    /// Applies a write set in order (last write wins), as the node applies its batch.
    public mutating func apply(_ writes: WriteSet) {
        for operation in writes.operations {
            switch operation {
            case .put(let key, let value): put(key, value)
            case .delete(let key): delete(key)
            }
        }
    }

    /// Compares contents.
    public static func == (lhs: InMemoryKeyValueStore, rhs: InMemoryKeyValueStore) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }
}
