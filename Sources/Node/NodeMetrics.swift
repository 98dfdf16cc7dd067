import Foundation
import NodeCore
import Prometheus
import Raft

/// The node's Prometheus metrics, served on `/metrics`. One registry per node (not the global
/// metrics system), so several nodes can live in one test process.
public final class NodeMetrics: Sendable {
    /// The registry the metrics are kept in (one per node).
    public let registry = PrometheusCollectorRegistry()

    private let fsyncSeconds: DurationHistogram
    private let commitSeconds: DurationHistogram
    private let turnSeconds: DurationHistogram
    private let writesAcknowledged: Counter
    private let writesFailed: Counter
    private let readsAnswered: Counter
    private let framesDropped: Counter
    private let deathMentionsUnwritten: Counter
    private let deathMentionsRelayed: Counter
    private let deathMentionsWaiting: Gauge
    private let revocationsLearned: Gauge

    /// Buckets from 100 µs to 5 s: an fsync here takes about 0.5 ms, a commit a few ms, and
    /// anything above a second is an incident.
    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    /// Creates the metrics of one node, in a registry of their own.
    public init() {
        fsyncSeconds = registry.makeDurationHistogram(descriptor: Self.name("fsync", unit: "seconds", "Time of one synced write batch (group commit)."), buckets: Self.latencyBuckets)
        commitSeconds = registry.makeDurationHistogram(descriptor: Self.name("commit", unit: "seconds", "From a write's arrival to its acknowledgement (committed and applied)."), buckets: Self.latencyBuckets)
        turnSeconds = registry.makeDurationHistogram(descriptor: Self.name("turn", unit: "seconds", "Time of one node-core turn (persist, send, apply)."), buckets: Self.latencyBuckets)
        writesAcknowledged = registry.makeCounter(descriptor: Self.name("writes_acknowledged", unit: "total", "Writes committed and applied."))
        writesFailed = registry.makeCounter(descriptor: Self.name("writes_failed", unit: "total", "Writes that failed or timed out."))
        readsAnswered = registry.makeCounter(descriptor: Self.name("reads_answered", unit: "total", "Reads answered."))
        framesDropped = registry.makeCounter(descriptor: Self.name("frames_dropped", unit: "total", "Frames the transport could not queue."))
        deathMentionsUnwritten = registry.makeCounter(descriptor: Self.name(
            "death_mentions_unwritten", unit: "total", "Death acts whose death mention this node could not put on the birth act (sijil cluster death-mentions writes them)."))
        deathMentionsRelayed = registry.makeCounter(descriptor: Self.name(
            "death_mentions_relayed", unit: "total", "Death mentions the national centre put on a birth act held by another region than the death act's."))
        deathMentionsWaiting = registry.makeGauge(descriptor: Self.name(
            "death_mentions_waiting", unit: "", "Death mentions of another region's death acts the national centre has still to write (queued, or set aside after a failure that may pass)."))
        revocationsLearned = registry.makeGauge(descriptor: Self.name(
            "token_revocations_learned", unit: "", "Token revocations this node learned from its peers that its topology version does not hold (push the topology)."))
    }

    static func name(_ metric: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sijil", subsystem: nil, metricName: metric, unitName: unit, helpText: help)
    }

    func recordFsync(_ duration: Duration, bytes: Int) { fsyncSeconds.record(duration) }
    func recordTurn(_ duration: Duration) { turnSeconds.record(duration) }
    func recordDroppedFrame(to node: UInt64, reason: String) { framesDropped.increment() }
    func recordUnwrittenDeathMention() { deathMentionsUnwritten.increment() }
    func recordRelayedDeathMention() { deathMentionsRelayed.increment() }
    func recordWaitingDeathMentions(_ count: Int) { deathMentionsWaiting.set(Double(count)) }
    func recordLearnedRevocations(_ count: Int) { revocationsLearned.set(Double(count)) }

    func recordAnswer(_ result: ClientResult, isWrite: Bool, latency: Duration) {
        switch result {
        case .applied:
            writesAcknowledged.increment()
            commitSeconds.record(latency)
        case .answered:
            readsAnswered.increment()
        case .failed:
            if isWrite { writesFailed.increment() }
        case .refused, .done:
            break
        }
    }

    /// The end of validity of the node's certificate and of the cluster CA (seconds since 1970):
    /// alert well before either comes, as a node with an expired certificate is refused by its
    /// peers and its clients.
    func recordCertificates(nodeNotAfter: Date, authorityNotAfter: Date) {
        for (certificate, date) in [("node", nodeNotAfter), ("ca", authorityNotAfter)] {
            registry.makeGauge(descriptor: Self.name("certificate_not_after", unit: "seconds", "End of validity of the node's TLS certificate (node) and of the cluster CA (ca)."),
                               labels: [("certificate", certificate)])
                .set(date.timeIntervalSince1970)
        }
    }

    /// Per-group gauges, refreshed from each status snapshot.
    func updateGroups(_ groups: [GroupStatus]) {
        for group in groups {
            let labels = [("group", String(group.group)), ("region", group.region)]
            registry.makeGauge(descriptor: Self.name("group_leader", unit: "", "Node id of the group's leader as this node knows it (0: none)."), labels: labels)
                .set(Double(group.leader))
            registry.makeGauge(descriptor: Self.name("group_commit_index", unit: "", "Commit index of the group on this node."), labels: labels)
                .set(Double(group.commitIndex))
            registry.makeGauge(descriptor: Self.name("group_apply_lag", unit: "", "Committed entries not yet applied on this node."), labels: labels)
                .set(Double(group.commitIndex - group.appliedIndex))
            if let lag = group.centerLag {
                registry.makeGauge(descriptor: Self.name("group_center_lag", unit: "", "Entries the national centre lacks (on the leader): the data at risk in region durability."), labels: labels)
                    .set(Double(lag))
            }
        }
    }

    /// The exposition text for `/metrics`.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// One group as one node sees it, for `cluster status`, metrics and the dashboard.
public struct GroupStatus: Sendable, Codable, Equatable {
    /// The shard group.
    public var group: UInt64
    /// The region key (e.g. "RSK").
    public var region: String
    /// The member's Raft role on this node.
    public var role: String
    /// The Raft term.
    public var term: UInt64
    /// The leader as this node knows it (0: none).
    public var leader: UInt64
    /// Voting members (both sides of a joint configuration).
    public var voters: [UInt64]
    /// Non-voting members.
    public var learners: [UInt64]
    /// The national centre's node id, if any.
    public var center: UInt64?
    /// "center" or "region".
    public var durability: String
    /// The commit index.
    public var commitIndex: UInt64
    /// The index applied to the state machine.
    public var appliedIndex: UInt64
    /// The last index of the log.
    public var lastIndex: UInt64
    /// On the leader: entries the slowest voter lacks.
    public var replicationLag: UInt64?
    /// On the leader: entries the centre lacks.
    public var centerLag: UInt64?
    /// "ok", "no-leader", "halted: reason"...
    public var health: String
    /// On the leader: how far each member's log is known to match, by member id.
    public var matchIndexes: [String: UInt64]?
    /// The last index of the log and its term (what a forced reconfiguration keeps).
    public var lastTerm: UInt64?
    /// At most how many milliseconds ago this replica's applied state was current (nil:
    /// unknown; see bounded-stale reads).
    public var staleMs: UInt64?

    /// Creates a value from its parts.
    public init(group: UInt64, region: String, role: String, term: UInt64, leader: UInt64, voters: [UInt64], learners: [UInt64],
                center: UInt64?, durability: String, commitIndex: UInt64, appliedIndex: UInt64, lastIndex: UInt64,
                replicationLag: UInt64?, centerLag: UInt64?, health: String) {
        self.group = group
        self.region = region
        self.role = role
        self.term = term
        self.leader = leader
        self.voters = voters
        self.learners = learners
        self.center = center
        self.durability = durability
        self.commitIndex = commitIndex
        self.appliedIndex = appliedIndex
        self.lastIndex = lastIndex
        self.replicationLag = replicationLag
        self.centerLag = centerLag
        self.health = health
    }
}

extension GroupStatus {
    init(core: NodeCore, group: GroupID) {
        let raft = core.raft(of: group)!
        let membership = raft.membership
        self.group = group
        region = core.descriptor(of: group)?.region ?? "?"
        role = "\(raft.role)"
        term = raft.term
        leader = raft.leader
        voters = membership.voters.union(membership.outgoingVoters).sorted()
        learners = membership.learners.union(membership.learnersNext).sorted()
        center = membership.center
        durability = membership.centerRuleActive ? "center" : "region"
        commitIndex = raft.commitIndex
        appliedIndex = raft.appliedIndex
        lastIndex = raft.lastIndex
        if raft.role == .leader {
            let matches = voters.compactMap { raft.matchIndex(of: $0) }
            replicationLag = raft.lastIndex - (matches.min() ?? raft.lastIndex)
            centerLag = membership.center.flatMap { raft.matchIndex(of: $0) }.map { raft.lastIndex - $0 }
            var byMember: [String: UInt64] = [:]
            for member in membership.members.sorted() { byMember["\(member)"] = raft.matchIndex(of: member) ?? 0 }
            matchIndexes = byMember
        }
        lastTerm = raft.lastTerm
        staleMs = core.stalenessMs(of: group)
        if let reason = core.haltReason(of: group) {
            health = "halted: \(reason)"
        } else if raft.leader == 0 {
            health = "no-leader"
        } else {
            health = "ok"
        }
    }
}
