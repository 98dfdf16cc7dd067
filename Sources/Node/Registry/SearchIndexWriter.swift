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

        /// Where a rebuild stands, for the next start to take it up after a clean stop; nil for
        /// a reread that is not a rebuild, or one that failed.
        var progress: RebuildProgress? {
            guard whole, !failed, let replacement else { return nil }
            let (group, cursor) = self.cursor.map { (self.group, $0) } ?? (self.group + 1, .first)
            return RebuildProgress(pass: replacement.pass, groups: view.groups, generations: view.generations,
                                   group: group, cursor: Hex.encode(cursor.keyBytes))
        }

        init(view: AppliedStateView, whole: Bool, installed: [GroupID: InstalledSnapshot]) {
            self.view = view
            self.whole = whole
            self.installed = installed
        }
    }

    /// Where a rebuild stood when a clean stop abandoned it, written down beside the index's
    /// clean marker (`search.rebuild`). The next start takes it up from there when its first rebuild's view holds the same
    /// groups at the same generations (no snapshot replaced one since): every act of the groups
    /// and pages already read is still in the state (acts are only added, mentions only
    /// appended), and its row is marked with the pass, as is every act written since the rebuild
    /// began. Otherwise the rebuild starts over.
    struct RebuildProgress: Codable, Sendable, Equatable {
        /// The replacement pass the rebuild marks its rows with.
        var pass: Int64
        /// The groups its view held, and their states' generations.
        var groups: [GroupID]
        var generations: [UInt32]
        /// The group it was reading (a position in `groups`), and the first act key of it not
        /// read yet, in hexadecimal.
        var group: Int
        var cursor: String

        /// Where to take it up in a view of `groups` at `generations`; nil when that view does
        /// not hold what this rebuild read.
        func position(groups: [GroupID], generations: [UInt32]) -> (group: Int, cursor: RegistryQueries.ActCursor)? {
            guard groups == self.groups, generations == self.generations, (0...groups.count).contains(group),
                  let bytes = Hex.decode(cursor), let cursor = RegistryQueries.ActCursor(resuming: bytes) else { return nil }
            return (group, cursor)
        }

        /// The progress a clean stop wrote down; nil for none or for text that is not one.
        static func decode(_ data: Data) -> RebuildProgress? {
            guard !data.isEmpty else { return nil }
            return try? JSONDecoder().decode(RebuildProgress.self, from: data)
        }

        func encoded() -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
        }
    }

    /// A rebuild a previous run left, taken up by the first rebuild if its view allows.
    struct Resume: Sendable {
        let progress: RebuildProgress
        /// The pass, already resumed in the index, so that every write from the start marks it.
        let replacement: RegistrySearchIndex.Replacement
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
        /// A rebuild the previous run left, until the first rebuild takes it up or starts over.
        var resume: Resume?
        /// Where the rebuild under way stood when the writer ended, if one was.
        var abandoned: RebuildProgress?

        /// Something may be missing from the index: a rebuild is due, and it reads everything
        /// again rather than take up one a previous run left.
        mutating func rebuildWhole() {
            counters.needsRebuild = true
            resume = nil
        }

        /// A reread is under way or queued for the writer.
        var rereading: Bool {
            rereadsHeld > 0 || pending.contains { if case .reread = $0 { true } else { false } }
        }
    }

    struct Counters: Sendable {
        var indexed: UInt64 = 0
        var queued = 0
        var rebuilds: UInt64 = 0
        var resumedRebuilds: UInt64 = 0
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
        let abandoned = rereads.first?.progress
        for reread in rereads { reread.view.close() }
        let waiters = shared.withLockedValue { shared in
            if !rereads.isEmpty { shared.counters.incomplete = true }
            shared.abandoned = abandoned
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
                let resume = shared.withLockedValue { shared in
                    defer { shared.resume = nil }
                    return shared.resume
                }
                if let resume, let position = resume.progress.position(groups: reread.view.groups, generations: reread.view.generations) {
                    reread.replacement = resume.replacement
                    reread.group = position.group
                    reread.cursor = position.cursor
                    rereads = [reread]
                    logger.info("search index: the rebuild of pass \(resume.replacement.pass) taken up where the last stop left it, at group \(position.group + 1) of \(reread.view.groups.count)")
                    shared.withLockedValue { $0.counters.resumedRebuilds += 1 }
                    continue
                }
                if let resume {
                    logger.info("search index: the rebuild of pass \(resume.replacement.pass) starts over (the groups it read, their states or the position it recorded no longer match)")
                }
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
            if rebuild { shared.rebuildWhole() }
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
