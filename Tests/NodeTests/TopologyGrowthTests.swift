import Node
import Testing

/// A running cluster grows by topology versions; a node takes one only if it follows its own.
@Suite struct TopologyGrowthTests {
    static func node(_ id: UInt64, _ region: String, _ host: String, center: Bool = false) -> ClusterTopology.Node {
        ClusterTopology.Node(id: id, region: region, peer: "\(host):7500", http: "\(host):7400", center: center ? true : nil)
    }

    /// Rabat-Salé-Kénitra (nodes 401-403, two shards) and the centre, version 1.
    static func rabat() -> ClusterTopology {
        let nodes = [node(401, "RSK", "10.0.4.1"), node(402, "RSK", "10.0.4.2"), node(403, "RSK", "10.0.4.3")]
        let center = node(100, "CENTER", "10.0.99.1", center: true)
        return ClusterTopology.make(name: "t", regionKey: "RSK", regionCode: 4, durability: "center", regionalNodes: nodes, center: center, shardCount: 2)
    }

    static func casablanca(_ base: ClusterTopology) -> (ClusterTopology.Region, [ClusterTopology.Node]) {
        let nodes = [node(601, "CS", "10.0.6.1"), node(602, "CS", "10.0.6.2"), node(603, "CS", "10.0.6.3")]
        let region = ClusterTopology.Region(key: "CS", code: 6, durability: "center",
                                            shards: ClusterTopology.shards(regionCode: 6, count: 2, members: nodes.map(\.id) + [100]))
        return (region, nodes)
    }

    @Test func addingARegionIsTheNextVersionAndHostsItsGroupsOnItsNodesAndTheCentre() throws {
        let before = Self.rabat()
        let (region, nodes) = Self.casablanca(before)
        let after = try before.addingRegion(region, nodes: nodes)
        #expect(after.effectiveVersion == 2)
        #expect(after.successorProblems(of: before).isEmpty)
        #expect(Set(after.hostedDescriptors(node: 100).map(\.id)) == [4001, 4002, 6001, 6002])
        #expect(Set(after.hostedDescriptors(node: 601).map(\.id)) == [6001, 6002])
        #expect(Set(after.hostedDescriptors(node: 401).map(\.id)) == [4001, 4002], "a node of another region hosts none of the new groups")
        #expect(after.group(forOffice: 601001) == 6001)
        #expect(throws: NodeConfiguration.Problem.self) { try after.addingRegion(region, nodes: []) }
    }

    @Test func successorProblemsNameEveryChangeThatBreaksAMeaning() throws {
        let before = Self.rabat()
        var after = before
        after.version = 2
        after.nodes.removeAll { $0.id == 403 }
        after.nodes[0].region = "CS"
        after.regions[0].shards[0].voters = [401, 402, 100]
        after.regions[0].shards[1].lastOffice = 499_999
        after.regions[0].shards[0].lastOffice -= 10
        let problems = after.successorProblems(of: before)
        for fragment in ["node 403 disappeared", "node 401 moved from region RSK to CS", "group 4001 changed its initial voters",
                         "of group 4001 are no longer served"] {
            #expect(problems.contains { $0.contains(fragment) }, "missing \"\(fragment)\" in \(problems)")
        }
        var same = before
        same.version = 1
        same.nodes[0].http = "10.0.4.9:7400"
        #expect(same.successorProblems(of: before).contains { $0.contains("version 1 does not follow version 1") })
    }

    @Test func aRetiredNodeNeverComesBackAndHostsNothing() throws {
        let before = Self.rabat()
        let retired = try before.changingNodes(retiring: [402])
        #expect(retired.node(402)?.isRetired == true)
        #expect(retired.hostedDescriptors(node: 402).isEmpty)
        #expect(!retired.activeNodes.contains { $0.id == 402 })
        var revived = retired
        revived.version = 3
        revived.nodes[1].retired = nil
        #expect(revived.successorProblems(of: retired).contains { $0.contains("node 402 was retired and cannot come back") })
        #expect(throws: NodeConfiguration.Problem.self) { try before.changingNodes(retiring: [100]) }
    }

    @Test func aNodeOfAnotherRegionCannotHoldAGroup() throws {
        var topology = Self.rabat()
        let (region, nodes) = Self.casablanca(topology)
        topology = try topology.addingRegion(region, nodes: nodes)
        topology.regions[0].shards[0].voters.append(601)
        #expect(topology.problems().contains { $0.contains("group 4001 of region RSK: member 601 belongs to region CS") })
    }

    @Test func newNodesTakeUnusedIdsOfTheirRegionAndFreePorts() throws {
        var topology = Self.rabat()
        topology = try topology.changingNodes(retiring: [402])
        #expect(topology.nextNodeIDs(regionCode: 4, count: 3) == [404, 405, 406], "a retired id is never reused")
        #expect(topology.nextNodeIDs(regionCode: 6, count: 2) == [601, 602])
        let addresses = topology.newAddresses(hosts: ["10.0.4.1", "10.0.4.1", "10.0.4.7"])
        #expect(addresses.map(\.http) == ["10.0.4.1:7401", "10.0.4.1:7402", "10.0.4.7:7400"])
        #expect(addresses.map(\.peer) == ["10.0.4.1:7501", "10.0.4.1:7502", "10.0.4.7:7500"])
    }

    @Test func durabilityOfNewGroupsChangesByVersion() throws {
        let before = Self.rabat()
        let after = try before.settingDurability(region: "RSK", mode: "region")
        #expect(after.region("RSK")?.durability == "region")
        #expect(after.descriptors().allSatisfy { !$0.initialMembership.centerRule })
        #expect(throws: NodeConfiguration.Problem.self) { try before.settingDurability(region: "RSK", mode: "fast") }
    }
}
