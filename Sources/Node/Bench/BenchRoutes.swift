import Foundation
import NIOConcurrencyHelpers
import Registry

/// Where the load generator sends each request: the node leading the shard group of the act's
/// office (learned from the nodes' `/v1/cluster/status`), or any regional node in turn.
final class BenchRoutes: Sendable {
    let topology: ClusterTopology
    let routing: BenchSettings.Routing
    private let http: HTTPSClient
    private let leaders = NIOLockedValueBox<[UInt64: String]>([:])
    private let lastRefresh = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
    private let lastProblems = NIOLockedValueBox<[String]>([])
    private let regional: [String]
    /// A refresh at most this often: a leader change is announced by many clients at once.
    static let refreshIntervalMs = 250

    /// `http` asks the nodes for their status (`/v1/cluster/status`): its token must allow
    /// reading the cluster's status (an operator's or an auditor's).
    init(topology: ClusterTopology, routing: BenchSettings.Routing, http: HTTPSClient) {
        self.topology = topology
        self.routing = routing
        self.http = http
        self.regional = topology.nodes.filter { !$0.isCenter }.map(\.http)
    }

    /// Asks every node who leads each group.
    func refresh() async {
        let now = ContinuousClock.now
        let due = lastRefresh.withLockedValue { last -> Bool in
            if let last, now - last < .milliseconds(Self.refreshIntervalMs) { return false }
            last = now
            return true
        }
        guard due else { return }
        let report = await ClusterStatusReport.collect(topology: topology, client: http)
        var map: [UInt64: String] = [:]
        for row in report.rows {
            if let leader = row.leader, let node = topology.node(leader) { map[row.group] = node.http }
        }
        leaders.withLockedValue { $0 = map }
        lastProblems.withLockedValue { $0 = report.nodes.compactMap { reach in reach.error.map { "node \(reach.node): \($0)" } } }
    }

    /// Why nodes did not answer the last refresh (a refused token, a node down), if any did not.
    func statusProblems() -> [String] { lastProblems.withLockedValue { $0 } }

    /// Groups without a known leader.
    func groupsWithoutLeader() -> [UInt64] {
        let known = leaders.withLockedValue { $0 }
        return topology.regions.flatMap { $0.shards.map(\.group) }.filter { known[$0] == nil }
    }

    /// The node to send a request for `group` to; `turn` spreads `any` routing.
    func address(group: UInt64, turn: UInt64) -> String {
        switch routing {
        case .any:
            return regional[Int(turn % UInt64(regional.count))]
        case .leader:
            return leaders.withLockedValue { $0[group] } ?? regional[Int(turn % UInt64(regional.count))]
        }
    }
}
