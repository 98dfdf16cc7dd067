/// A half-open range of keys `[start, end)` in RocksDB's bytewise order (unsigned bytes
/// compared lexicographically, a proper prefix sorting first).
public struct KeyRange: Sendable, Hashable {
    /// The smallest key in the range (inclusive).
    public var start: [UInt8]
    /// The first key after the range (exclusive); `nil` means no upper bound.
    public var end: [UInt8]?

    /// The keys from `start` (inclusive) up to `end` (exclusive, `nil` for no bound).
    public init(from start: [UInt8], to end: [UInt8]?) {
        self.start = start
        self.end = end
    }

    /// Every key that begins with `prefix`.
    public init(prefix: [UInt8]) {
        self.start = prefix
        self.end = KeyRange.successor(ofPrefix: prefix)
    }

    /// Every key.
    public static let all = KeyRange(from: [], to: nil)

    /// Whether `key` lies in the range.
    public func contains(_ key: [UInt8]) -> Bool {
        guard !key.lexicographicallyPrecedes(start) else { return false }
        guard let end else { return true }
        return key.lexicographicallyPrecedes(end)
    }

    /// Whether the range contains no key at all (`end` at or before `start`).
    public var isEmpty: Bool {
        guard let end else { return false }
        return !start.lexicographicallyPrecedes(end)
    }

    /// The smallest key greater than every key that begins with `prefix`, or `nil` when there
    /// is none (the prefix is empty or all `0xFF`).
    ///
    /// Drops trailing `0xFF` bytes and increments the last remaining byte: every key with the
    /// prefix sorts below the result, and every key at or above it lacks the prefix.
    public static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var bound = prefix
        while let last = bound.last {
            if last < 0xFF {
                bound[bound.count - 1] = last + 1
                return bound
            }
            bound.removeLast()
        }
        return nil
    }
}
