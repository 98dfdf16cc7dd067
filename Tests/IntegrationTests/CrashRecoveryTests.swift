import Foundation
import Node
import Registry
import Testing

/// Real processes on loopback (DESIGN §7.4): the three nodes of Rabat-Salé-Kénitra and the
/// national centre, each a `sijil start` process with its own RocksDB directory and TLS on.
/// Concurrent registrations; the leader of a group and one follower killed with SIGKILL and
/// restarted; then every acknowledged act must be readable, identical on every node and on
/// the centre, and every register's numbering dense.
@Suite(.serialized)
struct CrashRecoveryTests {
    static let writers = 6
    static let actsPerWriter = 8
    /// Bound of every wait on a state (a leader, a replica catching up). Generous for a loaded
    /// 2-core machine; reaching it is a failure, never a pass.
    static let waitMs: UInt64 = 120_000

    @Test func acknowledgedActsSurviveKillingALeaderAndAFollower() async throws {
        try await TestCluster.with(run)
    }

    func run(_ cluster: TestCluster) async throws {
        let layout = cluster.layout
        // A registrar of the region writes and reads acts; an operator reads the cluster's status.
        let http = try cluster.http("registrar")
        let operatorHTTP = try cluster.http("operator")
        let regional = layout.topology.nodes.filter { !$0.isCenter }
        let acknowledged = AcknowledgedActs()
        // Offices of both shard groups (the split falls in the province of Kénitra).
        let offices: [UInt32] = [401001, 401003, 402001, 405001, 405002, 404001]
        let now = Timestamp.minute(of: Date())

        // Writers: each sends its registrations one after the other to its own node, retrying
        // with the same key and body as the API asks.
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<Self.writers {
                    let client = RegistryClient(http: http, addresses: [regional[writer % regional.count].http] + regional.map(\.http))
                    group.addTask {
                        for n in 0..<Self.actsPerWriter {
                            let office = offices[(writer + n) % offices.count]
                            let body = try TestActs.birth(office: office, writer: writer, n: n, recordedAt: now)
                            let response = try await client.write(path: "/v1/acts/births", body: body)
                            try #require(response.wasWritten, "writer \(writer) act \(n): HTTP \(response.status) \(response.text)")
                            await acknowledged.add(try response.decode(WriteResponse.self))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        // Once a third of the acts are acknowledged, kill -9 the leader of the first group and
        // one other regional node (a follower of that group), then restart both.
        try await waitUntil("a third of the acts acknowledged") { await acknowledged.count >= Self.writers * Self.actsPerWriter / 3 }
        let report = await ClusterStatusReport.collect(topology: layout.topology, client: operatorHTTP)
        let group = layout.topology.regions[0].shards[0].group
        let leader = try #require(report.rows.first { $0.group == group }?.leader, "group \(group) has a leader")
        let follower = try #require(regional.map(\.id).first { $0 != leader }, "a follower")
        #expect(await cluster.processes.stop(leader, signal: SIGKILL, timeoutMs: Self.waitMs))
        #expect(await cluster.processes.stop(follower, signal: SIGKILL, timeoutMs: Self.waitMs))
        let atKill = await acknowledged.count
        try cluster.processes.start(leader)
        try cluster.processes.start(follower)
        print("killed (SIGKILL) and restarted node \(leader), leader of group \(group), and node \(follower) after \(atKill) acknowledged acts")

        try await writers.value
        let acts = await acknowledged.all
        #expect(acts.count == Self.writers * Self.actsPerWriter)
        #expect(atKill < acts.count, "some registrations were still to come when the nodes were killed")
        try await DevCluster.waitUntilReady(topology: layout.topology, http: operatorHTTP, timeoutMs: Self.waitMs, processes: cluster.processes)

        // Every acknowledged act, read on every node and on the centre from its own replica
        // (waiting until that replica has applied it), is the same record everywhere.
        let client = RegistryClient(http: http, addresses: regional.map(\.http))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for act in acts {
            let linearizable = try await answered(client, "/v1/acts/\(act.actPath)")
            let reference = try linearizable.decode(ActResponse.self).record
            #expect(reference.act.requestID == act.requestID, "act \(act.actPath) is the acknowledged request's")
            for node in layout.topology.nodes {
                var found: ActRecord?
                try await waitUntil("act \(act.actPath) applied on node \(node.id)") {
                    guard let response = try? await http.send("GET", node.http, "/v1/acts/\(act.actPath)?consistency=stale"),
                          response.status == 200 else { return false }
                    found = try? response.decode(ActResponse.self).record
                    return found != nil
                }
                #expect(try encoder.encode(found) == encoder.encode(reference), "act \(act.actPath) on node \(node.id) differs")
            }
        }

        // Numbering: in every register, acts are 1...count with no gap, and no two
        // acknowledged requests share a number.
        #expect(Set(acts.map(\.actPath)).count == acts.count, "two acknowledged requests were given the same act")
        let registers = Dictionary(grouping: acts, by: { $0.actID.register })
        for (register, registered) in registers {
            let path = "/v1/registers/\(register.office)/\(register.year)/\(register.kind.name)"
            let state = try await answered(client, path).decode(RegisterBody.self).state
            #expect(state.actCount == state.highestNumber, "register \(register): \(state.actCount) acts, highest number \(state.highestNumber)")
            #expect(registered.allSatisfy { $0.actID.number >= 1 && $0.actID.number <= state.actCount })
            for number in 1...max(state.actCount, 1) {
                _ = try await answered(client, "/v1/acts/\(register.office)/\(register.year)/\(register.kind.name)/\(number)")
            }
            for node in layout.topology.nodes {
                let verified = try await http.send("GET", node.http, path + "/verify?consistency=stale").decode(RegisterVerificationBody.self)
                #expect(verified.intact, "register \(register) chain on node \(node.id): \(verified.breakReason ?? "")")
            }
        }
    }

    /// A linearizable read that succeeds: a 503 (a leader being elected after the restarts) is
    /// retried until the bound; any other answer than 200 fails the test.
    func answered(_ client: RegistryClient, _ path: String) async throws -> HTTPSClient.Response {
        var last: HTTPSClient.Response?
        try await waitUntil("\(path) answers") {
            last = try? await client.get(path)
            return last.map { $0.status != 503 } ?? false
        }
        let response = try #require(last)
        try #require(response.status == 200, "\(path): HTTP \(response.status) \(response.text)")
        return response
    }

    /// Polls `condition` until it holds, failing after `waitMs`.
    func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        try await IntegrationTests.waitUntil(what, timeoutMs: Self.waitMs, condition)
    }
}

/// The acknowledged writes, gathered from concurrent writers.
actor AcknowledgedActs {
    private var acts: [WriteResponse] = []
    func add(_ act: WriteResponse) { acts.append(act) }
    var count: Int { acts.count }
    var all: [WriteResponse] { acts }
}
