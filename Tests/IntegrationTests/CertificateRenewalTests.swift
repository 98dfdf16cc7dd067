import Foundation
import Node
import Registry
import Testing

/// `sijil cluster renew-cert` on a running cluster: the status reports each node's certificate
/// dates, a renewed node keeps serving with its old certificate until restarted, then rejoins
/// with the new one and writes go on through it.
@Suite(.serialized) struct CertificateRenewalTests {
    static func status(_ cluster: TestCluster, node: ClusterTopology.Node) async throws -> NodeStatusBody? {
        let http = try cluster.http("operator")
        guard let response = try? await http.send("GET", node.http, "/v1/cluster/status"), response.status == 200 else { return nil }
        return try response.decode(NodeStatusBody.self)
    }

    @Test func aNodeRestartedAfterItsRenewalServesWithTheNewCertificate() async throws {
        try await TestCluster.with { cluster in
            let node = try #require(cluster.layout.topology.node(1))
            let before = try #require(try await Self.status(cluster, node: node))

            let renewed = try CommandLineErrorTests.run(["cluster", "renew-cert", "--dir", cluster.layout.directory, "--node", "1"])
            #expect(renewed.status == 0, "\(renewed.standardOutput) \(renewed.standardError)")
            #expect(renewed.standardOutput.hasPrefix("node 1: "), "\(renewed.standardOutput)")
            let line = try #require(renewed.standardOutput.split(separator: "\n").first)
            let after = try #require(line.components(separatedBy: "valid until ").last)
            let serial = try #require(line.components(separatedBy: "serial ").last?.components(separatedBy: ",").first)
            #expect(ISO8601DateFormatter().date(from: after) != nil, "\(line)")
            #expect(after >= (before.certificateNotAfter ?? ""))
            #expect(serial != before.certificateSerial)
            let running = try await Self.status(cluster, node: node)
            #expect(running?.certificateSerial == before.certificateSerial, "a running node keeps the certificate it started with")

            #expect(await cluster.processes.stop(1, timeoutMs: CrashRecoveryTests.waitMs))
            try cluster.processes.start(1)
            try await CrashRecoveryTests().waitUntil("node 1 answers with its renewed certificate") {
                let status = try await Self.status(cluster, node: node)
                return status?.certificateSerial == serial && status?.certificateNotAfter == after
            }
            // Node 1 talks to its peers again: a registration sent to it is committed.
            let client = RegistryClient(http: try cluster.http("registrar"), addresses: [node.http])
            let written = try await client.write(path: "/v1/acts/births",
                                                 body: try TestActs.birth(office: 401003, writer: 1, n: 0, recordedAt: Timestamp.minute(of: Date())))
            #expect(written.status == 201, "HTTP \(written.status) \(written.text)")
        }
    }
}
