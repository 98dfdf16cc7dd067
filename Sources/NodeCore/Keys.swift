import Raft

/// Identifies one shard group. Stable for the life of the cluster.
public typealias GroupID = UInt64

/// The key layout of a node's store. All integers are big-endian so keys sort numerically.
enum Keys {
    enum MetaTag: UInt8 {
        case hardState = 1
        case logStart = 2
        case applied = 3
        case descriptor = 4
        /// The last entry (index, term) written to the log, kept so that a member whose log
        /// tail is damaged still knows what it had acknowledged.
        case logTail = 5
    }

    static func meta(_ group: GroupID, _ tag: MetaTag) -> [UInt8] {
        var key = bigEndian(group)
        key.append(tag.rawValue)
        return key
    }

    static func log(_ group: GroupID, _ index: UInt64) -> [UInt8] {
        bigEndian(group) + bigEndian(index)
    }

    /// All log keys of `group` are in `[logStart(group), logEnd(group))`.
    static func logRange(_ group: GroupID) -> (from: [UInt8], to: [UInt8]) {
        (log(group, 0), log(group, UInt64.max) + [0xFF])
    }

    static func index(fromLogKey key: [UInt8]) -> UInt64? {
        guard key.count == 16 else { return nil }
        return UInt64(bigEndianBytes: key[8..<16])
    }

    static func statePrefix(_ group: GroupID, generation: UInt32) -> [UInt8] {
        var key = bigEndian(group)
        withUnsafeBytes(of: generation.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    /// Every state key of `group`, whatever its generation.
    static func stateRange(_ group: GroupID) -> (from: [UInt8], to: [UInt8]) {
        let prefix = bigEndian(group)
        return (prefix, prefixEnd(prefix))
    }

    static func stateRange(_ group: GroupID, generation: UInt32) -> (from: [UInt8], to: [UInt8]) {
        let prefix = statePrefix(group, generation: generation)
        return (prefix, prefixEnd(prefix))
    }

    /// The smallest key greater than every key that starts with `prefix`.
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}

extension UInt64 {
    init?(bigEndianBytes bytes: ArraySlice<UInt8>) {
        guard bytes.count == 8 else { return nil }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        self = value
    }
}
