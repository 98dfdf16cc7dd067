import Foundation
import Node
import Registry
import Testing

/// The check every lab scenario ends with, once its load has stopped and its faults healed.
///
/// Durability: every acknowledged act is read linearizably and is the acknowledged request's,
/// then read on every active replica of its group, the centre included, from that replica's
/// own state (waiting until it has applied it), and is the same record everywhere. Numbering:
/// every register the acts went to is dense. Chains: `ClusterVerification` (every chain of
/// every register verifies on the centre and on every regional replica, and they match).
enum LabChecks {
    static func endOfScenario(_ scenario: String, _ cluster: LabCluster, acknowledged: [WriteResponse]) async throws {
        print("lab: \(scenario): checking \(acknowledged.count) acknowledged acts on every replica, and every chain")
        try await durability(cluster, acknowledged)
        try await numbering(cluster, acknowledged)
        let report = try await ClusterVerification.run(cluster.topology, admin: cluster.admin(waitMs: 60_000))
        #expect(report.clean, "\(scenario): chains differ: \(report.differences) \(report.unchecked)")
        #expect(report.registers > 0, "\(scenario): the centre holds registers to compare")
        print("lab: \(scenario): \(acknowledged.count) acts on every replica; \(report.registers) registers, \(report.comparisons) chain comparisons, clean: \(report.clean)")
    }

    static func durability(_ cluster: LabCluster, _ acts: [WriteResponse]) async throws {
        let topology = cluster.topology
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(Set(acts.map(\.actPath)).count == acts.count, "two acknowledged requests were given the same act")
        for act in acts {
            guard let region = topology.region(ofGroup: act.group) else {
                Issue.record("act \(act.actPath): group \(act.group) is not in the topology")
                continue
            }
            let client = try cluster.client(region: region.key)
            let reference = try await answered(cluster, "act \(act.actPath) read linearizably") { () -> ActRecord? in
                guard let response = try? await client.get("/v1/acts/\(act.actPath)"), response.status != 503 else { return nil }
                guard response.status == 200 else {
                    Issue.record("acknowledged act \(act.actPath) (request \(act.requestID)): HTTP \(response.status) \(response.text)")
                    throw CancellationError()
                }
                return try response.decode(ActResponse.self).record
            }
            #expect(reference.act.requestID == act.requestID, "act \(act.actPath) is the acknowledged request's")
            let replicas = topology.activeNodes.filter { $0.region == region.key || $0.isCenter }
            for node in replicas {
                let found = try await answered(cluster, "act \(act.actPath) applied on node \(node.id)") { () -> ActRecord? in
                    guard let response = try? await cluster.registrarHTTP(region: region.key).send("GET", node.http, "/v1/acts/\(act.actPath)?consistency=stale"),
                          response.status == 200 else { return nil }
                    return try? response.decode(ActResponse.self).record
                }
                #expect(try encoder.encode(found) == encoder.encode(reference), "act \(act.actPath) on node \(node.id) differs")
            }
        }
    }

    static func numbering(_ cluster: LabCluster, _ acts: [WriteResponse]) async throws {
        let topology = cluster.topology
        for (register, registered) in Dictionary(grouping: acts, by: { $0.actID.register }) {
            guard let region = topology.region(forOffice: register.office.rawValue) else { continue }
            let client = try cluster.client(region: region.key)
            let path = "/v1/registers/\(register.office)/\(register.year)/\(register.kind.name)"
            let state = try await answered(cluster, "\(path) read linearizably") { () -> RegisterState? in
                guard let response = try? await client.get(path), response.status == 200 else { return nil }
                return try? response.decode(RegisterBody.self).state
            }
            #expect(state.actCount == state.highestNumber, "register \(register): \(state.actCount) acts, highest number \(state.highestNumber)")
            #expect(registered.allSatisfy { $0.actID.number >= 1 && $0.actID.number <= state.actCount })
        }
    }

    /// Polls `read` until it returns a value, failing after the lab's bound.
    static func answered<T>(_ cluster: LabCluster, _ what: String, _ read: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(LabCluster.waitMs)
        while ContinuousClock.now < deadline {
            if let value = try await read() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }
}
