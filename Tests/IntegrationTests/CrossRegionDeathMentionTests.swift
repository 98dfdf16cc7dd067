import Foundation
import Node
import Registry
import Testing
import TestSupport

/// A death act drawn up in one region that names a birth act of another: the regional node
/// cannot write there and says so, and the national centre puts the mention on the birth act,
/// with the request id the sweep uses, so the sweep then finds it present; also when the birth
/// act's region is down and the centre is killed meanwhile.
@Suite(.serialized) struct CrossRegionDeathMentionTests {
    /// Rabat-Salé-Kénitra (401-403) and Casablanca-Settat (601-603), one shard each, and the
    /// centre, on loopback ports reserved for the test.
    static func plan() -> ClusterPlan {
        let base = TestPorts.reserve(offsets: (0..<7).flatMap { [$0, ClusterLayout.peerPortOffset + $0] })
        func node(_ id: UInt64, _ k: Int) -> ClusterPlan.PlannedNode {
            ClusterPlan.PlannedNode(id: id, host: "127.0.0.1", httpPort: base + k, peerPort: base + ClusterLayout.peerPortOffset + k)
        }
        return ClusterPlan(name: "sijil-test", httpPort: base, peerPort: base + ClusterLayout.peerPortOffset, center: node(100, 6), regions: [
            ClusterPlan.PlannedRegion(key: "RSK", shards: 1, nodes: [node(401, 0), node(402, 1), node(403, 2)]),
            ClusterPlan.PlannedRegion(key: "CS", shards: 1, nodes: [node(601, 3), node(602, 4), node(603, 5)]),
        ])
    }

    static func counter(_ http: HTTPSClient, _ node: ClusterTopology.Node, _ name: String) async throws -> String? {
        let text = try await http.send("GET", node.http, "/metrics").text
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init)
    }

    /// The value of gauge `name` on `node` (a gauge is exposed as a decimal: `1.0`).
    static func gauge(_ http: HTTPSClient, _ node: ClusterTopology.Node, _ name: String) async throws -> Double? {
        try await counter(http, node, name).flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    @Test func theCentrePutsTheMentionOfAnotherRegionsDeathActOnTheBirthAct() async throws {
        let roadmap = try Roadmap.load(path: LabNetwork.repositoryRoot + "/Cluster/roadmap.toml")
        let layout = try ClusterLayout.initialize(directory: TestCluster.newDirectory(), plan: Self.plan(), regions: ["RSK", "CS"], roadmap: roadmap)
        try await TestCluster.with(layout: layout) { cluster in try await check(cluster) }
    }

    func check(_ cluster: TestCluster) async throws {
        let topology = cluster.layout.topology
        let rsk = RegistryClient(http: try cluster.layout.registrarClient(region: try #require(topology.region("RSK"))),
                                 addresses: topology.replicaNodes(of: try #require(topology.region("RSK"))).filter { !$0.isCenter }.map(\.http))
        let cs = RegistryClient(http: try cluster.layout.registrarClient(region: try #require(topology.region("CS"))),
                                addresses: topology.replicaNodes(of: try #require(topology.region("CS"))).filter { !$0.isCenter }.map(\.http))
        let now = Timestamp.minute(of: Date())

        let birth = try await rsk.write(path: "/v1/acts/births", body: try TestActs.birth(office: 401003, writer: 0, n: 1, recordedAt: now))
        try #require(birth.wasWritten, "HTTP \(birth.status) \(birth.text)")
        let birthAct = try birth.decode(WriteResponse.self).actID

        // Drawn up in Casablanca: its node holds no replica of Rabat's groups.
        let death = try await cs.write(path: "/v1/acts/deaths", body: try DeathMentionSweepTests.death(birthAct: birthAct, recordedAt: now, office: 601001))
        try #require(death.wasWritten, "HTTP \(death.status) \(death.text)")
        let deathAct = try death.decode(WriteResponse.self)
        #expect(deathAct.deathMention?.written == false && deathAct.deathMention?.code == "other_region", "\(String(describing: deathAct.deathMention))")
        #expect(deathAct.deathMention?.message?.contains("region RSK") == true && deathAct.deathMention?.message?.contains("national centre") == true,
                "\(String(describing: deathAct.deathMention))")

        // The centre proposes it once it has applied the death act: wait for that state.
        func birthMentions() async throws -> [MarginalMention] {
            let read = try await rsk.get("/v1/acts/\(birthAct.path)")
            try #require(read.status == 200, "HTTP \(read.status) \(read.text)")
            return try read.decode(ActResponse.self).record.mentions
        }
        try await CrashRecoveryTests().waitUntil("the birth act \(birthAct.path) carries a death mention") { try await !birthMentions().isEmpty }
        let mentions = try await birthMentions()
        guard case .death(let mention)? = mentions.first?.body, mentions.count == 1 else {
            Issue.record("the birth act's mentions: \(mentions.map(\.body))")
            return
        }
        #expect(mention.deathAct == deathAct.actID)
        #expect(mentions.first?.officer == DeathMentionSweepTests.officer, "the death act's officer, as a mention written in its own region")

        let http = try cluster.http("operator")
        let center = try #require(topology.node(ClusterLayout.centerNodeID))
        #expect(try await Self.counter(http, center, "sijil_death_mentions_relayed_total") == "sijil_death_mentions_relayed_total 1")
        for node in topology.nodes where node.region == "CS" {
            #expect(try await Self.counter(http, node, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 0",
                    "node \(node.id) did not count for the sweep a mention the centre writes")
        }

        // The sweep proposes with the same request id: it finds the mention there.
        let run = try CommandLineErrorTests.run(["cluster", "death-mentions", "--dir", cluster.layout.directory, "--region", "CS", "--json"])
        try #require(run.status == 0, "\(run.standardOutput) \(run.standardError)")
        let reports = try JSONDecoder().decode([DeathMentionSweep.Report].self, from: Data(run.standardOutput.utf8))
        #expect(reports.first?.findings.map(\.outcome) == ["present"], "\(reports)")

        try await aMentionWaitingWhileTheBirthRegionIsDownOutlivesAKillOfTheCentre(cluster, rsk: rsk, cs: cs)
    }

    /// Rabat's nodes are down, so the centre cannot write the mention; it is killed while the
    /// mention waits, started again, and writes it once Rabat is back.
    func aMentionWaitingWhileTheBirthRegionIsDownOutlivesAKillOfTheCentre(_ cluster: TestCluster, rsk: RegistryClient, cs: RegistryClient) async throws {
        let topology = cluster.layout.topology
        let http = try cluster.http("operator")
        let center = try #require(topology.node(ClusterLayout.centerNodeID))
        let now = Timestamp.minute(of: Date())
        let birth = try await rsk.write(path: "/v1/acts/births", body: try TestActs.birth(office: 401003, writer: 0, n: 2, recordedAt: now))
        try #require(birth.wasWritten, "HTTP \(birth.status) \(birth.text)")
        let birthAct = try birth.decode(WriteResponse.self).actID

        let rabat = topology.nodes.filter { $0.region == "RSK" }.map(\.id)
        for id in rabat { #expect(await cluster.processes.stop(id, signal: SIGKILL, timeoutMs: CrashRecoveryTests.waitMs)) }
        let death = try await cs.write(path: "/v1/acts/deaths", body: try DeathMentionSweepTests.death(birthAct: birthAct, recordedAt: now, office: 601002))
        try #require(death.wasWritten, "HTTP \(death.status) \(death.text)")
        let deathAct = try death.decode(WriteResponse.self).actID
        let waiting = "sijil_death_mentions_waiting"
        try await CrashRecoveryTests().waitUntil("the centre holds the mention of \(deathAct.path)") {
            try await Self.gauge(http, center, waiting) == 1
        }

        #expect(await cluster.processes.stop(center.id, signal: SIGKILL, timeoutMs: CrashRecoveryTests.waitMs))
        try cluster.processes.start(center.id)
        try await CrashRecoveryTests().waitUntil("the centre, started again, holds the mention from its journal") {
            (try? await Self.gauge(http, center, waiting)) == 1
        }
        for id in rabat { try cluster.processes.start(id) }

        try await CrashRecoveryTests().waitUntil("the birth act \(birthAct.path) carries the death mention of \(deathAct.path)") {
            guard let read = try? await rsk.get("/v1/acts/\(birthAct.path)"), read.status == 200 else { return false }
            return try read.decode(ActResponse.self).record.mentions.contains { mention in
                if case .death(let death) = mention.body { return death.deathAct == deathAct }
                return false
            }
        }
        let mentions = try await rsk.get("/v1/acts/\(birthAct.path)").decode(ActResponse.self).record.mentions
        #expect(mentions.count == 1, "written once: \(mentions.map(\.body))")
        #expect(try await Self.counter(http, center, "sijil_death_mentions_relayed_total") == "sijil_death_mentions_relayed_total 1")
        #expect(try await Self.gauge(http, center, waiting) == 0)
        #expect(try await Self.counter(http, center, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 0")
    }
}
