import Foundation
import Node
import Testing

/// The topology of a split shard: the parent keeps the lower offices, the new shard (split from
/// it, with no voters of its own) takes the rest and is hosted empty by every node of the region
/// until the split in the parent's log creates it.
@Suite struct ShardSplitTopologyTests {
    static let before = TopologyGrowthTests.rabat()
    static var parent: ClusterTopology.Shard { before.regions[0].shards[0] }
    /// An office strictly inside group 4001's range.
    static var middle: UInt32 { parent.firstOffice + (parent.lastOffice - parent.firstOffice) / 2 }

    @Test func splittingAShardGivesTheUpperOfficesToANewSplitShardOfTheRegion() throws {
        let (after, shard) = try Self.before.splittingShard(group: 4001, at: Self.middle)
        #expect(after.effectiveVersion == Self.before.effectiveVersion + 1)
        #expect(shard == ClusterTopology.Shard(group: 4003, firstOffice: Self.middle, lastOffice: Self.parent.lastOffice, voters: [], splitFrom: 4001))
        let shards = after.regions[0].shards
        #expect(shards.map(\.group) == [4001, 4003, 4002], "the new shard sits after its parent, in office order")
        #expect(shards[0].lastOffice == Self.middle - 1)
        #expect(shards[0].voters == Self.parent.voters, "the parent's initial voters never change")
        #expect(after.group(forOffice: Self.middle - 1) == 4001)
        #expect(after.group(forOffice: Self.middle) == 4003)
        #expect(after.group(forOffice: Self.parent.lastOffice) == 4003)
        #expect(after.successorProblems(of: Self.before).isEmpty)
        #expect(after.problems().isEmpty)
    }

    @Test func aSplitShardIsHostedEmptyByEveryNodeOfItsRegionAndTheCentreOnly() throws {
        var (after, _) = try Self.before.splittingShard(group: 4001, at: Self.middle)
        let (region, nodes) = TopologyGrowthTests.casablanca(after)
        after = try after.addingRegion(region, nodes: nodes)
        let descriptor = try #require(after.descriptors().first { $0.id == 4003 })
        #expect(descriptor.initialMembership.members.isEmpty, "a split shard is never bootstrapped from the topology")
        #expect(descriptor.region == "RSK")
        for node: UInt64 in [401, 402, 403, 100] {
            #expect(after.hostedDescriptors(node: node).contains { $0.id == 4003 }, "node \(node) hosts the split shard")
        }
        #expect(!after.hostedDescriptors(node: 601).contains { $0.id == 4003 }, "a node of another region does not")
        #expect(after.descriptors().first { $0.id == 4001 }?.initialMembership.voters == Set(Self.parent.voters))
    }

    @Test func theSplitPointMustLeaveOfficesOnBothSidesOfTheShard() {
        for office in [Self.parent.firstOffice, Self.parent.firstOffice - 1, Self.parent.lastOffice + 1, 0] {
            #expect(throws: NodeConfiguration.Problem.self, "office \(office)") { try Self.before.splittingShard(group: 4001, at: office) }
        }
        #expect((try? Self.before.splittingShard(group: 4001, at: Self.parent.lastOffice))?.1.firstOffice == Self.parent.lastOffice,
                "the last office alone may move")
    }

    @Test func splittingAnUnknownGroupIsRefused() {
        #expect(throws: NodeConfiguration.Problem.self) { try Self.before.splittingShard(group: 4999, at: Self.middle) }
    }

    @Test func theNewGroupIdIsTheSmallestUnusedOfTheRegion() throws {
        let (once, first) = try Self.before.splittingShard(group: 4001, at: Self.middle)
        let upper = once.regions[0].shards.first { $0.group == 4002 }!
        let (_, second) = try once.splittingShard(group: 4002, at: upper.firstOffice + 10)
        #expect([first.group, second.group] == [4003, 4004])
        #expect(second.splitFrom == 4002)
    }

    @Test func aSplitShardNamesNoVotersAndAParentOfItsOwnRegion() throws {
        var (after, _) = try Self.before.splittingShard(group: 4001, at: Self.middle)
        after.regions[0].shards[1].voters = [401]
        after.regions[0].shards[1].splitFrom = 4003
        let problems = after.problems()
        for fragment in ["group 4003 is split from group 4003: its members come from that group's log",
                         "group 4003 is split from group 4003, which is not another shard of region RSK"] {
            #expect(problems.contains { $0.contains(fragment) }, "missing \"\(fragment)\" in \(problems)")
        }
        var unsplit = after
        unsplit.regions[0].shards[1] = ClusterTopology.Shard(group: 4003, firstOffice: Self.middle, lastOffice: Self.parent.lastOffice, voters: [])
        #expect(unsplit.problems().contains("group 4003 has no voters"), "a shard that is not split still needs voters")
    }

    @Test func successorsKeepWhatAShardWasSplitFromAndAcceptOnlySplitsOfAPreviousShard() throws {
        let (after, _) = try Self.before.splittingShard(group: 4001, at: Self.middle)
        var changed = after
        changed.version = after.effectiveVersion + 1
        changed.regions[0].shards[1].splitFrom = 4002
        #expect(changed.successorProblems(of: after).contains { $0.contains("group 4003 changed the group it was split from") })
        var given = after
        given.version = after.effectiveVersion + 1
        given.regions[0].shards[1].splitFrom = nil
        given.regions[0].shards[1].voters = [401, 402, 403, 100]
        #expect(given.successorProblems(of: after).contains { $0.contains("group 4003 changed the group it was split from") })
        #expect(given.successorProblems(of: after).contains { $0.contains("group 4003 changed its initial voters") })

        // A split shard taking offices its parent did not serve (the other shard's) is refused.
        var stolen = after
        let other = Self.before.regions[0].shards[1]
        stolen.regions[0].shards[2].lastOffice = other.firstOffice + 9
        stolen.regions[0].shards[1] = ClusterTopology.Shard(group: 4003, firstOffice: other.firstOffice + 10, lastOffice: other.lastOffice, voters: [], splitFrom: 4001)
        stolen.regions[0].shards[0].lastOffice = Self.parent.lastOffice
        #expect(stolen.successorProblems(of: Self.before).contains { $0.contains("not the upper part of group 4001's") },
                "\(stolen.successorProblems(of: Self.before))")
        var orphan = after
        orphan.regions[0].shards[1].splitFrom = 4002
        #expect(orphan.successorProblems(of: Self.before).contains { $0.contains("not the upper part of group 4002's") })
    }

    @Test func aTopologyFileWithoutSplitFromStillLoadsAndOneWithItRoundTrips() throws {
        let (after, _) = try Self.before.splittingShard(group: 4001, at: Self.middle)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-split-\(UUID().uuidString).toml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try NodeConfiguration.encode(after).contains("splitFrom = 4001"))
        try TopologyFile.write(after, to: path)
        #expect(try NodeConfiguration.loadTopology(path: path) == after)
        #expect(try !NodeConfiguration.encode(Self.before).contains("splitFrom"), "a file written before splits existed looks the same")
        try TopologyFile.write(Self.before, to: path)
        #expect(try NodeConfiguration.loadTopology(path: path) == Self.before)
    }

    @Test func balancedSplitOfficeLeavesAboutHalfOfTheActsOnEachSide() {
        #expect(RegionOperations.balancedSplitOffice(acts: [401001: 10, 401003: 10, 402001: 10, 405001: 10]) == 402001)
        #expect(RegionOperations.balancedSplitOffice(acts: [401001: 90, 401003: 5, 402001: 5]) == 401003)
        #expect(RegionOperations.balancedSplitOffice(acts: [401001: 1, 401003: 1, 402001: 98]) == 402001)
        #expect(RegionOperations.balancedSplitOffice(acts: [401001: 7]) == nil, "one office cannot be split in half")
        #expect(RegionOperations.balancedSplitOffice(acts: [:]) == nil)
    }
}
