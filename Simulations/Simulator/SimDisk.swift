import NodeCore
import Raft

/// The simulated disk of one node. It honours the `DiskDriver` contract exactly, including
/// its limits: a crash loses every batch written since the last synced one (as a power loss
/// would), and stored records can be damaged while the node is down.
final class SimDisk: DiskDriver {
    private var stores: [SortedStore] = Array(repeating: SortedStore(), count: DiskSpace.allCases.count)
    /// How to undo each batch written since the last sync, newest last.
    private var undo: [[(space: DiskSpace, key: [UInt8], previous: [UInt8]?)]] = []
    private(set) var syncedWrites = 0
    private(set) var unsyncedWrites = 0

    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
        stores[Int(space.rawValue)].get(key)
    }

    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
        stores[Int(space.rawValue)].scan(from: from, to: to, limit: limit)
    }

    func write(_ batch: DiskBatch, sync: Bool) throws(DiskError) {
        var record: [(space: DiskSpace, key: [UInt8], previous: [UInt8]?)] = []
        for operation in batch.operations {
            switch operation {
            case .put(let space, let key, let value):
                record.append((space, key, stores[Int(space.rawValue)].put(key, value)))
            case .delete(let space, let key):
                record.append((space, key, stores[Int(space.rawValue)].delete(key)))
            case .deleteRange(let space, let from, let to):
                for pair in stores[Int(space.rawValue)].deleteRange(from: from, to: to) {
                    record.append((space, pair.key, pair.value))
                }
            }
        }
        if sync {
            undo = []
            syncedWrites += 1
        } else {
            undo.append(record)
            unsyncedWrites += 1
        }
    }

    func openView() throws(DiskError) -> any DiskView {
        SimDiskView(stores: stores)
    }

    /// The disk is lost with its region: nothing on it can be read again.
    func destroy() {
        stores = Array(repeating: SortedStore(), count: DiskSpace.allCases.count)
        undo = []
    }

    /// A power loss: every batch written since the last sync is undone, newest first.
    /// Returns how many batches were lost.
    @discardableResult
    func crash() -> Int {
        let lost = undo.count
        for record in undo.reversed() {
            for change in record.reversed() {
                if let previous = change.previous {
                    stores[Int(change.space.rawValue)].put(change.key, previous)
                } else {
                    stores[Int(change.space.rawValue)].delete(change.key)
                }
            }
        }
        undo = []
        return lost
    }

    /// Flips one bit of a random intact record of `space`; returns its key, or nil when it has none.
    func corruptRandomRecord(in space: DiskSpace, using rng: inout SplitMix64) -> [UInt8]? {
        let store = stores[Int(space.rawValue)]
        // Only intact records: flipping the bit an earlier fault flipped would repair the record.
        let intact = store.keys.filter { SealedRecord.open(store.get($0)!) != nil }
        guard !intact.isEmpty else { return nil }
        let key = intact[Int(rng.next() % UInt64(intact.count))]
        var value = store.get(key)!
        guard !value.isEmpty else { return nil }
        let position = Int(rng.next() % UInt64(value.count))
        value[position] ^= UInt8(1 << (rng.next() % 8))
        stores[Int(space.rawValue)].put(key, value)
        return key
    }

    func keys(in space: DiskSpace) -> [[UInt8]] { stores[Int(space.rawValue)].keys }
}

/// A frozen copy of the simulated disk (copy-on-write makes it cheap).
final class SimDiskView: DiskView {
    private let stores: [SortedStore]
    init(stores: [SortedStore]) { self.stores = stores }

    func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
        stores[Int(space.rawValue)].get(key)
    }

    func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
        stores[Int(space.rawValue)].scan(from: from, to: to, limit: limit)
    }

    func close() {}
}
