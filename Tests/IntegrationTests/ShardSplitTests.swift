import Foundation
import Node
import Registry
import Testing

/// `split-shard` on real processes (the three nodes of Rabat-Salé-Kénitra and the centre, TLS
/// on): acts registered in offices on both sides of the split point; the group split at the
/// office that halves its acts; then every act reads back, a moved office takes new acts with
/// its numbering continuing, every chain of every replica matches the centre, and the new group
/// has a leader; a split made by the route alone is recorded by the next run, not made twice.
@Suite(.serialized)
struct ShardSplitTests {
    static let actsPerOffice = 2

    @Test func splittingAShardKeepsEveryActReadableWritableAndVerifiedOnEveryReplica() async throws {
        try await TestCluster.with(run)
    }

    func run(_ cluster: TestCluster) async throws {
        let layout = cluster.layout
        let http = try cluster.http("registrar")
        let operatorHTTP = try cluster.http("operator")
        let regional = layout.topology.nodes.filter { !$0.isCenter }
        let client = RegistryClient(http: http, addresses: regional.map(\.http))
        let shard = layout.topology.regions[0].shards[0]
        let known = ReferenceData.embedded.offices(in: RegionCode(layout.topology.regions[0].code)).map(\.code.rawValue).sorted()
            .filter { shard.firstOffice <= $0 && $0 <= shard.lastOffice }
        try #require(known.count >= 4, "group \(shard.group) holds \(known.count) known offices; the test needs 4")
        let offices = [known[0], known[1], known[known.count / 2], known[known.count - 1]]
        let now = Timestamp.minute(of: Date())

        var written: [WriteResponse] = []
        for (writer, office) in offices.enumerated() {
            for n in 0..<Self.actsPerOffice {
                let response = try await client.write(path: "/v1/acts/births", body: try TestActs.birth(office: office, writer: writer, n: n, recordedAt: now))
                try #require(response.wasWritten, "office \(office): HTTP \(response.status) \(response.text)")
                written.append(try response.decode(WriteResponse.self))
            }
        }

        // Split at the office that halves the group's acts: the third of the four offices.
        let admin = ClusterAdmin(http: operatorHTTP, waitMs: CrashRecoveryTests.waitMs, say: { print("split-shard: \($0)") })
        var operations = RegionOperations(layout: layout, admin: admin) { nodes in
            throw ClusterOperationError(description: "a split starts no node, asked to start \(nodes.map(\.id))")
        }
        let report = try await operations.splitShard(shard.group, at: nil)
        let topology = operations.layout.topology
        #expect(report.firstOffice == offices[2] && report.lastOffice == shard.lastOffice)
        #expect(report.index != nil && (report.movedRecords ?? 0) > 0, "the split was made by this run and moved the upper offices' acts")
        #expect(report.group == shard.group && topology.group(forOffice: offices[2]) == report.newGroup)
        #expect(topology.group(forOffice: offices[1]) == shard.group)
        #expect(report.notUpdated.isEmpty, "every node took topology version \(report.topologyVersion): \(report.notUpdated)")
        #expect(Set(report.voters) == Set(layout.topology.activeNodes.map(\.id)), "the new group has the parent's voters")
        #expect(try ClusterLayout.open(directory: layout.directory).topology == topology, "the cluster directory holds the new version")

        // (a) Every act, on both sides, reads back; on every replica, the centre included.
        for act in written {
            let response = try await client.get("/v1/acts/\(act.actPath)")
            try #require(response.status == 200, "\(act.actPath): HTTP \(response.status) \(response.text)")
            #expect(try response.decode(ActResponse.self).record.act.requestID == act.requestID)
            for node in layout.topology.nodes {
                // A follower applies the split a moment after the leader answered it.
                try await CrashRecoveryTests().waitUntil("\(act.actPath) reads on node \(node.id)") {
                    (try? await http.send("GET", node.http, "/v1/acts/\(act.actPath)?consistency=stale"))?.status == 200
                }
            }
        }

        // (b) A moved office takes a new act, numbered after the ones it had before the split.
        let moved = try await client.write(path: "/v1/acts/births", body: try TestActs.birth(office: offices[3], writer: 9, n: 0, recordedAt: now))
        try #require(moved.wasWritten, "HTTP \(moved.status) \(moved.text)")
        let act = try moved.decode(WriteResponse.self)
        #expect(act.actID.register.office.rawValue == offices[3] && act.actID.number == UInt64(Self.actsPerOffice) + 1)

        // A split made by the route alone (a run that stopped before saving the topology) is
        // recorded by the next run, not made twice.
        let upper = topology.regions[0].shards.first { $0.group == layout.topology.regions[0].shards[1].group }!
        let routeSplit = try await operatorHTTP.sendJSON("POST", regional[1].http, "/v1/admin/groups/\(upper.group)/split",
                                                         SplitBody(newGroup: 4004, firstOffice: upper.firstOffice + 1, lastOffice: upper.lastOffice))
        try #require(routeSplit.status == 200, "HTTP \(routeSplit.status) \(routeSplit.text)")
        let recorded = try await operations.splitShard(upper.group, at: upper.firstOffice + 1)
        #expect(recorded.newGroup == 4004 && recorded.index == nil && recorded.movedRecords == nil)
        #expect(recorded.topologyVersion == report.topologyVersion + 1)
        #expect(operations.layout.topology.group(forOffice: upper.lastOffice) == 4004)
        let latest = operations.layout.topology

        // (c) Every chain of every group, on every regional replica, matches the centre's.
        let verification = try await ClusterVerification.run(latest, admin: admin)
        #expect(verification.clean, "differences \(verification.differences), unchecked \(verification.unchecked)")
        #expect(verification.groups == 4)
        #expect(verification.registers >= offices.count, "the registers of every office were verified")

        // (d) The status lists the new group with a leader and its members.
        let status = await ClusterStatusReport.collect(topology: latest, client: operatorHTTP)
        for split in [report, recorded] {
            let row = try #require(status.rows.first { $0.group == split.newGroup }, "status lists group \(split.newGroup)")
            #expect(row.leader != nil && Set(row.members) == Set(split.voters), "\(row)")
        }

        // A node restarted after the splits recovers the new groups from its disk (the topology
        // names them without members) and serves their acts.
        let restarted = regional[2]
        #expect(await cluster.processes.stop(restarted.id, signal: SIGTERM, timeoutMs: CrashRecoveryTests.waitMs))
        try cluster.processes.start(restarted.id)
        for act in written + [act] {
            try await CrashRecoveryTests().waitUntil("\(act.actPath) reads on restarted node \(restarted.id)") {
                (try? await http.send("GET", restarted.http, "/v1/acts/\(act.actPath)?consistency=stale"))?.status == 200
            }
        }
        let again = await ClusterStatusReport.collect(topology: latest, client: operatorHTTP)
        #expect(Set(again.rows.map(\.group)) == Set(latest.regions[0].shards.map(\.group)))
    }
}
