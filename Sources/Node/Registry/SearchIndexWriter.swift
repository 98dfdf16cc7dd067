import Foundation
import Logging
import NIOConcurrencyHelpers
import NodeCore
import Registry
import RegistrySearch

/// The search index's writer task: writes the records the loop queues after each turn, and
/// reads again, a page at a time, the views of the applied state the loop hands it for a
/// rebuild or after a snapshot. It alone writes to the index.
///
/// Order: works are taken in the order the loop queued them. A rebuild starts its replacement
/// pass when it is taken, so every record queued after its view was opened is marked as
/// present; when it ends, rows it did not mark (acts the state does not hold) are removed. Pages
/// of a reread and records queued since are written in between each other: a page read from an
/// older view never replaces a newer record (`RegistrySearchIndex.index`).
struct SearchIndexWriter: Sendable {
    /// Acts a reread reads and writes per step: bounds its memory, and how long the records
    /// queued meanwhile wait.
    static let rereadPageActs = 256
    /// Milliseconds a batch of records waits for more before it is written, when no reread is
    /// under way. The index is asynchronous anyway; this bounds how stale a search can be on an
    /// idle node.
    static let coalesceMs = 50

    let index: RegistrySearchIndex
    let shared: NIOLockedValueBox<Shared>
    let relay: DeathMentionRelay?
    let logger: Logger

    enum Work: Sendable {
        case upsert([ActRecord])
        case reread(Reread)
    }

    /// Acts to read again from a view of the applied state.
    struct Reread: Sendable {
        let view: AppliedStateView
        /// Every hosted registry group's: the index is replaced by what the view holds.
        let whole: Bool
        /// The snapshots installed in the groups read: the death acts their entries drew up
        /// go to the relay, since this replica never applied them.
        var installed: [GroupID: InstalledSnapshot]
        var group = 0
        var cursor: RegistryQueries.ActCursor? = .first
        var replacement: RegistrySearchIndex.Replacement?
        /// A read or a write failed: the reread ended early and removes nothing.
        var failed = false

        init(view: AppliedStateView, whole: Bool, installed: [GroupID: InstalledSnapshot]) {
            self.view = view
            self.whole = whole
            self.installed = installed
        }
    }

    /// What the loop and the writer task share.
    struct Shared: Sendable {
        var pending: [Work] = []
        var counters = Counters()
        /// The writer holds works taken from `pending`, or rereads under way.
        var busy = false
        var closing = false
        /// The writer has ended.
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// Rereads the writer holds (taken from `pending`, under way or waiting their turn).
        var rereadsHeld = 0

        /// A reread is under way or queued for the writer.
        var rereading: Bool {
            rereadsHeld > 0 || pending.contains { if case .reread = $0 { true } else { false } }
        }
    }

    struct Counters: Sendable {
        var indexed: UInt64 = 0
        var queued = 0
        var rebuilds: UInt64 = 0
        var snapshotRereads: UInt64 = 0
        var lastError: String?
        var needsRebuild = false
        var actsReread = 0
        var incomplete = false
        /// SQLite refused a write since the last rebuild completed.
        var writeFailed = false
    }

    func run(_ wakeups: AsyncStream<Void>) async {
        var rereads: [Reread] = []
        var iterator = wakeups.makeAsyncIterator()
        while true {
            if rereads.isEmpty {
                guard await iterator.next() != nil else { break }
                // Let a few turns' records gather: one SQLite transaction for all of them costs
                // little more than one for a single act (the commit dominates).
                try? await Task.sleep(for: .milliseconds(Self.coalesceMs))
            }
            let (works, closing) = shared.withLockedValue { shared in
                shared.busy = true
                defer { shared.pending = [] }
                return (shared.pending, shared.closing)
            }
            take(works, into: &rereads)
            if closing { break }
            if !rereads.isEmpty {
                if step(&rereads[0]) { finish(rereads.removeFirst()) }
                await Task.yield()
            }
            settle(rereads)
        }
        let rest = shared.withLockedValue { shared in
            defer { shared.pending = [] }
            return shared.pending
        }
        take(rest, into: &rereads)
        for reread in rereads { reread.view.close() }
        let waiters = shared.withLockedValue { shared in
            if !rereads.isEmpty { shared.counters.incomplete = true }
            shared.rereadsHeld = 0
            shared.stopped = true
            shared.busy = false
            defer { shared.waiters = [] }
            return shared.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Writes the queued records and takes the rereads, in order. A rebuild replaces every
    /// reread before it: its view is newer, and it keeps their snapshots for the relay.
    private func take(_ works: [Work], into rereads: inout [Reread]) {
        var records: [ActRecord] = []
        var batches = 0
        for work in works {
            switch work {
            case .upsert(let batch):
                records += batch
                batches += 1
            case .reread(var reread):
                write(records, batches: batches)
                records = []
                batches = 0
                guard reread.whole else {
                    rereads.append(reread)
                    continue
                }
                for earlier in rereads {
                    earlier.view.close()
                    reread.installed.merge(earlier.installed) { later, _ in later }
                }
                rereads = []
                do {
                    reread.replacement = try index.beginReplacement()
                    rereads = [reread]
                } catch {
                    reread.view.close()
                    failed("starting a rebuild of the search index", error, rebuild: true, write: true)
                }
            }
        }
        write(records, batches: batches)
        shared.withLockedValue { $0.rereadsHeld = rereads.count }
    }

    /// The records of `batches` queued batches, the last record of each act kept.
    private func write(_ records: [ActRecord], batches: Int) {
        guard batches > 0 else { return }
        do {
            try index.index(Self.lastOfEach(records))
            shared.withLockedValue { $0.counters.indexed += UInt64(records.count); $0.counters.queued -= batches }
        } catch {
            shared.withLockedValue { $0.counters.queued -= batches }
            failed("writing to the search index", error, rebuild: true, write: true)
        }
    }

    /// The last record of each act, in order; without a repeated act (the common case) the
    /// list is returned as it is, without copying the records.
    static func lastOfEach(_ records: [ActRecord]) -> [ActRecord] {
        var seen = Set<ActID>(minimumCapacity: records.count)
        var kept = [Bool](repeating: false, count: records.count)
        for index in records.indices.reversed() { kept[index] = seen.insert(records[index].act.id).inserted }
        if seen.count == records.count { return records }
        return records.indices.filter { kept[$0] }.map { records[$0] }
    }

    /// Reads and writes one page of `reread`; true when it has read everything, or failed.
    private func step(_ reread: inout Reread) -> Bool {
        while reread.group < reread.view.groups.count, reread.cursor == nil {
            reread.group += 1
            reread.cursor = .first
        }
        guard reread.group < reread.view.groups.count, let cursor = reread.cursor,
              let reader = reread.view.reader(for: reread.view.groups[reread.group]) else { return true }
        let group = reread.view.groups[reread.group]
        let page: (records: [ActRecord], next: RegistryQueries.ActCursor?)
        do {
            page = try RegistryQueries.records(from: cursor, limit: Self.rereadPageActs, in: reader)
        } catch {
            // A rebuild's failure is not tried again by itself (it would read the same damage
            // again): the index is marked incomplete. A snapshot's group is tried again by a rebuild.
            failed("reading the acts of group \(group) again for the search index", error, rebuild: !reread.whole)
            if reread.whole { shared.withLockedValue { $0.counters.incomplete = true } }
            reread.failed = true
            return true
        }
        if let relay, let snapshot = reread.installed[group] {
            let brought = page.records.lazy.map(\.act).filter { act in
                if case .death = act.content { return snapshot.brought(logIndex: act.provenance.logIndex) }
                return false
            }
            if !brought.isEmpty { relay.observe(createdActs: Array(brought)) }
        }
        do {
            try index.index(page.records)
            shared.withLockedValue { $0.counters.indexed += UInt64(page.records.count); $0.counters.actsReread += page.records.count }
        } catch {
            failed("writing to the search index", error, rebuild: true, write: true)
            reread.failed = true
            return true
        }
        reread.cursor = page.next
        return false
    }

    /// Closes a reread that has read everything; a rebuild then removes what it did not find.
    private func finish(_ reread: Reread) {
        reread.view.close()
        guard !reread.failed else { return }
        guard reread.whole, let replacement = reread.replacement else {
            logger.info("search index: the acts of groups \(reread.view.groups) read again after a snapshot")
            shared.withLockedValue { $0.counters.snapshotRereads += UInt64(reread.view.groups.count) }
            return
        }
        do {
            let removed = try index.finishReplacement(replacement)
            if removed > 0 { logger.warning("search index rebuilt: \(removed) acts the applied state does not hold were removed") }
            shared.withLockedValue { $0.counters.rebuilds += 1; $0.counters.incomplete = false; $0.counters.writeFailed = false }
        } catch {
            failed("ending a rebuild of the search index", error, rebuild: true, write: true)
        }
    }

    /// Records a failure; `write`: SQLite refused a write, so the file itself may be at fault
    /// and the next start drops it unless a rebuild completes first.
    private func failed(_ doing: String, _ error: any Error, rebuild: Bool, write: Bool = false) {
        logger.error("\(doing): \(error)")
        shared.withLockedValue { shared in
            shared.counters.lastError = "\(doing): \(error)"
            if rebuild { shared.counters.needsRebuild = true }
            if write { shared.counters.writeFailed = true }
        }
    }

    /// After a step: with nothing left to do, wakes those waiting for the writer to settle.
    private func settle(_ rereads: [Reread]) {
        let waiters = shared.withLockedValue { shared -> [CheckedContinuation<Void, Never>] in
            shared.rereadsHeld = rereads.count
            if rereads.isEmpty { shared.counters.actsReread = 0 }
            guard shared.pending.isEmpty, rereads.isEmpty else { return [] }
            shared.busy = false
            defer { shared.waiters = [] }
            return shared.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
