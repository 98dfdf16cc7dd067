import Foundation
import Node
import Registry
import Testing

/// Real processes (the three nodes of Rabat-Salé-Kénitra and the centre) whose Raft logs are
/// compacted after 16 entries: a regional node stopped while its region writes comes back
/// behind the leader's compacted log, catches up from a snapshot, and its search finds the acts
/// the snapshot brought, read again from the installed state.
@Suite(.serialized)
struct SearchAfterSnapshotProcessTests {
    static let acts = 40
    static let office: UInt32 = 401001
    /// Bound of every wait on a state; reaching it is a failure, never a pass.
    static let waitMs: UInt64 = 120_000

    @Test func aNodeBackFromAnAbsenceCatchesUpFromASnapshotAndFindsItsActs() async throws {
        let layout = try ClusterLayout.initialize(directory: TestCluster.newDirectory(), plan: TestCluster.plan())
        for node in layout.topology.nodes {
            let path = layout.configurationPath(node: node.id)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var lines = text.components(separatedBy: "\n")
            let at = try #require(lines.firstIndex { $0.hasPrefix("node = ") }, "\(path) names its node")
            lines.insert(contentsOf: ["log_compaction_entries = 16", "log_retain_entries = 4"], at: at + 1)
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try await TestCluster.with(layout: layout, run)
    }

    func run(_ cluster: TestCluster) async throws {
        let topology = cluster.layout.topology
        let http = try cluster.http("registrar")
        let operatorHTTP = try cluster.http("operator")
        let regional = topology.nodes.filter { !$0.isCenter }
        let away = try #require(regional.last)
        #expect(await cluster.processes.stop(away.id, timeoutMs: Self.waitMs), "node \(away.id) stopped")

        // One entry per registration: the leader compacts its log again and again meanwhile.
        let client = RegistryClient(http: http, addresses: regional.filter { $0.id != away.id }.map(\.http))
        let now = Timestamp.minute(of: Date())
        var written: [WriteResponse] = []
        for n in 0..<Self.acts {
            let response = try await client.write(path: "/v1/acts/births", body: try TestActs.birth(office: Self.office, writer: 0, n: n, recordedAt: now))
            try #require(response.wasWritten, "act \(n): HTTP \(response.status) \(response.text)")
            written.append(try response.decode(WriteResponse.self))
        }

        try cluster.processes.start(away.id)
        var hits: [String] = []
        try await waitUntil("node \(away.id) finds the \(Self.acts) acts of office \(Self.office)", timeoutMs: Self.waitMs) {
            guard let response = try? await http.send("GET", away.http, "/v1/search?office=0\(Self.office)&limit=500"), response.status == 200,
                  let found = try? response.decode(SearchResponse.self) else { return false }
            hits = found.hits.map(\.actPath)
            return hits.count >= Self.acts
        }
        #expect(Set(hits) == Set(written.map(\.actPath)), "node \(away.id)'s search finds exactly the acts written while it was away")
        let status = try await operatorHTTP.send("GET", away.http, "/v1/cluster/status").decode(NodeStatusBody.self)
        let search = try #require(status.search)
        #expect(search.snapshotRereads >= 1, "node \(away.id) caught up from a snapshot: \(search)")
        #expect(search.rebuilds == 0, "no rebuild: it stopped cleanly, so its index was kept and only the snapshot's group was read again")
        print("node \(away.id): \(hits.count) acts found after catching up from a snapshot; \(search)")
    }
}
