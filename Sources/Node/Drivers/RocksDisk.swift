import Foundation
import NodeCore
import Storage

/// The node core's disk on RocksDB: one column family per key space, one RocksDB write batch
/// per `write` (its operations in `writeOrder`), the WAL fsynced when `sync` is set.
/// `@unchecked Sendable`: its fields never change after `init`, and `RocksDatabase` is safe to use
/// from several threads (the loop thread writes; shutdown closes it after the loop stopped).
final class RocksDisk: DiskDriver, @unchecked Sendable {
    static let columnFamilyNames = ["meta", "log", "state"]

    let database: RocksDatabase
    private let families: [ColumnFamily]
    private let metrics: NodeMetrics?

    init(path: String, metrics: NodeMetrics?) throws(StorageError) {
        database = try RocksDatabase(path: path, columnFamilies: Self.columnFamilyNames)
        families = [try database.columnFamily("meta"), try database.columnFamily("log"), try database.columnFamily("state")]
        self.metrics = metrics
        precondition(DiskSpace.allCases.map(\.rawValue) == [0, 1, 2], "column families are indexed by key space")
    }

    private func family(_ space: DiskSpace) -> ColumnFamily { families[Int(space.rawValue)] }

    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
        do { return try database.get(key, in: family(space)) } catch { throw DiskError("\(error)") }
    }

    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
        do {
            return try database.scan(in: family(space), range: KeyRange(from: from, to: to), limit: limit).map { ($0.key, $0.value) }
        } catch {
            throw DiskError("\(error)")
        }
    }

    func write(_ batch: DiskBatch, sync: Bool) throws(DiskError) {
        var rocks = WriteBatch()
        do {
            let operations = batch.operations
            for position in Self.writeOrder(operations) {
                switch operations[position] {
                case .put(let space, let key, let value): try rocks.put(key: key, value: value, in: family(space))
                case .delete(let space, let key): try rocks.delete(key: key, in: family(space))
                case .deleteRange(let space, let from, let to): try rocks.deleteRange(from: from, to: to, in: family(space))
                }
            }
            let started = ContinuousClock.now
            try database.write(rocks, sync: sync)
            if sync { metrics?.recordFsync(ContinuousClock.now - started, bytes: batch.sizeBytes) }
        } catch {
            throw DiskError("\(error)")
        }
    }

    /// The order in which a batch's operations go into RocksDB's write batch: between range
    /// deletions, puts and deletes sorted by key space and key. RocksDB inserts a batch into its
    /// memtables' skip lists one key after another, and an insert next to the previous one
    /// reuses its position; in the order a turn makes them (log entries, then each act's record,
    /// chain entry, request and counters, register after register) nearly every insert searched
    /// the list again from the top. What is stored is the same: the operations on one key keep
    /// their order, and none moves across a range deletion.
    static func writeOrder(_ operations: [DiskBatch.Operation]) -> [Int] {
        var order = Array(operations.indices)
        var keys: [[UInt8]] = []
        var spaces: [UInt8] = []
        keys.reserveCapacity(operations.count)
        spaces.reserveCapacity(operations.count)
        for operation in operations {
            switch operation {
            case .put(let space, let key, _), .delete(let space, let key):
                spaces.append(space.rawValue)
                keys.append(key)
            case .deleteRange(let space, _, _):
                spaces.append(space.rawValue)
                keys.append([])
            }
        }
        var start = 0
        for end in 0...operations.count {
            // A run of point operations ends at a range deletion or at the end of the batch.
            if end < operations.count, !operations[end].isRangeDeletion { continue }
            if end - start > 1 {
                order[start..<end].sort { a, b in
                    if spaces[a] != spaces[b] { return spaces[a] < spaces[b] }
                    let byKey = compare(keys[a], keys[b])
                    return byKey != 0 ? byKey < 0 : a < b
                }
            }
            start = end + 1
        }
        return order
    }

    /// Byte order of two keys, as RocksDB's default comparator: negative, zero or positive.
    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                let common = min(x.count, y.count)
                if common > 0, let left = x.baseAddress, let right = y.baseAddress {
                    let byBytes = memcmp(left, right, common)
                    if byBytes != 0 { return Int(byBytes) }
                }
                return x.count - y.count
            }
        }
    }

    func openView() throws(DiskError) -> any DiskView {
        do { return RocksView(database: database, snapshot: try database.snapshot(), families: families) } catch { throw DiskError("\(error)") }
    }

    func close() throws(StorageError) { try database.close() }
}

/// A consistent view of the store (a RocksDB snapshot) for streaming a state image.
final class RocksView: DiskView {
    private let database: RocksDatabase
    private var snapshot: ReadSnapshot?
    private let families: [ColumnFamily]

    init(database: RocksDatabase, snapshot: ReadSnapshot, families: [ColumnFamily]) {
        self.database = database
        self.snapshot = snapshot
        self.families = families
    }

    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
        guard let snapshot else { throw DiskError("view closed") }
        do { return try database.get(key, in: families[Int(space.rawValue)], snapshot: snapshot) } catch { throw DiskError("\(error)") }
    }

    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
        guard let snapshot else { throw DiskError("view closed") }
        do {
            return try database.scan(in: families[Int(space.rawValue)], range: KeyRange(from: from, to: to), limit: limit, snapshot: snapshot)
                .map { ($0.key, $0.value) }
        } catch {
            throw DiskError("\(error)")
        }
    }

    /// Releases the RocksDB snapshot (so compaction can drop what only it kept alive).
    func close() { snapshot = nil }
}

private extension DiskBatch.Operation {
    var isRangeDeletion: Bool {
        if case .deleteRange = self { return true }
        return false
    }
}
