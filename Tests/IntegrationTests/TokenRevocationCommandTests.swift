import Foundation
import Node
import Testing

/// `sijil token revoke` on a running cluster: every node refuses the token from then on, by its
/// id or as one of its holder's tokens, and revoking it again changes nothing.
@Suite(.serialized) struct TokenRevocationCommandTests {
    /// Each node's answer to the token, sent once: a refusal the node answers before the client
    /// has sent its whole request must reach the client too (`HTTPSClientEarlyAnswerTests`).
    static func statuses(_ cluster: TestCluster, token: String) async throws -> [Int] {
        let http = try HTTPSClient(caCertificatePath: cluster.layout.caCertificatePath, timeoutMs: CrashRecoveryTests.waitMs, token: token)
        var statuses: [Int] = []
        for node in cluster.layout.topology.activeNodes {
            statuses.append(try await http.send("GET", node.http, "/v1/cluster/status").status)
        }
        return statuses
    }

    static func issue(_ directory: String, subject: String) throws -> String {
        let issued = try CommandLineErrorTests.run(["token", "issue", "--dir", directory, "--role", "operator", "--subject", subject, "--hours", "1"])
        try #require(issued.status == 0, "\(issued.standardError)")
        return issued.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func everyNodeRefusesARevokedTokenAndItsHoldersOthers() async throws {
        try await TestCluster.with { cluster in
            let directory = cluster.layout.directory
            let nodes = cluster.layout.topology.activeNodes.count
            let lost = try Self.issue(directory, subject: "OPS-LAPTOP")
            let kept = try Self.issue(directory, subject: "OPS-DESK")
            #expect(try await Self.statuses(cluster, token: lost) == Array(repeating: 200, count: nodes))

            let revoked = try CommandLineErrorTests.run(["token", "revoke", "--dir", directory, lost, "--reason", "laptop lost"])
            #expect(revoked.status == 0, "\(revoked.standardOutput) \(revoked.standardError)")
            #expect(revoked.standardOutput.contains("revoked token") && revoked.standardOutput.contains("of OPS-LAPTOP"), "\(revoked.standardOutput)")
            #expect(try await Self.statuses(cluster, token: lost) == Array(repeating: 401, count: nodes))
            let http = try HTTPSClient(caCertificatePath: cluster.layout.caCertificatePath, timeoutMs: CrashRecoveryTests.waitMs, token: lost)
            let refusal = try await http.send("GET", cluster.layout.topology.activeNodes[0].http, "/v1/cluster/status").text
            #expect(refusal.contains("auth.token_revoked") && refusal.contains("laptop lost"), "\(refusal)")
            #expect(try await Self.statuses(cluster, token: kept) == Array(repeating: 200, count: nodes), "another holder's token still works")

            let again = try CommandLineErrorTests.run(["token", "revoke", "--dir", directory, lost, "--reason", "laptop lost"])
            #expect(again.status == 0 && again.standardOutput.contains("already revoked"), "\(again.standardOutput) \(again.standardError)")
            let listed = try #require(try ClusterLayout.open(directory: directory).topology.revokedTokens)
            #expect(listed.count == 1)
            let lostClaims = try #require(try? AccessControl(topology: cluster.layout.topology, revocations: TokenRevocations()).check(lost).get())
            #expect(listed.first?.expiresAt == lostClaims.expiresAtSeconds, "the token's end is kept, so the revocation can go once it is past")
            let status = try CommandLineErrorTests.run(["cluster", "status", "--dir", directory, "--json"])
            #expect(status.status == 0, "a healthy cluster: \(status.standardError)")
            let report = try JSONDecoder().decode(ClusterStatusReport.self, from: Data(status.standardOutput.utf8))
            #expect(report.nodes.map(\.topologyVersion) == Array(repeating: 2, count: nodes), "every node took the revoking version")
            #expect(report.topologyWarnings.isEmpty)

            let holder = try CommandLineErrorTests.run(["token", "revoke", "--dir", directory, "--subject", "OPS-DESK", "--reason", "left the team"])
            #expect(holder.status == 0, "\(holder.standardOutput) \(holder.standardError)")
            #expect(try await Self.statuses(cluster, token: kept) == Array(repeating: 401, count: nodes))
            // A new token for the same holder, issued at once, is not caught by that revocation.
            let renewed = try Self.issue(directory, subject: "OPS-DESK")
            #expect(try await Self.statuses(cluster, token: renewed) == Array(repeating: 200, count: nodes))

            let forged = try CommandLineErrorTests.run(["token", "revoke", "--dir", directory, "sjt1.AAAA.BBBB", "--reason", "x"])
            #expect(forged.status == 64 && forged.standardError.contains("not a token of this cluster"), "\(forged.standardError)")
            #expect(try ClusterLayout.open(directory: directory).topology.revokedTokens?.count == 2, "a refused revocation writes nothing")
        }
    }
}

/// A node that was down when a token was revoked, and starts again with the topology file of
/// before, refuses the token once a peer reaches it, keeps refusing it after a restart with no
/// peer running, and drops what it learned once the version that revokes it is pushed.
@Suite(.serialized) struct RevocationLearnedFromPeersTests {
    static func status(_ http: HTTPSClient, _ node: ClusterTopology.Node) async throws -> NodeStatusBody {
        let response = try await http.send("GET", node.http, "/v1/cluster/status")
        try #require(response.status == 200, "\(response.text)")
        return try response.decode(NodeStatusBody.self)
    }

    @Test func aNodeThatMissedARevocationLearnsItFromItsPeersAndKeepsIt() async throws {
        try await TestCluster.with { cluster in
            let layout = cluster.layout
            let regional = layout.topology.activeNodes.filter { !$0.isCenter }
            let missing = try #require(regional.last)
            let others = layout.topology.activeNodes.filter { $0.id != missing.id }
            let stolen = try TokenRevocationCommandTests.issue(layout.directory, subject: "OPS-PHONE")
            let operatorHTTP = try HTTPSClient(caCertificatePath: layout.caCertificatePath, timeoutMs: CrashRecoveryTests.waitMs,
                                               token: try DevTokens.token("operator", layout: layout))
            let withStolen = try HTTPSClient(caCertificatePath: layout.caCertificatePath, timeoutMs: CrashRecoveryTests.waitMs, token: stolen)
            let versionOne = try String(contentsOfFile: layout.topologyPath, encoding: .utf8)

            #expect(await cluster.processes.stop(missing.id, timeoutMs: CrashRecoveryTests.waitMs))
            let revoked = try CommandLineErrorTests.run(["token", "revoke", "--dir", layout.directory, stolen, "--reason", "phone stolen"])
            #expect(revoked.status == 1, "a node did not take the version: \(revoked.standardOutput) \(revoked.standardError)")
            #expect(revoked.standardOutput.contains("nodes \(missing.id) did not take it"), "\(revoked.standardOutput)")
            let versionTwo = try String(contentsOfFile: layout.topologyPath, encoding: .utf8)

            // The node's host still holds the file of before: the node starts with version 1.
            try versionOne.write(toFile: layout.topologyPath, atomically: true, encoding: .utf8)
            try cluster.processes.start(missing.id)
            try await waitUntil("node \(missing.id) refuses the revoked token", timeoutMs: CrashRecoveryTests.waitMs) {
                (try? await withStolen.send("GET", missing.http, "/v1/cluster/status").status) == 401
            }
            let refusal = try await withStolen.send("GET", missing.http, "/v1/cluster/status").text
            #expect(refusal.contains("auth.token_revoked") && refusal.contains("phone stolen"), "\(refusal)")
            let learned = try await Self.status(operatorHTTP, missing)
            #expect(learned.topologyVersion == 1 && learned.revocationsLearned == 1)
            try versionTwo.write(toFile: layout.topologyPath, atomically: true, encoding: .utf8)
            let report = try CommandLineErrorTests.run(["cluster", "status", "--dir", layout.directory])
            #expect(report.standardOutput.contains("node \(missing.id): runs topology version 1, not 2 (it refuses 1 token revocation it learned from its peers)"),
                    "\(report.standardOutput)")

            // With every other node stopped, a restart still refuses it: what it learned is kept.
            for node in others { #expect(await cluster.processes.stop(node.id, timeoutMs: CrashRecoveryTests.waitMs)) }
            #expect(await cluster.processes.stop(missing.id, timeoutMs: CrashRecoveryTests.waitMs))
            try versionOne.write(toFile: layout.topologyPath, atomically: true, encoding: .utf8)
            try cluster.processes.start(missing.id)
            try await waitUntil("node \(missing.id) answers alone", timeoutMs: CrashRecoveryTests.waitMs) {
                (try? await operatorHTTP.send("GET", missing.http, "/v1/cluster/status").status) == 200
            }
            #expect(try await withStolen.send("GET", missing.http, "/v1/cluster/status").status == 401)
            #expect(try await Self.status(operatorHTTP, missing).revocationsLearned == 1)

            // The version that revokes it, pushed, takes the learned revocation's place.
            try versionTwo.write(toFile: layout.topologyPath, atomically: true, encoding: .utf8)
            for node in others { try cluster.processes.start(node.id) }
            try await DevCluster.waitUntilReady(topology: layout.topology, http: operatorHTTP, timeoutMs: CrashRecoveryTests.waitMs,
                                                processes: cluster.processes)
            let pushed = try CommandLineErrorTests.run(["cluster", "push-topology", "--dir", layout.directory])
            #expect(pushed.status == 0, "\(pushed.standardOutput) \(pushed.standardError)")
            let after = try await Self.status(operatorHTTP, missing)
            #expect(after.topologyVersion == 2 && after.revocationsLearned == 0)
            #expect(try await withStolen.send("GET", missing.http, "/v1/cluster/status").status == 401)
        }
    }
}
