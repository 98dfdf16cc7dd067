/// An in-memory ordered map of byte strings, the storage of the simulated disk.
struct SortedStore: Sendable {
    private(set) var values: [[UInt8]: [UInt8]] = [:]
    /// Keys in ascending order; kept in step with `values`.
    private(set) var keys: [[UInt8]] = []

    func get(_ key: [UInt8]) -> [UInt8]? { values[key] }

    /// The position of the first key `>= key`.
    func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid].lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Sets a value; returns the previous one.
    @discardableResult
    mutating func put(_ key: [UInt8], _ value: [UInt8]) -> [UInt8]? {
        let previous = values.updateValue(value, forKey: key)
        if previous == nil { keys.insert(key, at: lowerBound(key)) }
        return previous
    }

    @discardableResult
    mutating func delete(_ key: [UInt8]) -> [UInt8]? {
        guard let previous = values.removeValue(forKey: key) else { return nil }
        keys.remove(at: lowerBound(key))
        return previous
    }

    /// Deletes `[from, to)`; returns what was deleted.
    mutating func deleteRange(from: [UInt8], to: [UInt8]) -> [(key: [UInt8], value: [UInt8])] {
        let start = lowerBound(from)
        let end = max(start, lowerBound(to))
        let removed = keys[start..<end].map { ($0, values[$0]!) }
        for pair in removed { values[pair.0] = nil }
        keys.removeSubrange(start..<end)
        return removed
    }

    func scan(from: [UInt8], to: [UInt8], limit: Int) -> [(key: [UInt8], value: [UInt8])] {
        var result: [(key: [UInt8], value: [UInt8])] = []
        var position = lowerBound(from)
        while position < keys.count, result.count < limit, keys[position].lexicographicallyPrecedes(to) {
            result.append((keys[position], values[keys[position]]!))
            position += 1
        }
        return result
    }
}
