import Foundation
import Node
import Registry
import Testing

/// The roll-out roadmap and the cluster plans are data in Cluster/; these tests hold them to
/// the reference data and to each other.
@Suite struct RoadmapTests {
    static let clusterDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Cluster").path

    @Test func roadmapOpensEachOfTheTwelveRegionsOnceWithTheReferenceCodesInPhaseOrder() throws {
        let roadmap = try Roadmap.load(path: Self.clusterDirectory + "/roadmap.toml")
        #expect(roadmap.problems().isEmpty, "\(roadmap.problems())")
        let regionPhases = roadmap.phases.filter { $0.scope == "region" }
        #expect(regionPhases.count == 12)
        #expect(Set(regionPhases.map(\.code)) == Set(UInt8(1)...12))
        #expect(Set(regionPhases.map(\.region)).count == 12, "one key per region")
        #expect(roadmap.phases.map(\.phase) == Array(0..<roadmap.phases.count))
        for phase in roadmap.phases {
            let region = try #require(ReferenceData.embedded.regions[RegionCode(phase.code)])
            #expect(phase.name == region.nameFrench, "phase \(phase.phase): \(phase.name ?? "no name") vs \(region.nameFrench)")
        }
        // The programme's order: Rabat first (pilot, then the region), then Casablanca-Settat.
        #expect(roadmap.phases.prefix(3).map(\.region) == ["RSK", "RSK", "CS"])
        #expect(roadmap.regionPhase("RSK")?.scope == "region")
    }

    @Test func roadmapProblemsNameEveryInconsistencyAtOnce() throws {
        let text = """
            [[phase]]
            phase = 1
            region = "RSK"
            code = 4
            name = "Rabat"
            scope = "region"
            nodes = 2
            shards = 0
            durability = "fast"

            [[phase]]
            phase = 0
            region = "CS"
            code = 4
            scope = "commune"
            offices = ["0601001", "9999999"]
            nodes = 3
            shards = 1
            durability = "center"
            """
        let problems = try Roadmap.parse(text).problems()
        let expected = [
            "phase 1 (RSK) is at position 0", "name Rabat differs", "durability must be center or region",
            "shards must be 1 to 999", "at least 3 nodes", "code 4 is already the region RSK",
            "office 0601001 is in region 6, not 4", "office 9999999 is not in the reference data",
            "region 6 (Casablanca-Settat) is never opened",
        ]
        for fragment in expected {
            #expect(problems.contains { $0.contains(fragment) }, "missing problem \"\(fragment)\" in \(problems)")
        }
    }

    @Test func devAndLabPlansFitTheRoadmap() throws {
        let roadmap = try Roadmap.load(path: Self.clusterDirectory + "/roadmap.toml")
        for name in ["dev", "lab"] {
            let plan = try ClusterPlan.load(path: Self.clusterDirectory + "/topologies/\(name).toml")
            #expect(plan.problems(roadmap: roadmap).isEmpty, "\(name): \(plan.problems(roadmap: roadmap))")
            #expect(plan.regions.first?.key == "RSK", "\(name): the roll-out starts with Rabat-Salé-Kénitra")
            for region in plan.regions {
                let (built, nodes) = try plan.topologyRegion(region.key, roadmap: roadmap)
                #expect(built.code == roadmap.regionPhase(region.key)?.code)
                #expect(built.shards.allSatisfy { Set($0.voters) == Set(nodes.map(\.id) + [plan.center.id]) })
            }
        }
    }

    @Test func planProblemsNameDuplicateIdsAndAddresses() throws {
        let roadmap = try Roadmap.load(path: Self.clusterDirectory + "/roadmap.toml")
        let node = ClusterPlan.PlannedNode(id: 1, host: "10.0.0.1", httpPort: nil, peerPort: nil)
        let plan = ClusterPlan(
            name: "x", httpPort: 7400, peerPort: 7500, tickMs: nil, center: ClusterPlan.PlannedNode(id: 100, host: "10.0.0.9", httpPort: nil, peerPort: nil),
            regions: [ClusterPlan.PlannedRegion(key: "ATLANTIS", shards: nil, durability: nil, nodes: [node, node])])
        let problems = plan.problems(roadmap: roadmap)
        #expect(problems.contains { $0.contains("ATLANTIS is not in the roadmap") })
        #expect(problems.contains { $0.contains("node id 1 appears twice") })
        #expect(problems.contains { $0.contains("address 10.0.0.1:7400 is used twice") })
        #expect(problems.contains { $0.contains("a region needs 3") })
    }
}
