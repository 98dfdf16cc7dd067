import Foundation
import Logging
import NIOConcurrencyHelpers
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
/// A failure that may pass (no leader, a timeout, an overloaded node) is proposed again after a
/// pause, up to `attemptsMax` times; what stays unwritten is logged and counted
/// (`sijil_death_mentions_unwritten_total`) and left to `sijil cluster death-mentions`, as are
/// death acts the centre received in a snapshot rather than applied.
public final class DeathMentionRelay: Sendable {
    /// A mention waiting to be proposed.
    struct Pending: Sendable, Equatable {
        var request: RegistryRequest
        var deathAct: ActID
        var birthAct: ActID
    }

    /// Mentions queued at most; beyond, one is counted unwritten at once (the sweep writes it)
    /// rather than the queue holding memory without bound.
    static let pendingMax = 100_000
    /// Proposals of one mention at most, the first included.
    static let attemptsMax = 6

    /// The pause before proposal `attempt` (2 and up): 1, 2, 4, 8 and 16 seconds.
    static func pause(beforeAttempt attempt: Int) -> Duration {
        .seconds(1 << min(max(attempt - 2, 0), 4))
    }

    /// Proposes one mention with its audit record.
    typealias Propose = @Sendable (RegistryRequest, AuditRecord) async -> (status: DeathMentionStatus, retryable: Bool)

    private struct State {
        /// Queued mentions; the ones before `head` were taken already.
        var pending: [Pending] = []
        var head = 0
        var consumer: Task<Void, Never>?
        /// The running node's topology, once started.
        var topology: (@Sendable () -> ClusterTopology)?

        var count: Int { pending.count - head }

        mutating func take() -> Pending? {
            guard head < pending.count else { return nil }
            let next = pending[head]
            head += 1
            // Reclaim the taken prefix once it is the larger part of the array.
            if head * 2 >= pending.count {
                pending.removeFirst(head)
                head = 0
            }
            return next
        }
    }

    private let nodeID: UInt64
    private let metrics: NodeMetrics?
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// A relay on node `nodeID`. It proposes nothing until `start`.
    public init(nodeID: UInt64, metrics: NodeMetrics?, logger: Logger) {
        self.nodeID = nodeID
        self.metrics = metrics
        self.logger = logger
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts proposing through `gateway`, routing by its topology, the mentions queued so far first.
    public func start(gateway: RegistryGateway) {
        start(topology: { gateway.topology }, pause: Self.pause(beforeAttempt:)) { request, audit in
            await DeathMentions.propose(request, audit: audit, gateway: gateway)
        }
    }

    /// Starts proposing with `propose`, waiting `pause(attempt)` before proposing a mention
    /// again, routing by `topology`.
    func start(topology: @escaping @Sendable () -> ClusterTopology, pause: @escaping @Sendable (Int) -> Duration, propose: @escaping Propose) {
        let wakeups = wakeups
        route(by: topology)
        state.withLockedValue { state in
            guard state.consumer == nil else { return }
            state.consumer = Task.detached { [self] in
                for await _ in wakeups {
                    guard await relayQueued(topology: topology, pause: pause, propose: propose) else { return }
                }
            }
        }
        wake.yield()
    }

    /// From now on, queues only the death acts whose birth act another region holds in `topology`.
    func route(by topology: @escaping @Sendable () -> ClusterTopology) {
        state.withLockedValue { $0.topology = topology }
    }

    /// Stops proposing; what is still queued is left to the sweep.
    public func close() async {
        wake.finish()
        let consumer = state.withLockedValue { state -> Task<Void, Never>? in
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.cancel()
        await consumer?.value
    }

    /// Mentions waiting to be proposed.
    var queued: Int { state.withLockedValue { $0.count } }

    /// On the loop thread, after a turn: queues the mention of every death act among `acts`
    /// (drawn up in that turn) whose birth act another region holds (that region's node cannot
    /// write it). Before the relay starts, the node's topology is not known yet: every death
    /// act naming a birth act is queued, and the ones of the same region are dropped when their
    /// turn comes. Imported acts are left alone: their birth acts carry the mentions the paper
    /// registers had.
    func observe(createdActs acts: [Act]) {
        var found: [Pending] = []
        let topology = state.withLockedValue { $0.topology }?()
        for act in acts {
            guard case .live = act.origin, case .death(let death) = act.content, let birthAct = DeathMentions.birthAct(of: death) else { continue }
            let request = DeathMentions.mention(of: death, deathAct: act.id, birthAct: birthAct, officer: act.officer, recordedAt: act.recordedAt)
            let item = Pending(request: request, deathAct: act.id, birthAct: birthAct)
            if let topology, !crossesRegions(item, topology: topology) { continue }
            found.append(item)
        }
        guard !found.isEmpty else { return }
        let dropped = state.withLockedValue { state -> [Pending] in
            let room = max(0, Self.pendingMax - state.count)
            state.pending += found.prefix(room)
            return Array(found.dropFirst(room))
        }
        for item in dropped {
            unwritten(item, code: "relay_queue_full", message: "\(Self.pendingMax) mentions were already waiting")
        }
        wake.yield()
    }

    /// Whether the birth act of `item` is held by another region than its death act. One no
    /// region holds cannot be written by anyone: the sweep reports it.
    func crossesRegions(_ item: Pending, topology: ClusterTopology) -> Bool {
        guard let deathRegion = topology.region(forOffice: item.deathAct.register.office.rawValue)?.key,
              let birthRegion = topology.region(forOffice: item.birthAct.register.office.rawValue)?.key else { return false }
        return deathRegion != birthRegion
    }

    /// Proposes the queued mentions in order until none is left; false when cancelled meanwhile.
    func relayQueued(topology: @Sendable () -> ClusterTopology, pause: (Int) -> Duration, propose: Propose) async -> Bool {
        while let next = take() {
            guard crossesRegions(next, topology: topology()) else { continue }
            guard await relay(next, pause: pause, propose: propose) else { return false }
        }
        return true
    }

    private func take() -> Pending? {
        state.withLockedValue { $0.take() }
    }

    /// Proposes `item` until it is written, refused for good or out of attempts; false when the
    /// relay was closed meanwhile.
    private func relay(_ item: Pending, pause: (Int) -> Duration, propose: Propose) async -> Bool {
        var attempt = 1
        while true {
            let audit = AuditRecord(
                at: Timestamp.minute(of: Date()), node: nodeID, actor: "death-mention-relay", role: "system", tokenID: "", office: nil,
                purpose: "death mention", action: "append_mention", subject: item.birthAct.path)
            let (status, retryable) = await propose(item.request, audit)
            if status.written {
                metrics?.recordRelayedDeathMention()
                logger.info("death mention put on \(item.birthAct.path) for \(item.deathAct.path) (another region's death act)")
                return true
            }
            guard retryable, attempt < Self.attemptsMax else {
                unwritten(item, code: status.code ?? "", message: status.message ?? "")
                return true
            }
            attempt += 1
            do { try await Task.sleep(for: pause(attempt)) } catch { return false }
        }
    }

    private func unwritten(_ item: Pending, code: String, message: String) {
        metrics?.recordUnwrittenDeathMention()
        logger.warning("death mention on \(item.birthAct.path) for \(item.deathAct.path) (another region's death act) not written: \(code) \(message)")
    }
}
