/// Pending writes over a read view: reads see the view plus the writes made so far, and the
/// writes are collected as a ``WriteSet`` that the caller persists atomically (the node writes
/// it in one batch together with its applied index).
///
/// Not `Sendable`: a transaction belongs to the apply loop that created it.
public struct Transaction: KeyValueReader {
    private let base: any KeyValueReader
    // Latest pending value per key (nil = deleted). Kept beside the ordered write set so that
    // reads are cheap; the write set keeps the order for the caller.
    private var pending: [[UInt8]: [UInt8]?] = [:]
    /// The writes made so far, in order.
    public private(set) var writes = WriteSet()

    /// Starts a transaction over `base`.
    public init(base: any KeyValueReader) {
        self.base = base
    }

    /// Stores `value` under `key`.
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        pending[key] = .some(value)
        writes.put(key, value)
    }

    /// Removes `key`.
    public mutating func delete(_ key: [UInt8]) {
        pending[key] = .some(nil)
        writes.delete(key)
    }

    /// The pending value if written, else the base's. Base errors propagate.
    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        if let written = pending[key] { return written }
        return try base.get(key)
    }

    /// Ascending pairs in [start, end) merging the base with pending writes, at most `limit`.
    public func scan(from start: [UInt8], to end: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        precondition(limit > 0, "scan limit must be positive")
        let overlay = pending.keys
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
                    if let value = pending[o]! { result.append((o, value)) }
                } else {
                    let entry = page[pageIndex]
                    pageIndex += 1
                    if pending[entry.key] == nil { result.append(entry) }
                }
            }
            guard pageIsFull, result.count < limit else { break }
            cursor = bound! + [0]
        }
        return result
    }
}
