import NodeCore
import Raft
import Registry
import Testing

/// The national centre answers read-only national queries from its own replica, stating how
/// stale the answer may be; a bounded-stale read is refused when the replica is further behind
/// than the caller accepts, or cannot tell.
@Suite struct BoundedStaleReadTests {
    static let stats = RegistryQuery.stats.encode()

    /// Ticks nodes 1 and 2 (and delivers everything) `rounds` times: 200 ms of clock per round.
    func tickRounds(_ cluster: ThreeNodes, _ rounds: Int) throws {
        for _ in 0..<rounds {
            cluster.tick(1)
            cluster.tick(2)
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
    }

    func perform(_ request: ClientRequest, on node: NodeID, _ cluster: ThreeNodes) throws -> ClientResult {
        let ticket = cluster.submit(request, to: node)
        try cluster.run { cluster.answers[ticket] != nil }
        return cluster.answers[ticket]!
    }

    @Test func followerStatesHowStaleItsAnswerIs() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        try tickRounds(cluster, 5)
        let answer = try perform(.staleRead(group: ThreeNodes.group, query: Self.stats), on: 2, cluster)
        guard case .answered(_, let behind, let staleMs?, _) = answer else {
            Issue.record("a stale read with a known staleness, got \(answer)")
            return
        }
        #expect(behind == 0)
        // The leader's last notice reached node 2 in the last round: at most one round ago.
        #expect(staleMs <= 200, "staleness \(staleMs) ms after hearing from the leader in the last round")
        let bounded = try perform(.boundedStaleRead(group: ThreeNodes.group, query: Self.stats, maxStaleMs: 1_000), on: 2, cluster)
        guard case .answered(_, _, let boundedStaleMs?, _) = bounded else {
            Issue.record("a bounded read within its bound, got \(bounded)")
            return
        }
        #expect(boundedStaleMs <= 1_000)
    }

    @Test func followerCutOffFromItsLeaderRefusesBeyondTheBound() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        try tickRounds(cluster, 3)
        cluster.drop = { _, to, _ in to == 2 }
        try tickRounds(cluster, 20)
        let refused = try perform(.boundedStaleRead(group: ThreeNodes.group, query: Self.stats, maxStaleMs: 1_000), on: 2, cluster)
        guard case .failed(.tooStale(let staleMs?, let bound)) = refused else {
            Issue.record("a refusal stating the staleness, got \(refused)")
            return
        }
        #expect(bound == 1_000)
        #expect(staleMs >= 20 * 200, "node 2 has heard nothing for 20 rounds of 200 ms, and says \(staleMs) ms")
        // A looser bound is answered, with the same staleness stated.
        let answered = try perform(.boundedStaleRead(group: ThreeNodes.group, query: Self.stats, maxStaleMs: 60_000), on: 2, cluster)
        guard case .answered(_, _, let stated?, _) = answered else {
            Issue.record("an answer within the loose bound, got \(answered)")
            return
        }
        #expect(stated >= staleMs)

        cluster.drop = { _, _, _ in false }
        try tickRounds(cluster, 3)
        let healed = try perform(.boundedStaleRead(group: ThreeNodes.group, query: Self.stats, maxStaleMs: 1_000), on: 2, cluster)
        guard case .answered(_, _, let fresh?, _) = healed else {
            Issue.record("an answer once node 2 hears its leader again, got \(healed)")
            return
        }
        #expect(fresh <= 200)
    }

    @Test func replicaThatNeverHeardALeaderCannotTellAndRefuses() throws {
        let cluster = try ThreeNodes()
        let refused = try perform(.boundedStaleRead(group: ThreeNodes.group, query: Self.stats, maxStaleMs: 86_400_000), on: 2, cluster)
        #expect(refused == .failed(.tooStale(staleMs: nil, boundMs: 86_400_000)))
        let stale = try perform(.staleRead(group: ThreeNodes.group, query: Self.stats), on: 2, cluster)
        guard case .answered(_, _, let staleMs, _) = stale else {
            Issue.record("a plain stale read is always answered, got \(stale)")
            return
        }
        #expect(staleMs == nil, "the answer says its staleness is unknown")
    }

    @Test func leaderAnswersAsCurrent() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let answer = try perform(.boundedStaleRead(group: ThreeNodes.group, query: Self.stats, maxStaleMs: 1), on: 1, cluster)
        guard case .answered(_, 0, 0?, _) = answer else {
            Issue.record("the leader's applied state is current, got \(answer)")
            return
        }
    }
}
