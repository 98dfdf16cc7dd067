/// A consistent read view of one shard's state.
///
/// The node implements it over a RocksDB snapshot with a shard prefix; tests and the simulator
/// use ``InMemoryKeyValueStore``. Errors (a checksum failure underneath, an I/O error) are
/// thrown and must propagate: they never mean "absent".
public protocol KeyValueReader {
    /// The value under `key`, or nil when the key is absent (never an empty value for absent).
    func get(_ key: [UInt8]) throws -> [UInt8]?
    /// Ascending keys in [start, end), at most `limit` pairs.
    func scan(from start: [UInt8], to end: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])]
}

/// Bytewise lexicographic order of keys, the order every store must scan in.
@inline(__always)
func keyPrecedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    lhs.lexicographicallyPrecedes(rhs)
}
