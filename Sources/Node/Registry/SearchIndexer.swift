import Foundation
import Logging
import NIOConcurrencyHelpers
import NodeCore
import Raft
import Registry
import RegistrySearch

/// Keeps this node's search index (SQLite, in its data directory) in step with the acts it
/// applies. The index is derived: it holds nothing the register does not, and is rebuilt from
/// the applied state whenever it may have missed something (an unclean stop, an overflow) or on
/// an operator's request; the acts of a group whose state a snapshot replaced are read again.
///
/// Freshness: records reach the index after the turn that applied them, through a queue; a
/// search can miss an act acknowledged a moment earlier. Reads of acts never go through it.
///
/// Rereads (a rebuild, a group a snapshot replaced) never read on the node's loop: the loop
/// opens a view of the applied state between two turns, and the index's writer task reads it
/// a page at a time (`SearchIndexWriter`), between the records the turns keep queueing. Memory
/// stays bounded by a page whatever the size of the state, and the loop does not pause. A read
/// of an act taken before a newer one was written never replaces it (`RegistrySearchIndex.index`).
public final class SearchIndexer: Sendable {
    /// The search index (SQLite).
    public let index: RegistrySearchIndex
    let tap = AppliedOutcomeTap()
    private let cleanMarkerPath: String
    /// Where a rebuild under way at a clean stop stood (`SearchIndexWriter.RebuildProgress`),
    /// beside the marker, whose content stays what earlier versions of Sijil read.
    private let progressPath: String
    private let logger: Logger
    private let wake: AsyncStream<Void>.Continuation
    private let shared: NIOLockedValueBox<SearchIndexWriter.Shared>
    private let consumer: Task<Void, Never>
    /// Given the acts each turn draws up (on the national centre: `DeathMentionRelay`).
    private let relay: DeathMentionRelay?

    /// Record batches waiting to be written to SQLite (one per turn, written together by the
    /// next transaction); beyond this the index is rebuilt rather than letting the queue hold
    /// memory without bound.
    static let queuedBatchesMax = 10_000

    /// What the status endpoint shows about the index.
    public struct Status: Codable, Sendable, Equatable {
        /// Acts in the index.
        public var actsIndexed: Int
        /// Record batches waiting to be written.
        public var batchesQueued: Int
        /// Rebuilds completed since the start.
        public var rebuilds: UInt64
        /// Rebuilds taken up, since the start, where a clean stop of the previous run left them
        /// (counted when taken up) rather than started over.
        public var resumedRebuilds: UInt64
        /// Groups whose acts were read again, since the start, after a snapshot replaced their
        /// state (a replica that caught up from a snapshot rather than from the log).
        public var snapshotRereads: UInt64
        /// A rebuild is due: it starts after the node's next turn.
        public var needsRebuild: Bool
        /// Acts are being read again from the applied state (a rebuild, or a group a snapshot
        /// replaced): until it ends, searches can miss acts the index did not hold before.
        public var rereading: Bool
        /// Acts read again so far by the rereads under way.
        public var actsReread: Int
        /// A rebuild's read failed (see `lastError`): the index may miss acts until the next
        /// rebuild, which the next start does, or an operator's request.
        public var incomplete: Bool
        /// The last write or read error, if any.
        public var lastError: String?
    }

    /// Opens (or creates) the index at `directory/search.sqlite`. When the previous run did not
    /// stop cleanly, or the file has another layout, the index is dropped and `needsRebuild` is
    /// set. When it stopped cleanly with a rebuild due or under way, the index is kept (every
    /// row it holds is true) and `needsRebuild` is set: searches go on while it is rebuilt. A
    /// rebuild that was under way is taken up where it stopped when the state still holds what it
    /// read (`SearchIndexWriter.RebuildProgress`).
    /// The acts each turn draws up also go to `relay`, read once for both.
    public init(directory: String, logger: Logger, relay: DeathMentionRelay? = nil) throws {
        self.relay = relay
        let path = directory + "/search.sqlite"
        cleanMarkerPath = directory + "/search.clean"
        progressPath = directory + "/search.rebuild"
        self.logger = logger
        let clean = FileManager.default.fileExists(atPath: cleanMarkerPath)
        let rebuildDue = clean && FileManager.default.contents(atPath: cleanMarkerPath) == Self.rebuildDueMarker
        let progress = rebuildDue ? FileManager.default.contents(atPath: progressPath).flatMap(SearchIndexWriter.RebuildProgress.decode) : nil
        if !clean {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try? FileManager.default.removeItem(atPath: cleanMarkerPath)
        try? FileManager.default.removeItem(atPath: progressPath)
        let index = try RegistrySearchIndex(path: path)
        self.index = index
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        // An index of another layout (an older version of Sijil) was emptied on opening.
        var initial = SearchIndexWriter.Shared()
        initial.counters.needsRebuild = !clean || rebuildDue || index.replacedOtherLayout
        if let progress, !index.replacedOtherLayout {
            do {
                // Before any write, so that every row written from now on carries the pass.
                initial.resume = SearchIndexWriter.Resume(progress: progress, replacement: try index.resumeReplacement(pass: progress.pass))
            } catch {
                logger.warning("search index: the rebuild left by the last stop starts over: \(error)")
            }
        }
        let shared = NIOLockedValueBox(initial)
        self.shared = shared
        let writer = SearchIndexWriter(index: index, shared: shared, relay: relay, logger: logger)
        consumer = Task.detached { await writer.run(wakeups) }
    }

    /// Wraps a group's registry machine so that its outcomes reach the index.
    func machine(for group: GroupID) -> any StateMachine {
        TappedRegistryMachine(inner: ShardMachine(), group: group, tap: tap)
    }

    private func enqueue(_ records: [ActRecord]) {
        let accepted = shared.withLockedValue { shared -> Bool in
            guard shared.counters.queued < Self.queuedBatchesMax else {
                shared.rebuildWhole()
                return false
            }
            shared.counters.queued += 1
            shared.pending.append(.upsert(records))
            return true
        }
        if accepted { wake.yield() }
    }

    /// On the loop thread, after a turn: reads the acts the turn's outcomes touched from the
    /// applied state and queues them for the index. When something was missed (an overflow, an
    /// unclean stop) or an operator asked, it opens a view of the whole applied state for a
    /// rebuild instead; a group whose state a snapshot replaced in the turn gets a view of its
    /// own, and its acts are read again (acts are never removed from a register, so what the
    /// index held of it stays true meanwhile). The acts the turn drew up go to the relay, if
    /// any, rebuild or not.
    func afterTurn(_ core: NodeCore) {
        let (outcomes, overflowed) = tap.drain()
        let installed = core.takeInstalledSnapshots()
        let (rebuilding, resuming) = shared.withLockedValue { shared -> (Bool, Bool) in
            if overflowed { shared.rebuildWhole() }
            return (shared.counters.needsRebuild, shared.resume != nil)
        }
        // A rebuild reads what the turn touched, unless it is taken up past those acts: while
        // one may be, the turn's records are written as usual.
        let leftToTheRebuild = rebuilding && !resuming
        // A turn whose acts a rebuild reads still hands the relay what it drew up.
        if !outcomes.isEmpty && (!leftToTheRebuild || relay != nil) {
            var records: [ActRecord] = []
            var created: [Act] = []
            for (group, touched) in outcomes {
                guard let reader = core.stateReader(for: group) else { continue }
                let drawnUp = relay == nil ? [] : Set(touched.lazy.filter(\.created).map(\.id))
                for (id, withMentions) in Self.reads(touched) where !leftToTheRebuild || drawnUp.contains(id) {
                    do {
                        if withMentions {
                            if let record = try RegistryQueries.record(id, in: reader) { records.append(record) }
                        } else if let act = try RegistryQueries.act(id, in: reader) {
                            records.append(ActRecord(act: act, mentions: []))
                        }
                        if drawnUp.contains(id), let record = records.last, record.act.id == id { created.append(record.act) }
                    } catch {
                        logger.error("reading act \(id) for the search index: \(error)")
                    }
                }
            }
            if !created.isEmpty { relay?.observe(createdActs: created) }
            if !leftToTheRebuild && !records.isEmpty { enqueue(records) }
        }
        if rebuilding {
            reread(core, whole: true, installed: installed)
        } else if !installed.isEmpty {
            reread(core, whole: false, installed: installed)
        }
    }

    /// Opens a view of the applied state of every hosted registry group (`whole`, a rebuild) or
    /// of those in `installed`, and hands it to the writer task.
    private func reread(_ core: NodeCore, whole: Bool, installed: [GroupID: InstalledSnapshot]) {
        let groups = core.groupIDs.filter { group in
            (whole || installed[group] != nil) && core.descriptor(of: group)?.machine == RegistryMachine.machineName
        }
        let view: AppliedStateView
        do {
            view = try core.openAppliedStateView(of: groups)
        } catch {
            logger.error("opening a view of the applied state for the search index: \(error)")
            // Tried again, as a rebuild, after the next turn.
            shared.withLockedValue { $0.counters.lastError = "\(error)"; $0.counters.needsRebuild = true }
            return
        }
        shared.withLockedValue { shared in
            if whole { shared.counters.needsRebuild = false }
            shared.pending.append(.reread(SearchIndexWriter.Reread(view: view, whole: whole, installed: relay == nil ? [:] : installed)))
        }
        wake.yield()
    }

    /// Each act touched once, in the order first touched, and whether its mentions must be read.
    /// An act drawn up during this turn can only carry mentions appended during it too, and each
    /// of those is a touch of its own: without one, the act has none, and reading them (a scan)
    /// is skipped.
    static func reads(_ touched: [TouchedAct]) -> [(id: ActID, withMentions: Bool)] {
        var order: [ActID] = []
        var withMentions: [ActID: Bool] = [:]
        for act in touched {
            if let seen = withMentions[act.id] {
                withMentions[act.id] = seen || !act.created
            } else {
                order.append(act.id)
                withMentions[act.id] = !act.created
            }
        }
        return order.map { ($0, withMentions[$0] ?? true) }
    }

    /// A rebuild the previous run left is waiting to be taken up by the first one.
    var takesUpARebuild: Bool { shared.withLockedValue { $0.resume != nil } }

    /// Asks for a rebuild at the end of the next turn.
    public func requestRebuild() {
        shared.withLockedValue { $0.rebuildWhole() }
    }

    /// The index's state, for the status endpoint.
    public func status() -> Status {
        let (counters, rereading) = shared.withLockedValue { ($0.counters, $0.rereading) }
        return Status(actsIndexed: index.count(), batchesQueued: counters.queued, rebuilds: counters.rebuilds, resumedRebuilds: counters.resumedRebuilds,
                      snapshotRereads: counters.snapshotRereads, needsRebuild: counters.needsRebuild, rereading: rereading, actsReread: counters.actsReread,
                      incomplete: counters.incomplete, lastError: counters.lastError)
    }

    /// Returns once everything handed to the writer task so far is written, rereads included.
    /// A rebuild that is due but not started (it starts after a turn) is not waited for.
    public func settled() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = shared.withLockedValue { shared -> Bool in
                if shared.stopped || (!shared.busy && shared.pending.isEmpty) { return true }
                shared.waiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// What the marker holds when the index stopped cleanly with a rebuild due.
    static let rebuildDueMarker = Data("rebuild due\n".utf8)

    /// Writes the records queued, then leaves the marker that tells the next start the index
    /// stopped cleanly. A reread under way is abandoned: the marker then says a rebuild is due,
    /// and `search.rebuild` where a rebuild under way stood; the next start keeps the index and
    /// rebuilds it, from there when it can. No marker is left once SQLite has refused a write
    /// since the last complete rebuild: the next start drops the file.
    public func close() async {
        beginClosing()
        await consumer.value
        let (complete, writeFailed, resumable) = shared.withLockedValue { shared in
            (!shared.counters.needsRebuild && !shared.counters.incomplete, shared.counters.writeFailed,
             // One left by the previous run and not taken up yet stays where it was; a rebuild
             // asked for since the one under way began starts over.
             shared.resume?.progress ?? (shared.counters.needsRebuild ? nil : shared.abandoned))
        }
        guard !writeFailed else { return }
        // The progress first: only a marker makes the next start read it.
        if !complete, let resumable { _ = FileManager.default.createFile(atPath: progressPath, contents: resumable.encoded()) }
        _ = FileManager.default.createFile(atPath: cleanMarkerPath, contents: complete ? Data() : Self.rebuildDueMarker)
    }

    /// The first half of ``close()``: the writer task stops after the page it is writing.
    func beginClosing() {
        shared.withLockedValue { $0.closing = true }
        wake.finish()
    }
}
