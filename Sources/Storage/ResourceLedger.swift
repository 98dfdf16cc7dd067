import Foundation

/// Counts the live objects that pin an open database: iterators, snapshots and pinned values.
///
/// RocksDB requires all of them to be released before the database is closed; closing under
/// a live iterator is a use-after-free in C. `RocksDatabase.close()` reads these counts under
/// its write lock and refuses while any is non-zero. Objects are counted while the database's
/// read lock is held (so never concurrently with a close), and uncounted only after their C
/// resources are destroyed (so a close that sees zero is safe).
final class ResourceLedger: @unchecked Sendable {
    // Sendable: the counts are only read or written while `lock` is held.
    private let lock = NSLock()
    private var iterators = 0
    private var snapshots = 0
    private var pinnedValues = 0

    enum Kind {
        case iterator
        case snapshot
        case pinnedValue
    }

    func acquire(_ kind: Kind) {
        lock.withLock { adjust(kind, by: 1) }
    }

    func release(_ kind: Kind) {
        lock.withLock { adjust(kind, by: -1) }
    }

    /// Current counts, as `(iterators, snapshots, pinnedValues)`.
    var counts: (iterators: Int, snapshots: Int, pinnedValues: Int) {
        lock.withLock { (iterators, snapshots, pinnedValues) }
    }

    private func adjust(_ kind: Kind, by delta: Int) {
        switch kind {
        case .iterator: iterators += delta
        case .snapshot: snapshots += delta
        case .pinnedValue: pinnedValues += delta
        }
        precondition(iterators >= 0 && snapshots >= 0 && pinnedValues >= 0, "resource released twice")
    }
}
