import Foundation
import Logging
import NIOConcurrencyHelpers
import NodeCore
import Raft
import Registry
import RegistrySearch

/// Keeps this node's search index (SQLite, in its data directory) in step with the acts it
/// applies. The index is derived: it holds nothing the register does not, and is rebuilt from
/// the applied state whenever it may have missed something (an unclean stop, a snapshot
/// installed, an overflow) or on an operator's request.
///
/// Freshness: records reach the index after the turn that applied them, through a queue; a
/// search can miss an act acknowledged a moment earlier. Reads of acts never go through it.
public final class SearchIndexer: Sendable {
    /// The search index (SQLite).
    public let index: RegistrySearchIndex
    let tap = AppliedOutcomeTap()
    private let cleanMarkerPath: String
    private let logger: Logger
    private let wake: AsyncStream<Void>.Continuation
    private let pending = NIOLockedValueBox<[Work]>([])
    private let consumer: Task<Void, Never>
    private let counters = NIOLockedValueBox(Counters())
    /// Given the acts each turn draws up (on the national centre: `DeathMentionRelay`).
    private let relay: DeathMentionRelay?

    /// Record batches waiting to be written to SQLite (one per turn, written together by the
    /// next transaction); beyond this the index is rebuilt rather than letting the queue hold
    /// memory without bound.
    static let queuedBatchesMax = 10_000

    enum Work: Sendable {
        case upsert([ActRecord])
        case replaceAll([ActRecord])
    }

    struct Counters: Sendable {
        var indexed: UInt64 = 0
        var queued: Int = 0
        var rebuilds: UInt64 = 0
        var lastError: String?
        var needsRebuild = false
    }

    /// What the status endpoint shows about the index.
    public struct Status: Codable, Sendable, Equatable {
        /// Acts in the index.
        public var actsIndexed: Int
        /// Record batches waiting to be written.
        public var batchesQueued: Int
        /// Rebuilds since the start.
        public var rebuilds: UInt64
        /// A rebuild is due.
        public var needsRebuild: Bool
        /// The last write error, if any.
        public var lastError: String?
    }

    /// Opens (or creates) the index at `directory/search.sqlite`. When the previous run did not
    /// stop cleanly, or the file has another layout, the index is dropped and `needsRebuild` is set.
    /// The acts each turn draws up also go to `relay`, read once for both.
    public init(directory: String, logger: Logger, relay: DeathMentionRelay? = nil) throws {
        self.relay = relay
        let path = directory + "/search.sqlite"
        cleanMarkerPath = directory + "/search.clean"
        self.logger = logger
        let clean = FileManager.default.fileExists(atPath: cleanMarkerPath)
        if !clean {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try? FileManager.default.removeItem(atPath: cleanMarkerPath)
        let index = try RegistrySearchIndex(path: path)
        self.index = index
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        let counters = counters
        let pending = pending
        // An index of another layout (an older version of Sijil) was emptied on opening.
        counters.withLockedValue { $0.needsRebuild = !clean || index.replacedOtherLayout }
        consumer = Task.detached {
            for await _ in wakeups {
                // Let a few turns' records gather: one SQLite transaction for all of them costs
                // little more than one for a single act (the commit dominates).
                try? await Task.sleep(for: .milliseconds(Self.coalesceMs))
                let works = pending.withLockedValue { works -> [Work] in
                    defer { works = [] }
                    return works
                }
                Self.write(Self.coalesce(works), index: index, counters: counters, logger: logger)
            }
            let rest = pending.withLockedValue { works -> [Work] in
                defer { works = [] }
                return works
            }
            Self.write(Self.coalesce(rest), index: index, counters: counters, logger: logger)
        }
    }

    /// Milliseconds a batch of records waits for more before it is written. The index is
    /// asynchronous anyway; this bounds how stale a search can be on an idle node.
    static let coalesceMs = 50

    /// What to write for a list of queued works: the last full replacement, if any, and every
    /// upsert after it, merged (the last record of an act wins).
    static func coalesce(_ works: [Work]) -> (replacement: [ActRecord]?, upserts: [ActRecord], count: Int) {
        var replacement: [ActRecord]?
        var upserts: [ActRecord] = []
        for work in works {
            switch work {
            case .upsert(let records): upserts += records
            case .replaceAll(let records):
                replacement = records
                upserts = []
            }
        }
        // The last record of each act, in order; without a repeated act (the common case) the
        // list is returned as it is, without copying the records.
        var seen = Set<ActID>(minimumCapacity: upserts.count)
        var kept = [Bool](repeating: false, count: upserts.count)
        for index in upserts.indices.reversed() { kept[index] = seen.insert(upserts[index].act.id).inserted }
        if seen.count == upserts.count { return (replacement, upserts, works.count) }
        return (replacement, upserts.indices.filter { kept[$0] }.map { upserts[$0] }, works.count)
    }

    private static func write(_ plan: (replacement: [ActRecord]?, upserts: [ActRecord], count: Int), index: RegistrySearchIndex,
                              counters: NIOLockedValueBox<Counters>, logger: Logger) {
        guard plan.count > 0 else { return }
        do {
            if let replacement = plan.replacement {
                try index.rebuild(from: replacement)
                counters.withLockedValue { $0.rebuilds += 1; $0.indexed += UInt64(replacement.count) }
            }
            try index.index(plan.upserts)
            counters.withLockedValue { $0.indexed += UInt64(plan.upserts.count); $0.queued -= plan.count }
        } catch {
            logger.error("search index write failed: \(error)")
            counters.withLockedValue { $0.lastError = "\(error)"; $0.needsRebuild = true; $0.queued -= plan.count }
        }
    }

    /// Wraps a group's registry machine so that its outcomes reach the index.
    func machine(for group: GroupID) -> any StateMachine {
        TappedRegistryMachine(inner: ShardMachine(), group: group, tap: tap)
    }

    private func enqueue(_ work: Work) {
        let accepted = counters.withLockedValue { counters -> Bool in
            guard counters.queued < Self.queuedBatchesMax else {
                counters.needsRebuild = true
                return false
            }
            counters.queued += 1
            return true
        }
        if accepted {
            pending.withLockedValue { $0.append(work) }
            wake.yield()
        }
    }

    /// On the loop thread, after a turn: reads the acts the turn's outcomes touched from the
    /// applied state and queues them for the index; rebuilds when something was missed (an
    /// overflow, an unclean stop). A group whose state a snapshot replaced in the turn is read
    /// again whole and its acts indexed again (acts are never removed from a register, so what
    /// the index held of it stays true). The acts the turn drew up also go to the relay, if any,
    /// rebuild or not.
    func afterTurn(_ core: NodeCore) {
        let (outcomes, overflowed) = tap.drain()
        let installed = core.takeInstalledSnapshots()
        if overflowed { counters.withLockedValue { $0.needsRebuild = true } }
        let rebuilding = counters.withLockedValue { $0.needsRebuild }
        // A turn whose acts the rebuild indexes still hands the relay what it drew up.
        guard !outcomes.isEmpty || (!installed.isEmpty && !rebuilding), !rebuilding || relay != nil else {
            if rebuilding { rebuild(core, installed: installed) }
            return
        }
        var records: [ActRecord] = []
        var created: [Act] = []
        for (group, touched) in outcomes {
            guard let reader = core.stateReader(for: group) else { continue }
            let drawnUp = relay == nil ? [] : Set(touched.lazy.filter(\.created).map(\.id))
            for (id, withMentions) in Self.reads(touched) where !rebuilding || drawnUp.contains(id) {
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
        if rebuilding {
            rebuild(core, installed: installed)
            return
        }
        if !installed.isEmpty, let whole = read(core, groups: Set(installed.keys), installed: installed) {
            records += whole
        }
        if !records.isEmpty { enqueue(.upsert(records)) }
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

    /// On the loop thread: reads every act of every hosted group and replaces the index with
    /// them. It pauses the loop for the time of the read (acceptable at start and on an
    /// operator's request; see docs/OPERATIONS.md).
    func rebuild(_ core: NodeCore, installed: [GroupID: InstalledSnapshot] = [:]) {
        guard let records = read(core, groups: Set(core.groupIDs), installed: installed) else { return }
        _ = tap.drain()
        counters.withLockedValue { $0.needsRebuild = false; $0.queued += 1 }
        pending.withLockedValue { $0.append(.replaceAll(records)) }
        wake.yield()
    }

    /// Every act of `groups` (the registry's), read from the applied state; nil when a read
    /// failed (logged). The death acts drawn up by the entries a snapshot in `installed` brought
    /// go to the relay, if any: this replica never applied them.
    private func read(_ core: NodeCore, groups: Set<GroupID>, installed: [GroupID: InstalledSnapshot]) -> [ActRecord]? {
        var records: [ActRecord] = []
        var brought: [Act] = []
        do {
            for group in core.groupIDs where groups.contains(group) {
                guard core.descriptor(of: group)?.machine == RegistryMachine.machineName, let reader = core.stateReader(for: group) else { continue }
                let snapshot = relay == nil ? nil : installed[group]
                try RegistryQueries.forEachRecord(in: reader) { record in
                    if let snapshot, case .death = record.act.content, snapshot.brought(logIndex: record.act.provenance.logIndex) {
                        brought.append(record.act)
                    }
                    records.append(record)
                }
            }
        } catch {
            logger.error("reading the acts of groups \(groups.sorted()) for the search index: \(error)")
            counters.withLockedValue { $0.lastError = "\(error)"; $0.needsRebuild = true }
            return nil
        }
        if !brought.isEmpty { relay?.observe(createdActs: brought) }
        return records
    }

    /// Asks for a rebuild at the end of the next turn.
    public func requestRebuild() {
        counters.withLockedValue { $0.needsRebuild = true }
    }

    /// The index's state, for the status endpoint.
    public func status() -> Status {
        let counters = counters.withLockedValue { $0 }
        return Status(actsIndexed: (try? index.count()) ?? -1, batchesQueued: counters.queued, rebuilds: counters.rebuilds,
                      needsRebuild: counters.needsRebuild, lastError: counters.lastError)
    }

    /// Writes what is queued, then leaves the marker that tells the next start the index is complete.
    public func close() async {
        wake.finish()
        await consumer.value
        let failed = counters.withLockedValue { $0.needsRebuild }
        if !failed { _ = FileManager.default.createFile(atPath: cleanMarkerPath, contents: Data()) }
    }
}
