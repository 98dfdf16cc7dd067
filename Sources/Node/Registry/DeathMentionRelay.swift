import Foundation
import Logging
import NIOConcurrencyHelpers
import NodeCore
import Registry
import Services

/// On the national centre: puts on a birth act the death mention that a death act drawn up in
/// another region calls for (docs/REGISTRY.md §1).
///
/// A regional node holds no replica of another region's groups, so it cannot propose there and
/// its answer says `other_region`. The centre holds a replica of every group and applies every
/// death act: after the turn that applied one, it queues the mention, then proposes it to the
/// birth act's group with the request (id, officer, time) the death act alone determines, so a
/// proposal repeated (a retry, an entry applied again after a restart, the sweep) writes it once.
///
/// A queued mention is recorded in a journal (`DeathMentionJournal`) before it is proposed, and
/// taken out of it once written, so a stop of the centre loses none: the next start proposes
/// again what the journal holds. A failure that may pass (no leader, a timeout, an overloaded
/// node, as while the birth act's region is cut off) sets the mention aside, to be proposed
/// again after a pause that grows from one second to a minute, while the mentions for other
/// groups go on; it is given up after `retryWindow`. Until then, the other mentions for the same
/// group wait as well, so a group out of reach costs one proposal a pause, not one per mention.
/// A mention given up, one the register refuses, and one beyond `pendingMax` are logged and
/// counted (`sijil_death_mentions_unwritten_total`) and left to `sijil cluster death-mentions`.
/// Death acts the centre received in a snapshot rather than applied reach the relay from the
/// search indexer, which reads the group's acts again after the snapshot (`SearchIndexer.afterTurn`).
public final class DeathMentionRelay: Sendable {
    /// A mention waiting to be proposed.
    struct Pending: Sendable, Equatable {
        var request: RegistryRequest
        var deathAct: ActID
        var birthAct: ActID
        /// When it was first queued (kept across restarts by the journal).
        var queuedAt: Date
        /// Proposals made since this node started.
        var attempts = 0
        /// Not proposed before this time.
        var notBefore: Date

        init(request: RegistryRequest, deathAct: ActID, birthAct: ActID, queuedAt: Date) {
            self.request = request
            self.deathAct = deathAct
            self.birthAct = birthAct
            self.queuedAt = queuedAt
            self.notBefore = queuedAt
        }

        /// As the journal records it.
        var entry: DeathMentionJournal.Entry { DeathMentionJournal.Entry(request: request, queuedAt: queuedAt) }

        /// The mention `request` puts, if it is the one its death act determines (as a journal
        /// entry read back must be).
        init?(request: RegistryRequest, queuedAt: Date) {
            guard case .appendMention(let birthAct, .death(let mention)) = request.operation, let deathAct = mention.deathAct,
                  request.requestID == DeathMentions.requestID(deathAct: deathAct) else { return nil }
            self.init(request: request, deathAct: deathAct, birthAct: birthAct, queuedAt: queuedAt)
        }
    }

    /// The journal's file name in the node's data directory.
    public static let journalFileName = "death-mentions.journal"

    /// Mentions waiting at most; beyond, one is counted unwritten at once (the sweep writes it)
    /// rather than the queue holding memory without bound.
    static let pendingMax = 100_000
    /// How long a mention whose proposals fail in ways that may pass is proposed again.
    static let retryWindow: TimeInterval = 7 * 24 * 3600

    /// The pause before proposal `attempt` (2 and up): 1, 2, 4, 8, 16 and 32 seconds, then a minute.
    static func pause(beforeAttempt attempt: Int) -> TimeInterval {
        min(TimeInterval(1 << min(max(attempt - 2, 0), 6)), 60)
    }

    /// Proposes one mention with its audit record.
    typealias Propose = @Sendable (RegistryRequest, AuditRecord) async -> (status: DeathMentionStatus, retryable: Bool)

    private struct State {
        /// Observed after a turn, not yet in the journal.
        var incoming: [Pending] = []
        /// In the journal, to propose now, in order; the ones before `head` were taken already.
        var ready: [Pending] = []
        var head = 0
        /// In the journal, set aside after a failure that may pass, until their `notBefore`.
        var waiting: [Pending] = []
        var consumer: Task<Void, Never>?
        /// Wakes the consumer when the first mention set aside is due.
        var timer: Task<Void, Never>?
        /// The running node's topology, once started.
        var topology: (@Sendable () -> ClusterTopology)?
        /// The mention being proposed, taken from `ready`.
        var proposing = 0
        /// The request ids of every mention above: a death act applied again after a stop is
        /// queued once.
        var ids = Set<Registry.RequestID>()
        /// Birth acts' groups whose last proposal failed in a way that may pass: the other
        /// mentions for them wait until then rather than each failing in turn.
        var heldGroups: [UInt64: Date] = [:]

        var count: Int { incoming.count + ready.count - head + waiting.count + proposing }

        mutating func take() -> Pending? {
            guard head < ready.count else { return nil }
            let next = ready[head]
            head += 1
            // Reclaim the taken prefix once it is the larger part of the array.
            if head * 2 >= ready.count {
                ready.removeFirst(head)
                head = 0
            }
            return next
        }

        /// Puts `item`, taken and not proposed to the end, back first in line.
        mutating func putBack(_ item: Pending) {
            ready.insert(item, at: head)
        }

        /// Everything not done, in the order it is proposed (for rewriting the journal).
        var unfinished: [Pending] { Array(ready[head...]) + waiting }
    }

    private let nodeID: UInt64
    private let metrics: NodeMetrics?
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    /// Touched only by the task relaying (the consumer, or a test driving `relayDue`).
    private let journal: NIOLockedValueBox<DeathMentionJournal?>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// A relay on node `nodeID`, recording what it has to write in the journal at
    /// `journalPath` (none: kept in memory only). It proposes nothing until `start`; what the
    /// journal holds from before is queued first.
    public init(nodeID: UInt64, metrics: NodeMetrics?, logger: Logger, journalPath: String?) {
        self.nodeID = nodeID
        self.metrics = metrics
        self.logger = logger
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        var restored: [Pending] = []
        var journal: DeathMentionJournal?
        if let journalPath {
            let opened = DeathMentionJournal(path: journalPath)
            let contents = opened.read()
            for problem in contents.damaged {
                metrics?.recordUnwrittenDeathMention()
                logger.error("death-mention journal \(journalPath), \(problem): the mention it held is left to sijil cluster death-mentions")
            }
            for entry in contents.pending {
                if let item = Pending(request: entry.request, queuedAt: entry.queuedAt) {
                    restored.append(item)
                } else {
                    metrics?.recordUnwrittenDeathMention()
                    logger.error("death-mention journal \(journalPath): request \(entry.request.requestID) is not the death mention of its death act; not proposed")
                }
            }
            if !restored.isEmpty { logger.info("death-mention journal \(journalPath): \(restored.count) mentions to write from before the start") }
            do {
                // Starts again from what is still to write, without the damaged lines.
                try opened.compact(restored.map(\.entry))
                journal = opened
            } catch {
                logger.error("death-mention journal unusable, mentions are kept in memory only until the next start: \(error)")
            }
        }
        self.journal = NIOLockedValueBox(journal)
        state.withLockedValue { state in
            state.ready = restored
            state.ids = Set(restored.map(\.request.requestID))
        }
        metrics?.recordWaitingDeathMentions(restored.count)
    }

    /// Starts proposing through `gateway`, routing by its topology, the mentions queued so far first.
    public func start(gateway: RegistryGateway) {
        start(topology: { gateway.topology }) { request, audit in
            await DeathMentions.propose(request, audit: audit, gateway: gateway)
        }
    }

    /// Starts proposing with `propose`, routing by `topology`.
    func start(topology: @escaping @Sendable () -> ClusterTopology, propose: @escaping Propose) {
        let wakeups = wakeups
        route(by: topology)
        state.withLockedValue { state in
            guard state.consumer == nil else { return }
            state.consumer = Task.detached { [self] in
                for await _ in wakeups {
                    switch await relayDue(now: Date.init, propose: propose) {
                    case .cancelled: return
                    case .idle: continue
                    case .nextDue(let due): wake(at: due)
                    }
                }
            }
        }
        wake.yield()
    }

    /// Has the consumer look again at `due`.
    private func wake(at due: Date) {
        let wake = wake
        let delay = max(0, due.timeIntervalSinceNow)
        state.withLockedValue { state in
            state.timer?.cancel()
            state.timer = Task.detached {
                guard (try? await Task.sleep(for: .seconds(delay))) != nil else { return }
                wake.yield()
            }
        }
    }

    /// From now on, queues only the death acts whose birth act another region holds in `topology`.
    func route(by topology: @escaping @Sendable () -> ClusterTopology) {
        state.withLockedValue { $0.topology = topology }
    }

    /// Stops proposing; what is still queued stays in the journal for the next start.
    public func close() async {
        wake.finish()
        let (consumer, timer) = state.withLockedValue { state -> (Task<Void, Never>?, Task<Void, Never>?) in
            defer {
                state.consumer = nil
                state.timer = nil
            }
            return (state.consumer, state.timer)
        }
        timer?.cancel()
        consumer?.cancel()
        await consumer?.value
        // Observed since the last pass: kept for the next start too.
        _ = journalObserved()
        journal.withLockedValue { $0?.close() }
    }

    /// Mentions waiting to be written (queued, or set aside to be proposed again).
    var queued: Int { state.withLockedValue { $0.count } }

    /// On the loop thread, after a turn: queues the mention of every death act among `acts`
    /// (drawn up in that turn) whose birth act another region holds (that region's node cannot
    /// write it). Before the relay starts, the node's topology is not known yet: every death
    /// act naming a birth act is queued, and the ones of the same region are dropped when their
    /// turn comes. Imported acts are left alone: their birth acts carry the mentions the paper
    /// registers had.
    func observe(createdActs acts: [Act], now: Date = Date()) {
        var found: [Pending] = []
        let topology = state.withLockedValue { $0.topology }?()
        for act in acts {
            guard case .live = act.origin, case .death(let death) = act.content, let birthAct = DeathMentions.birthAct(of: death) else { continue }
            let request = DeathMentions.mention(of: death, deathAct: act.id, birthAct: birthAct, officer: act.officer, recordedAt: act.recordedAt)
            let item = Pending(request: request, deathAct: act.id, birthAct: birthAct, queuedAt: now)
            if let topology, !crossesRegions(item, topology: topology) { continue }
            found.append(item)
        }
        guard !found.isEmpty else { return }
        let dropped = state.withLockedValue { state -> [Pending] in
            var dropped: [Pending] = []
            for item in found where !state.ids.contains(item.request.requestID) {
                if state.count < Self.pendingMax {
                    state.incoming.append(item)
                    state.ids.insert(item.request.requestID)
                } else {
                    dropped.append(item)
                }
            }
            return dropped
        }
        for item in dropped {
            unwritten(item, code: "relay_queue_full", message: "\(Self.pendingMax) mentions were already waiting")
        }
        reportWaiting()
        wake.yield()
    }

    /// Whether the birth act of `item` is held by another region than its death act. One no
    /// region holds cannot be written by anyone: the sweep reports it.
    func crossesRegions(_ item: Pending, topology: ClusterTopology) -> Bool {
        guard let deathRegion = topology.region(forOffice: item.deathAct.register.office.rawValue)?.key,
              let birthRegion = topology.region(forOffice: item.birthAct.register.office.rawValue)?.key else { return false }
        return deathRegion != birthRegion
    }

    /// What one pass of `relayDue` left.
    enum Pass: Equatable {
        /// Nothing waits.
        case idle
        /// The first mention set aside is due then.
        case nextDue(Date)
        /// The relay was closed during the pass.
        case cancelled
    }

    /// Records the mentions observed since the last call in the journal, then proposes every
    /// mention due at `now()`, in order, routing by the topology `route(by:)` gave (none yet:
    /// nothing is proposed).
    func relayDue(now: () -> Date, propose: Propose) async -> Pass {
        let observed = journalObserved()
        guard let topology = state.withLockedValue({ $0.topology }) else {
            state.withLockedValue { $0.ready += observed }
            return .idle
        }
        let moment = now()
        state.withLockedValue { state in
            state.ready += observed
            let due = state.waiting.filter { $0.notBefore <= moment }
            state.waiting.removeAll { $0.notBefore <= moment }
            state.ready += due
        }
        while let next = take() {
            if Task.isCancelled {
                state.withLockedValue { $0.putBack(next) }
                return .cancelled
            }
            let current = topology()
            guard crossesRegions(next, topology: current) else {
                done(next)
                continue
            }
            let group = current.group(forOffice: next.birthAct.register.office.rawValue)
            let held = state.withLockedValue { state -> Bool in
                guard let group, let until = state.heldGroups[group], until > now() else { return false }
                var deferred = next
                deferred.notBefore = until
                state.waiting.append(deferred)
                return true
            }
            if held { continue }
            state.withLockedValue { $0.proposing = 1 }
            let outcome = await relay(next, now: now(), propose: propose)
            state.withLockedValue { state in
                state.proposing = 0
                guard let group else { return }
                // Set aside: the group is held until the mention is due again; otherwise free.
                if case .setAside(let until) = outcome { state.heldGroups[group] = until } else { state.heldGroups[group] = nil }
            }
            reportWaiting()
            if outcome == .cancelled { return .cancelled }
        }
        reportWaiting()
        return state.withLockedValue { $0.waiting.map(\.notBefore).min() }.map(Pass.nextDue) ?? .idle
    }

    /// Takes the mentions observed since the last call and records them in the journal.
    private func journalObserved() -> [Pending] {
        let observed = state.withLockedValue { state -> [Pending] in
            defer { state.incoming = [] }
            return state.incoming
        }
        record { journal throws(DeathMentionJournal.Failure) in try journal.recordQueued(observed.map(\.entry)) }
        return observed
    }

    private func reportWaiting() {
        metrics?.recordWaitingDeathMentions(queued)
    }

    private func take() -> Pending? {
        state.withLockedValue { $0.take() }
    }

    /// What one proposal of a mention led to.
    private enum Outcome: Equatable {
        /// Written, refused for good, or given up: out of the relay.
        case finished
        /// Failed in a way that may pass: proposed again from then on.
        case setAside(until: Date)
        /// The relay was closed during a proposal that did not write: the mention is put back,
        /// first in line, and stays in the journal (the proposal's failure may be the closing
        /// itself, which says nothing about the mention).
        case cancelled
    }

    /// Proposes `item` once.
    private func relay(_ item: Pending, now: Date, propose: Propose) async -> Outcome {
        var item = item
        item.attempts += 1
        let audit = AuditRecord(
            at: Timestamp.minute(of: Date()), node: nodeID, actor: "death-mention-relay", role: "system", tokenID: "", office: nil,
            purpose: "death mention", action: "append_mention", subject: item.birthAct.path)
        let (status, retryable) = await propose(item.request, audit)
        if !status.written && Task.isCancelled {
            state.withLockedValue { $0.putBack(item) }
            return .cancelled
        }
        if status.written {
            metrics?.recordRelayedDeathMention()
            logger.info("death mention put on \(item.birthAct.path) for \(item.deathAct.path) (another region's death act)")
        } else if !retryable {
            unwritten(item, code: status.code ?? "", message: status.message ?? "")
        } else if now.timeIntervalSince(item.queuedAt) >= Self.retryWindow {
            unwritten(item, code: status.code ?? "", message: "\(status.message ?? ""); proposed for \(Int(Self.retryWindow / 86_400)) days, given up")
        } else {
            item.notBefore = now.addingTimeInterval(Self.pause(beforeAttempt: item.attempts + 1))
            state.withLockedValue { $0.waiting.append(item) }
            return .setAside(until: item.notBefore)
        }
        done(item)
        return .finished
    }

    /// Takes `item` out of the relay and its journal.
    private func done(_ item: Pending) {
        state.withLockedValue { _ = $0.ids.remove(item.request.requestID) }
        record { journal throws(DeathMentionJournal.Failure) in
            if try journal.recordDone(item.request.requestID) {
                try journal.compact(state.withLockedValue { $0.unfinished }.map(\.entry))
            }
        }
    }

    /// Runs `body` on the journal, if there is one; a failure is logged, and the journal is
    /// set aside: the relay goes on in memory, as a node would without it.
    private func record(_ body: (DeathMentionJournal) throws(DeathMentionJournal.Failure) -> Void) {
        journal.withLockedValue { journal in
            guard let current = journal else { return }
            do {
                try body(current)
            } catch {
                logger.error("death-mention journal unusable, mentions are kept in memory only until the next start: \(error)")
                current.close()
                journal = nil
            }
        }
    }

    private func unwritten(_ item: Pending, code: String, message: String) {
        metrics?.recordUnwrittenDeathMention()
        logger.warning("death mention on \(item.birthAct.path) for \(item.deathAct.path) (another region's death act) not written: \(code) \(message)")
    }
}
