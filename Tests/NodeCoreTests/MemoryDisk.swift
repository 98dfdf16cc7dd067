import NodeCore

/// An in-memory `DiskDriver` for tests: every write is applied at once and kept (no crash
/// model), so a `NodeCore` reopened on the same disk sees everything written before.
final class MemoryDisk: DiskDriver {
    private var spaces: [DiskSpace: [[UInt8]: [UInt8]]] = [:]
    private(set) var writes = 0

    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
        spaces[space]?[key]
    }

    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
        MemoryDisk.scan(spaces[space] ?? [:], from: from, to: to, limit: limit)
    }

    func write(_ batch: DiskBatch, sync: Bool) throws(DiskError) {
        writes += 1
        for operation in batch.operations {
            switch operation {
            case .put(let space, let key, let value):
                spaces[space, default: [:]][key] = value
            case .delete(let space, let key):
                spaces[space]?[key] = nil
            case .deleteRange(let space, let from, let to):
                for key in (spaces[space] ?? [:]).keys where !key.lexicographicallyPrecedes(from) && key.lexicographicallyPrecedes(to) {
                    spaces[space]![key] = nil
                }
            }
        }
    }

    func openView() throws(DiskError) -> any DiskView {
        MemoryDiskView(spaces: spaces)
    }

    /// Flips a bit of the record with the highest key in `space` (as a damaged sector would);
    /// returns its key, nil when the space is empty.
    @discardableResult
    func damageLastRecord(in space: DiskSpace) -> [UInt8]? {
        guard let key = (spaces[space] ?? [:]).keys.max(by: { $0.lexicographicallyPrecedes($1) }) else { return nil }
        spaces[space]![key]![0] ^= 0x01
        return key
    }

    func damageFirstRecord(in space: DiskSpace) -> [UInt8]? {
        guard let key = (spaces[space] ?? [:]).keys.min(by: { $0.lexicographicallyPrecedes($1) }) else { return nil }
        spaces[space]![key]![0] ^= 0x01
        return key
    }

    static func scan(_ store: [[UInt8]: [UInt8]], from: [UInt8], to: [UInt8], limit: Int) -> [(key: [UInt8], value: [UInt8])] {
        let keys = store.keys
            .filter { !$0.lexicographicallyPrecedes(from) && $0.lexicographicallyPrecedes(to) }
            .sorted { $0.lexicographicallyPrecedes($1) }
            .prefix(limit)
        return keys.map { ($0, store[$0]!) }
    }
}

/// A frozen copy of a `MemoryDisk`.
final class MemoryDiskView: DiskView {
    private let spaces: [DiskSpace: [[UInt8]: [UInt8]]]
    init(spaces: [DiskSpace: [[UInt8]: [UInt8]]]) { self.spaces = spaces }

    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? { spaces[space]?[key] }

    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
        MemoryDisk.scan(spaces[space] ?? [:], from: from, to: to, limit: limit)
    }

    func close() {}
}

/// A network with no peers: a single-member group never sends anything that must arrive.
final class SilentNetwork: NetworkDriver {
    private(set) var framesSent = 0
    func send(to node: UInt64, frame: [UInt8]) { framesSent += 1 }
}
