import Foundation
import Node
import Registry
import Testing

/// `sijil cluster renew-cert` on a running cluster: the status reports each node's certificate
/// dates, a renewed node keeps serving with its old certificate until it reloads it
/// (`sijil cluster reload-cert`) or restarts, then presents the new one and writes go on
/// through it.
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
            #expect(written.wasWritten, "HTTP \(written.status) \(written.text)")
        }
    }

    /// What node `id` presents on a new connection to its API and to its peer port (as its peer
    /// node `peer` would connect).
    static func presented(_ cluster: TestCluster, node id: UInt64, peer: UInt64) async throws -> (api: String, peer: String) {
        let node = try #require(cluster.layout.topology.node(id))
        let api = try #require(HostPort(node.http))
        let transport = try #require(HostPort(node.peer))
        let certs = cluster.layout.directory + "/certs"
        return (try await PresentedCertificate.serial(host: api.host, port: api.port),
                try await PresentedCertificate.serial(host: transport.host, port: transport.port,
                                                      clientCertificate: certs + "/node-\(peer).pem", clientKey: certs + "/node-\(peer).key"))
    }

    @Test func aReloadedCertificateIsPresentedOnNewConnectionsWithoutARestart() async throws {
        try await TestCluster.with { cluster in
            let node = try #require(cluster.layout.topology.node(1))
            let before = try #require(try await Self.status(cluster, node: node)?.certificateSerial)
            #expect(try await Self.presented(cluster, node: 1, peer: 2) == (before, before))

            let renewed = try CommandLineErrorTests.run(["cluster", "renew-cert", "--dir", cluster.layout.directory, "--node", "1"])
            try #require(renewed.status == 0, "\(renewed.standardOutput) \(renewed.standardError)")
            let serial = try #require(renewed.standardOutput.components(separatedBy: "serial ").dropFirst().first?.components(separatedBy: ",").first)
            #expect(serial != before)
            #expect(try await Self.presented(cluster, node: 1, peer: 2) == (before, before), "the files alone change nothing")

            let reloaded = try CommandLineErrorTests.run(["cluster", "reload-cert", "--dir", cluster.layout.directory, "--id", "1"])
            #expect(reloaded.status == 0, "\(reloaded.standardOutput) \(reloaded.standardError)")
            #expect(reloaded.standardOutput.hasPrefix("node 1: presents serial \(serial), valid until "), "\(reloaded.standardOutput)")
            #expect(try await Self.status(cluster, node: node)?.certificateSerial == serial)
            #expect(try await Self.presented(cluster, node: 1, peer: 2) == (serial, serial), "new connections, same process")

            // Files node 1 must not take: refused, and node 1 keeps presenting its own certificate.
            let certs = cluster.layout.directory + "/certs"
            let other = TestCluster.newDirectory()
            defer { try? FileManager.default.removeItem(atPath: other) }
            _ = try ClusterLayout.initialize(directory: other, plan: ClusterLayout.Plan())
            // The command keeps trusting the cluster's CA while node 1's files name another.
            let trusted = other + "/trusted-ca.pem"
            try FileManager.default.copyItem(atPath: certs + "/ca.pem", toPath: trusted)
            let cases: [(files: [String: String], refusal: String)] = [
                (["node-1.pem": certs + "/node-2.pem", "node-1.key": certs + "/node-2.key"], "not 1"),
                (["node-1.pem": other + "/certs/node-1.pem", "node-1.key": other + "/certs/node-1.key", "ca.pem": other + "/certs/ca.pem"], "not the CA"),
            ]
            for (files, refusal) in cases {
                var kept: [String: Data] = [:]
                for (name, source) in files {
                    kept[name] = try Data(contentsOf: URL(fileURLWithPath: certs + "/" + name))
                    try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: certs + "/" + name))
                }
                let refused = try CommandLineErrorTests.run(["cluster", "reload-cert", "--dir", cluster.layout.directory, "--ca", trusted, "--id", "1"])
                #expect(refused.status == 1 && refused.standardOutput.contains("HTTP 422") && refused.standardOutput.contains(refusal), "\(refused.standardOutput)")
                #expect(try await Self.presented(cluster, node: 1, peer: 2) == (serial, serial))
                for (name, data) in kept { try data.write(to: URL(fileURLWithPath: certs + "/" + name)) }
            }

            // Its peers connect to it again with the new certificate: restarted, node 2 dials
            // node 1 and node 1 dials it, and a registration through node 1 is committed.
            #expect(await cluster.processes.stop(2, timeoutMs: CrashRecoveryTests.waitMs))
            try cluster.processes.start(2)
            try await CrashRecoveryTests().waitUntil("node 2 is back") { try await Self.status(cluster, node: try #require(cluster.layout.topology.node(2))) != nil }
            let client = RegistryClient(http: try cluster.http("registrar"), addresses: [node.http])
            let written = try await client.write(path: "/v1/acts/births",
                                                 body: try TestActs.birth(office: 401003, writer: 2, n: 0, recordedAt: Timestamp.minute(of: Date())))
            #expect(written.wasWritten, "HTTP \(written.status) \(written.text)")
            #expect(try await Self.status(cluster, node: node)?.certificateSerial == serial)
        }
    }
}
