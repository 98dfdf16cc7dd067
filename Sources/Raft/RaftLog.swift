/// The log as one member holds it in memory: a snapshot point followed by the entries after it.
///
/// Invariants (checked with `precondition`): entries are contiguous from `snapshotIndex + 1`,
/// terms never decrease along the log, and
/// `snapshotIndex <= applied <= committed <= lastIndex`, `persisted <= lastIndex`.
struct RaftLog: Sendable {
    private(set) var snapshotIndex: UInt64
    private(set) var snapshotTerm: UInt64
    private(set) var entries: [Entry]
    /// Indexes of the configuration entries in `entries`, ascending.
    private(set) var configIndexes: [UInt64] = []
    /// Total `sizeBytes` of `entries`.
    private(set) var entriesSizeBytes: Int = 0

    private(set) var committed: UInt64
    var applied: UInt64
    /// Highest index durable on this member and still part of this log.
    var persisted: UInt64

    init(snapshotIndex: UInt64, snapshotTerm: UInt64, entries: [Entry], committed: UInt64, applied: UInt64) {
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.entries = []
        self.committed = 0
        self.applied = 0
        self.persisted = snapshotIndex
        appendContiguous(entries)
        precondition(applied >= snapshotIndex, "applied \(applied) is below the snapshot \(snapshotIndex)")
        precondition(committed >= applied, "committed \(committed) is below applied \(applied)")
        precondition(committed <= lastIndex, "committed \(committed) is beyond the last index \(lastIndex)")
        self.committed = committed
        self.applied = applied
        self.persisted = lastIndex
    }

    var firstIndex: UInt64 { snapshotIndex + 1 }
    var lastIndex: UInt64 { snapshotIndex + UInt64(entries.count) }
    var lastTerm: UInt64 { entries.last?.term ?? snapshotTerm }

    /// The term of the entry at `index`, or nil when it is compacted or beyond the end.
    func term(at index: UInt64) -> UInt64? {
        if index == snapshotIndex { return snapshotTerm }
        if index < snapshotIndex || index > lastIndex { return nil }
        return entries[Int(index - snapshotIndex - 1)].term
    }

    func entry(at index: UInt64) -> Entry {
        precondition(index > snapshotIndex && index <= lastIndex, "entry \(index) is not in memory")
        return entries[Int(index - snapshotIndex - 1)]
    }

    func matchTerm(_ index: UInt64, _ term: UInt64) -> Bool {
        self.term(at: index) == term
    }

    /// Raft paper §5.4.1: a candidate's log is at least as up to date as ours.
    func isUpToDate(lastIndex candidateIndex: UInt64, lastTerm candidateTerm: UInt64) -> Bool {
        candidateTerm > lastTerm || (candidateTerm == lastTerm && candidateIndex >= lastIndex)
    }

    /// Entries in `[from, through]`, at most `countMax` of them and at most `bytesMax` bytes,
    /// but always at least one when the range is not empty.
    func slice(from: UInt64, through: UInt64, countMax: Int, bytesMax: Int) -> [Entry] {
        precondition(from > snapshotIndex, "slice from \(from) reaches into the snapshot \(snapshotIndex)")
        guard from <= through else { return [] }
        precondition(through <= lastIndex, "slice through \(through) is beyond \(lastIndex)")
        let start = Int(from - snapshotIndex - 1)
        let end = Int(through - snapshotIndex)
        var result: [Entry] = []
        var bytes = 0
        for position in start..<end {
            let entry = entries[position]
            if !result.isEmpty && (result.count >= countMax || bytes + entry.sizeBytes > bytesMax) { break }
            result.append(entry)
            bytes += entry.sizeBytes
        }
        return result
    }

    /// Appends entries that directly follow the last one (leader path).
    mutating func appendContiguous(_ new: [Entry]) {
        var expected = lastIndex + 1
        var previousTerm = lastTerm
        for entry in new {
            precondition(entry.index == expected, "entry \(entry.index) does not follow \(expected - 1)")
            precondition(entry.term >= previousTerm, "term goes back from \(previousTerm) to \(entry.term)")
            expected += 1
            previousTerm = entry.term
            if entry.kind == .configChange { configIndexes.append(entry.index) }
            entriesSizeBytes += entry.sizeBytes
        }
        entries.append(contentsOf: new)
    }

    /// Follower path (Raft paper Figure 2, AppendEntries receiver steps 2-5). Returns the index
    /// of the last entry the leader sent, or nil when `prevIndex`/`prevTerm` do not match.
    mutating func maybeAppend(prevIndex: UInt64, prevTerm: UInt64, commit: UInt64, entries new: [Entry]) -> UInt64? {
        guard matchTerm(prevIndex, prevTerm) else { return nil }
        let lastNew = prevIndex + UInt64(new.count)
        if let conflict = findConflict(new) {
            precondition(conflict > committed, "conflict at \(conflict) would erase committed entries up to \(committed)")
            truncate(after: conflict - 1)
            let offset = Int(conflict - new[0].index)
            appendContiguous(Array(new[offset...]))
        }
        self.commit(to: min(commit, lastNew))
        return lastNew
    }

    /// The first index in `new` whose entry differs from ours (by term), or that we lack.
    /// Entries already in the log with the same term are left alone (they are identical by the
    /// Log Matching Property).
    func findConflict(_ new: [Entry]) -> UInt64? {
        for entry in new {
            if entry.index <= snapshotIndex { continue }
            if !matchTerm(entry.index, entry.term) { return entry.index }
        }
        return nil
    }

    /// The largest index `<= index` whose term is `<= term` (fast back-off). Never below the
    /// snapshot point.
    func findConflictByTerm(index: UInt64, term: UInt64) -> UInt64 {
        var probe = min(index, lastIndex)
        while probe > snapshotIndex {
            if let t = self.term(at: probe), t <= term { return probe }
            probe -= 1
        }
        return snapshotIndex
    }

    /// Removes every entry after `index`.
    mutating func truncate(after index: UInt64) {
        precondition(index >= committed, "truncating at \(index) below committed \(committed)")
        precondition(index >= snapshotIndex && index <= lastIndex, "truncate point \(index) out of range")
        let keep = Int(index - snapshotIndex)
        for entry in entries[keep...] { entriesSizeBytes -= entry.sizeBytes }
        entries.removeSubrange(keep...)
        while let last = configIndexes.last, last > index { configIndexes.removeLast() }
        persisted = min(persisted, index)
    }

    mutating func commit(to index: UInt64) {
        guard index > committed else { return }
        precondition(index <= lastIndex, "commit \(index) beyond last index \(lastIndex)")
        committed = index
    }

    /// Drops the entries up to and including `index`, which must already be applied.
    mutating func compact(through index: UInt64) {
        guard index > snapshotIndex else { return }
        precondition(index <= applied, "compacting \(index) beyond applied \(applied)")
        let newSnapshotTerm = term(at: index)!
        let drop = Int(index - snapshotIndex)
        for entry in entries[..<drop] { entriesSizeBytes -= entry.sizeBytes }
        entries.removeFirst(drop)
        configIndexes.removeAll { $0 <= index }
        snapshotIndex = index
        snapshotTerm = newSnapshotTerm
    }

    /// Replaces the whole log by a snapshot point (a follower installing a snapshot).
    mutating func restore(index: UInt64, term: UInt64) {
        precondition(index > committed, "restoring an older snapshot \(index) over committed \(committed)")
        entries = []
        configIndexes = []
        entriesSizeBytes = 0
        snapshotIndex = index
        snapshotTerm = term
        committed = index
        applied = index
        persisted = index
    }

    /// Entries not yet durable on this member.
    var unpersisted: [Entry] {
        guard persisted < lastIndex else { return [] }
        return Array(entries[Int(persisted - snapshotIndex)...])
    }

    /// Committed entries not yet applied, bounded by `bytesMax` (at least one when any).
    func committedUnapplied(bytesMax: Int) -> [Entry] {
        guard committed > applied else { return [] }
        return slice(from: applied + 1, through: committed, countMax: Int.max, bytesMax: bytesMax)
    }
}
