import Node
import Testing

@Suite struct StatusReportTests {
    static func group(_ id: UInt64, role: String, leader: UInt64, term: UInt64 = 2, lag: UInt64? = nil, centerLag: UInt64? = nil, health: String = "ok") -> GroupStatus {
        GroupStatus(group: id, region: "RSK", role: role, term: term, leader: leader, voters: [1, 2, 3, 100], learners: [], center: 100,
                    durability: "center", commitIndex: 40, appliedIndex: 40, lastIndex: 41, replicationLag: lag, centerLag: centerLag, health: health)
    }

    static func view(_ node: UInt64, _ groups: [GroupStatus]) -> NodeStatusBody {
        NodeStatusBody(node: node, region: "RSK", center: false, http: "127.0.0.1:\(7400 + node)", groups: groups, search: nil, requestsInFlight: 0)
    }

    @Test func eachGroupIsReportedAsItsLeaderSeesIt() throws {
        let topology = ClusterTopology.make(
            name: "t", regionKey: "RSK", regionCode: 4, durability: "center",
            regionalNodes: [1, 2, 3].map { ClusterTopology.Node(id: $0, region: "RSK", peer: "127.0.0.1:\(7500 + $0)", http: "127.0.0.1:\(7400 + $0)") },
            center: ClusterTopology.Node(id: 100, region: "CENTER", peer: "127.0.0.1:7600", http: "127.0.0.1:7700", center: true), shardCount: 3)
        let groups = topology.regions[0].shards.map(\.group)
        let views: [UInt64: NodeStatusBody] = [
            1: Self.view(1, [Self.group(groups[0], role: "leader", leader: 1, lag: 1, centerLag: 7), Self.group(groups[1], role: "follower", leader: 0)]),
            2: Self.view(2, [Self.group(groups[0], role: "follower", leader: 1), Self.group(groups[1], role: "follower", leader: 0)]),
        ]
        let report = ClusterStatusReport(cluster: "t", rows: ClusterStatusReport.rows(topology: topology, views: views), nodes: [])
        #expect(report.rows.map(\.group) == groups)
        #expect(report.rows[0].leader == 1)
        #expect(report.rows[0].lag == 1)
        #expect(report.rows[0].centerLag == 7)
        #expect(report.rows[0].health == "degraded", "two of four members answered")
        #expect(report.rows[1].leader == nil)
        #expect(report.rows[1].health == "no-leader")
        #expect(report.rows[2].health == "unreachable")
        let table = report.table()
        #expect(table.hasPrefix("REGION  GROUP  LEADER  MEMBERS"))
        #expect(table.contains("CENTER LAG"))
        #expect(report.problems == ["group \(groups[0]) (RSK): degraded", "group \(groups[1]) (RSK): no-leader", "group \(groups[2]) (RSK): unreachable"])
    }

    /// `cluster status` fails (exit status 1) when `problems` is not empty: a node that did not
    /// answer, a group that is not ok; warnings alone leave the cluster healthy.
    @Test func problemsNameUnreachableNodesAndGroupsThatAreNotOk() {
        let ok = ClusterStatusReport.Row(region: "RSK", group: 4001, leader: 1, members: [1, 2, 3, 100], learners: [], commitIndex: 9,
                                         lag: 0, centerLag: 0, durability: "center", health: "ok")
        var report = ClusterStatusReport(cluster: "t", rows: [ok], nodes: [
            .init(node: 1, http: "127.0.0.1:7401", reachable: true, error: nil),
            .init(node: 2, http: "127.0.0.1:7402", reachable: true, error: nil),
        ])
        report.certificateWarnings = ["node 1: certificate ends in 10 days"]
        report.topologyWarnings = ["node 2: runs topology version 1, not 2"]
        #expect(report.problems.isEmpty)
        var halted = ok
        halted.group = 4002
        halted.health = "halted: apply failed"
        report.rows.append(halted)
        report.nodes.append(.init(node: 3, http: "127.0.0.1:7403", reachable: false, error: "refused"))
        #expect(report.problems == ["node 3 unreachable", "group 4002 (RSK): halted: apply failed"])
    }
}
