/// Pending writes over a read view: reads see the view plus the writes made so far, and the
/// writes are collected as a ``WriteSet`` that the caller persists atomically (the node writes
/// it in one batch together with its applied index).
///
/// The write set holds one write per key: writing a key again replaces its earlier write in
/// place (at the position of its first write). Persisted atomically, that is the same state as
/// every write in order, and a turn that rewrites a register's state or a counter once per act
/// sends each such key to the store once.
///
/// Not `Sendable`: a transaction belongs to the apply loop that created it.
public struct Transaction: KeyValueReader {
    private let base: any KeyValueReader
    // Where each written key's write sits in `writes`, so that reads are cheap and a new write
    // of the key replaces the old one.
    private var positions: [WrittenKey: Int] = [:]
    /// The writes made so far, one per key, in the order each key was first written.
    public private(set) var writes = WriteSet()

    /// Starts a transaction over `base`.
    public init(base: any KeyValueReader) {
        self.base = base
    }

    /// Stores `value` under `key`.
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        write(.put(key: key, value: value))
    }

    /// Removes `key`.
    public mutating func delete(_ key: [UInt8]) {
        write(.delete(key: key))
    }

    private mutating func write(_ operation: WriteSet.Operation) {
        let key = WrittenKey(bytes: operation.key)
        if let position = positions[key] {
            writes.replace(at: position, with: operation)
        } else {
            positions[key] = writes.operations.count
            writes.append(operation)
        }
    }

    /// The value written under `key` in this transaction: nil when it was not written,
    /// `.some(nil)` when it was deleted.
    private func pending(_ key: [UInt8]) -> [UInt8]?? {
        guard let position = positions[WrittenKey(bytes: key)] else { return nil }
        switch writes.operations[position] {
        case .put(_, let value): return .some(value)
        case .delete: return .some(nil)
        }
    }

    /// The pending value if written, else the base's. Base errors propagate.
    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        if let written = pending(key) { return written }
        return try base.get(key)
    }

    /// Ascending pairs in [start, end) merging the base with pending writes, at most `limit`.
    public func scan(from start: [UInt8], to end: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        precondition(limit > 0, "scan limit must be positive")
        let overlay = positions.keys.map(\.bytes)
            .filter { !keyPrecedes($0, start) && keyPrecedes($0, end) }
            .sorted(by: keyPrecedes)
        var result: [(key: [UInt8], value: [UInt8])] = []
        var overlayIndex = 0
        var cursor = start
        while result.count < limit {
            let page = try base.scan(from: cursor, to: end, limit: limit)
            let pageIsFull = page.count == limit
            // Overlay keys up to this bound are merged with this page; beyond it, the next page.
            let bound: [UInt8]? = pageIsFull ? page.last!.key : nil
            var pageIndex = 0
            while result.count < limit {
                let nextOverlay: [UInt8]? = overlayIndex < overlay.count
                    && (bound == nil || !keyPrecedes(bound!, overlay[overlayIndex])) ? overlay[overlayIndex] : nil
                let nextBase: [UInt8]? = pageIndex < page.count ? page[pageIndex].key : nil
                guard nextOverlay != nil || nextBase != nil else { break }
                if let o = nextOverlay, nextBase == nil || !keyPrecedes(nextBase!, o) {
                    if let b = nextBase, b == o { pageIndex += 1 }
                    overlayIndex += 1
                    if let value = pending(o)! { result.append((o, value)) }
                } else {
                    let entry = page[pageIndex]
                    pageIndex += 1
                    if positions[WrittenKey(bytes: entry.key)] == nil { result.append(entry) }
                }
            }
            guard pageIsFull, result.count < limit else { break }
            cursor = bound! + [0]
        }
        return result
    }
}

/// A key as a dictionary key, hashed and compared as bytes in one call each (an array of bytes
/// is hashed and compared one byte at a time).
struct WrittenKey: Hashable {
    let bytes: [UInt8]

    static func == (a: WrittenKey, b: WrittenKey) -> Bool {
        a.bytes.withUnsafeBufferPointer { x in b.bytes.withUnsafeBufferPointer { y in ByteReader.sameBytes(x, y) } }
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
