import Foundation
import Node
import Registry
import Testing

/// The lab scenarios (DESIGN §7.5): real `sijil start` processes on separate network hosts
/// (network namespaces joined by veth links), under load, each ending with the durability and
/// chain check (`LabChecks`). The short scenarios run in the suite; the long ones, with more
/// acts, repeated cuts, a node replacement and the loss of a region in `region` durability,
/// run with `Cluster/lab/scenarios.sh long`. Without root or network namespaces the suite
/// skips them and says why.
@Suite(.serialized, .enabled(if: LabNetwork.unavailableReason == nil, Comment(rawValue: "lab skipped: \(LabNetwork.unavailableReason ?? "")")))
struct LabScenarioTests {
    static let rskOffices: [UInt32] = [401001, 401003, 402001, 405001]
    static let csOffices: [UInt32] = [601001, 602003, 605003, 607004]
    static let long = ProcessInfo.processInfo.environment["SIJIL_LAB_LONG"] == "1"

    /// How much load a run puts through each step of a scenario.
    struct Size {
        var writers: Int
        var actsPerStep: Int
        var cuts: Int
    }

    static let shortSize = Size(writers: 2, actsPerStep: 5, cuts: 1)
    static let longSize = Size(writers: 3, actsPerStep: 60, cuts: 3)

    @Test func regionsSurviveACutNodeACutCentreAGrowingClusterAndTheLossOfARegion() async throws {
        try await run(size: Self.shortSize, hosts: ["rsk4", "rsk5", "rsk6"]) { cluster, size in
            try await cutNode(cluster, size)
            try await cutCenter(cluster, size)
            try await addRegion(cluster, size)
            try await loseRegion(cluster, size, newHosts: ["4.4", "4.5", "4.6"])
        }
    }

    @Test(.enabled(if: LabScenarioTests.long, "long lab scenarios: Cluster/lab/scenarios.sh long"))
    func longScenarios() async throws {
        try await run(size: Self.longSize, hosts: ["rsk4", "rsk5", "rsk6", "rsk7", "rsk8", "rsk9", "rsk10"]) { cluster, size in
            try await cutNode(cluster, size)
            try await cutCenter(cluster, size)
            try await addRegion(cluster, size)
            try await replaceNode(cluster, size, newHost: "4.10")
            try await loseRegion(cluster, size, newHosts: ["4.4", "4.5", "4.6"])
            try await loseRegionInRegionDurability(cluster, size, newHosts: ["4.7", "4.8", "4.9"])
        }
    }

    func run(size: Size, hosts: [String], _ body: (LabCluster, Size) async throws -> Void) async throws {
        let cluster = try await LabCluster.start(initialRegions: ["RSK"], hosts: ["RSK", "CS"], extraHosts: hosts)
        do {
            try await body(cluster, size)
        } catch {
            Issue.record("node logs:\n\(cluster.logTail())")
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    func address(_ suffix: String) -> String { "\(LabNetwork.net).\(suffix)" }

    /// A region's machines are lost: each node is killed (SIGKILL) and its host's cable cut
    /// for good. Killing the process alone would leave its kernel sending what it had queued
    /// on its sockets once a link comes back, which a destroyed machine never does. Their disks
    /// stay readable, as an old region's sometimes are.
    func destroy(_ nodes: [ClusterTopology.Node], _ cluster: LabCluster) async throws {
        for node in nodes {
            #expect(await cluster.processes.stop(node.id, signal: SIGKILL, timeoutMs: 10_000), "node \(node.id) killed")
            let host = try #require(HostPort(node.http).flatMap { LabNetwork.host(ofAddress: $0.host) })
            try cluster.network.lab("cut-node", host)
        }
    }

    /// No write was refused: every body the writers send is a valid act.
    func expectNoRejection(_ loads: LabLoad...) async {
        for load in loads {
            let rejected = await load.ledger.rejected
            #expect(rejected.isEmpty, "region \(load.region): \(rejected)")
        }
    }

    /// One regional node's cable is unplugged while the region writes, then plugged back.
    func cutNode(_ cluster: LabCluster, _ size: Size) async throws {
        let load = LabLoad(cluster, region: "RSK", offices: Self.rskOffices, writers: size.writers)
        for _ in 0..<size.cuts {
            try await load.waitAcknowledged(atLeast: await load.ledger.count + size.actsPerStep)
            try cluster.network.lab("cut-node", "rsk2")
            print("lab: cut-node: rsk2 unplugged after \(await load.ledger.count) acts")
            try await load.waitAcknowledged(atLeast: await load.ledger.count + size.actsPerStep)
            try cluster.network.lab("heal-node", "rsk2")
            print("lab: cut-node: rsk2 plugged back after \(await load.ledger.count) acts")
        }
        await load.stop()
        await expectNoRejection(load)
        try await LabChecks.endOfScenario("cut-node", cluster, acknowledged: await load.ledger.acknowledged)
    }

    /// The link between the region and the centre is cut. In `center` durability writes wait
    /// for the centre, so the operator moves the region to `region` durability (which commits
    /// with a regional majority, the centre unreachable); the region writes; the link comes
    /// back, the region returns to `center` and the centre catches up.
    func cutCenter(_ cluster: LabCluster, _ size: Size) async throws {
        let admin = cluster.admin()
        let load = LabLoad(cluster, region: "RSK", offices: Self.rskOffices, writers: size.writers, firstWriter: 10)
        for _ in 0..<size.cuts {
            try await load.waitAcknowledged(atLeast: await load.ledger.count + size.actsPerStep)
            try cluster.network.lab("cut-center", "rsk")
            print("lab: cut-center: RSK cut from the centre after \(await load.ledger.count) acts")
            try await admin.setDurability(region: "RSK", mode: "region", cluster.topology)
            let atSwitch = await load.ledger.count
            try await load.waitAcknowledged(atLeast: atSwitch + size.actsPerStep)
            print("lab: cut-center: \(await load.ledger.count - atSwitch) acts acknowledged in region durability without the centre")
            try cluster.network.lab("heal-center", "rsk")
            try await admin.setDurability(region: "RSK", mode: "center", cluster.topology)
            try await load.waitAcknowledged(atLeast: await load.ledger.count + size.actsPerStep)
        }
        await load.stop()
        await expectNoRejection(load)
        try await LabChecks.endOfScenario("cut-center", cluster, acknowledged: await load.ledger.acknowledged)
    }

    /// Casablanca-Settat joins while Rabat-Salé-Kénitra is writing.
    func addRegion(_ cluster: LabCluster, _ size: Size) async throws {
        let rsk = LabLoad(cluster, region: "RSK", offices: Self.rskOffices, writers: size.writers, firstWriter: 20)
        try await rsk.waitAcknowledged(atLeast: size.actsPerStep)
        var operations = cluster.operations()
        let topology = try await operations.addRegion("CS", nodes: .plan(cluster.plan), roadmap: cluster.roadmap, shards: nil, durability: nil)
        cluster.layout = operations.layout
        #expect(topology.region("CS")?.shards.count == 2)
        let cs = LabLoad(cluster, region: "CS", offices: Self.csOffices, writers: size.writers, firstWriter: 30)
        try await cs.waitAcknowledged(atLeast: size.actsPerStep)
        try await rsk.waitAcknowledged(atLeast: await rsk.ledger.count + size.actsPerStep)
        await rsk.stop()
        await cs.stop()
        await expectNoRejection(rsk, cs)
        print("lab: add-region: RSK wrote \(await rsk.ledger.count) acts while CS joined; CS wrote \(await cs.ledger.count)")
        try await LabChecks.endOfScenario("add-region", cluster, acknowledged: await rsk.ledger.acknowledged + cs.ledger.acknowledged)
    }

    /// A regional node is replaced by a new one on another host while the region writes.
    func replaceNode(_ cluster: LabCluster, _ size: Size, newHost: String) async throws {
        let load = LabLoad(cluster, region: "RSK", offices: Self.rskOffices, writers: size.writers, firstWriter: 40)
        try await load.waitAcknowledged(atLeast: size.actsPerStep)
        let old = try #require(cluster.topology.activeNodes.first { $0.region == "RSK" }?.id)
        var operations = cluster.operations()
        let fresh = try await operations.replaceNode(old, host: address(newHost))
        cluster.layout = operations.layout
        await cluster.processes.stop(old)
        try await load.waitAcknowledged(atLeast: await load.ledger.count + size.actsPerStep)
        await load.stop()
        print("lab: replace-node: node \(old) replaced by \(fresh.id) while RSK wrote \(await load.ledger.count) acts")
        try await LabChecks.endOfScenario("replace-node", cluster, acknowledged: await load.ledger.acknowledged)
    }

    /// Every node of Rabat-Salé-Kénitra is killed (SIGKILL) while it writes in `center`
    /// durability; the region is rebuilt on new hosts from the centre; not one acknowledged
    /// act may be missing.
    func loseRegion(_ cluster: LabCluster, _ size: Size, newHosts: [String]) async throws {
        let rsk = LabLoad(cluster, region: "RSK", offices: Self.rskOffices, writers: size.writers, firstWriter: 50)
        // Casablanca-Settat keeps serving while its neighbour is lost and rebuilt.
        let cs = LabLoad(cluster, region: "CS", offices: Self.csOffices, writers: 1, firstWriter: 60, actsMax: 4 * size.actsPerStep)
        try await rsk.waitAcknowledged(atLeast: size.actsPerStep)
        let lost = cluster.topology.activeNodes.filter { $0.region == "RSK" }
        try await destroy(lost, cluster)
        let atKill = await rsk.ledger.count
        print("lab: lose-region: nodes \(lost.map(\.id)) destroyed after \(atKill) RSK acts")
        var operations = cluster.operations()
        let report = try await operations.recoverRegion("RSK", nodes: .hosts(newHosts.map(address)))
        cluster.layout = operations.layout
        for group in report.groups { print("lab: lose-region: group \(group.group) \(group.durability): kept through \(group.keptThrough)") }
        #expect(report.groups.allSatisfy { $0.durability == "center" })
        #expect(report.notes.contains { $0.contains("nothing acknowledged is missing") })
        try await rsk.waitAcknowledged(atLeast: atKill + size.actsPerStep)
        await rsk.stop()
        await cs.stop()
        await expectNoRejection(rsk, cs)
        print("lab: lose-region: \(await rsk.ledger.count) RSK acts acknowledged in all, \(await rsk.ledger.unknown) without a final answer during the loss")
        try await LabChecks.endOfScenario("lose-region", cluster, acknowledged: await rsk.ledger.acknowledged + cs.ledger.acknowledged)
    }

    /// The region runs in `region` durability with its link to the centre cut, acknowledges
    /// acts the centre never receives, then is destroyed. The recovery report, given the old
    /// nodes' data directories, must list exactly the acknowledged acts the rebuilt region
    /// lacks, and every other acknowledged act must be there.
    func loseRegionInRegionDurability(_ cluster: LabCluster, _ size: Size, newHosts: [String]) async throws {
        let admin = cluster.admin()
        let load = LabLoad(cluster, region: "RSK", offices: Self.rskOffices, writers: size.writers, firstWriter: 70)
        try await load.waitAcknowledged(atLeast: size.actsPerStep)
        try await admin.setDurability(region: "RSK", mode: "region", cluster.topology)
        try cluster.network.lab("cut-center", "rsk")
        let atCut = await load.ledger.count
        try await load.waitAcknowledged(atLeast: atCut + size.actsPerStep)
        let old = cluster.topology.activeNodes.filter { $0.region == "RSK" }
        try await destroy(old, cluster)
        try cluster.network.lab("heal-center", "rsk")
        await load.stop()
        let acknowledged = await load.ledger.acknowledged
        var operations = cluster.operations()
        let report = try await operations.recoverRegion(
            "RSK", nodes: .hosts(newHosts.map(address)), oldDataDirectories: old.map { cluster.layout.dataDirectory(node: $0.id) })
        cluster.layout = operations.layout
        #expect(report.groups.allSatisfy { $0.durability == "region" })
        let reportedLost = Set(report.lostWrites.map(\.write).filter { $0.mention == nil }.map(\.requestID))
        #expect(reportedLost == Set(report.lost.flatMap(\.writes).filter { $0.mention == nil }.map(\.requestID)),
                "the distinct list holds every disk's writes")
        #expect(report.lostWrites.count == Set(report.lostWrites.map { "\($0.write.act) \($0.write.mention ?? 0) \($0.write.requestID)" }).count,
                "each write once")
        var missing: Set<String> = []
        let client = try cluster.client(region: "RSK")
        var present: [WriteResponse] = []
        for act in acknowledged {
            let record = try await LabChecks.answered(cluster, "act \(act.actPath) answered after the recovery") { () -> ActRecord?? in
                guard let response = try? await client.get("/v1/acts/\(act.actPath)"), response.status == 200 || response.status == 404 else { return nil }
                return .some(response.status == 200 ? try? response.decode(ActResponse.self).record : nil)
            }
            if record?.act.requestID == act.requestID { present.append(act) } else { missing.insert(act.requestID.description) }
        }
        print("lab: lose-region (region durability): \(acknowledged.count) acts acknowledged, \(missing.count) lost, \(reportedLost.count) reported lost")
        let acknowledgedIDs = Set(acknowledged.map(\.requestID.description))
        for old in report.lost {
            print("lab: lose-region: old data \(old.dataDirectory): \(old.writes.count) writes reported, \(old.appliedFromLog) entries read from the log past the applied state (\(old.pastCommit) past the commit index)\(old.notRead.isEmpty ? "" : "; not read to the end: \(old.notRead)")")
        }
        print("lab: lose-region: \(report.lostWrites.count) distinct writes reported over \(report.lost.count) old disks")
        for lost in report.lostWrites where !acknowledgedIDs.contains(lost.write.requestID) {
            print("lab: lose-region: reported, never acknowledged to the load: act \(lost.write.act) request \(lost.write.requestID) on \(lost.dataDirectories.count) disks: \(lost.write.reason)")
        }
        #expect(!missing.isEmpty, "acts acknowledged while the centre was cut off are lost with the region, yet none is missing")
        #expect(missing.isSubset(of: reportedLost), "every lost acknowledged act is in the report: unreported \(missing.subtracting(reportedLost))")
        #expect(reportedLost.allSatisfy { id in !present.contains { $0.requestID.description == id } }, "the report lists no act that survived")
        try await LabChecks.endOfScenario("lose-region in region durability", cluster, acknowledged: present)
        try await admin.setDurability(region: "RSK", mode: "center", cluster.topology)
    }
}
