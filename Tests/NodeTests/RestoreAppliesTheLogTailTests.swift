import Foundation
import Hummingbird
import HummingbirdTesting
import NodeCore
import Raft
import Registry
import Services
import Testing
@testable import Node

/// A backup whose log holds committed entries its state has not applied yet (a turn's apply
/// batch is written without fsync after the log's synced write, so a checkpoint can be taken
/// between the two, and a crash leaves the same): the restore applies them as the node would,
/// so the restored register holds every act of the log.
@Suite(.serialized) struct RestoreAppliesTheLogTailTests {
    /// The node's disk, except that once `dropUnsynced` is set the unsynced batches (a turn's
    /// applied state) are not written: what is left is a store whose log runs ahead of its state.
    final class LogAheadDisk: DiskDriver {
        let inner: RocksDisk
        var dropUnsynced = false
        init(_ inner: RocksDisk) { self.inner = inner }
        func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? { try inner.get(space, key) }
        func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
            try inner.scan(space, from: from, to: to, limit: limit)
        }
        func write(_ batch: DiskBatch, sync: Bool) throws(DiskError) {
            if dropUnsynced && !sync { return }
            try inner.write(batch, sync: sync)
        }
        func openView() throws(DiskError) -> any DiskView { try inner.openView() }
    }

    /// A registration as the gateway proposes it: the register's request with its audit record.
    static func registration(_ number: UInt64, office: UInt32, at: Timestamp) -> [UInt8] {
        let request = RegistryRequest(requestID: RequestID(high: 11, low: number), recordedAt: at, officer: Bodies.officer,
                                      operation: .registerBirth(Bodies.birth(given: "Yassine", office: office)))
        let audit = AuditRecord(at: at, node: 1, actor: "OEC-0401003-01", role: "officer", tokenID: "t\(number)", office: OfficeCode(office),
                                purpose: "registration", action: "register_birth", subject: "\(office)")
        return ServiceCommand(at: at, audit: audit, operation: .registryWrite(.single(request))).encode()
    }

    @Test func committedEntriesTheBackupHadNotAppliedAreRestoredAsTheNodeAppliesThem() async throws {
        let plan = SingleNodeFixture.onePlan()
        let target = BackupRestoreTests.temporaryDirectory("log-ahead-restored")
        defer { try? FileManager.default.removeItem(atPath: target) }
        var layout = try ClusterLayout.initialize(directory: target, plan: plan)
        let shard = layout.topology.regions[0].shards[0]
        let office: UInt32 = 401003

        // The backup's store: three registrations in the log, the third not applied.
        let backup = BackupRestoreTests.temporaryDirectory("log-ahead-backup")
        defer { try? FileManager.default.removeItem(atPath: backup) }
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        let disk = LogAheadDisk(try RocksDisk(path: backup + "/db", metrics: nil))
        let core = try NodeCore(options: NodeCoreOptions(nodeID: 1, randomSeed: 7), disk: disk, network: SilentNetwork(), machines: { _ in ShardMachine() })
        try core.createGroup(GroupDescriptor(id: shard.group, region: "RSK", machine: RegistryMachine.machineName, initialMembership: Membership(voters: [1])))
        var nowMs: UInt64 = 1_767_225_600_000
        for _ in 0..<200 where core.raft(of: shard.group)?.role != .leader {
            nowMs += 100
            core.tick(nowMs: nowMs)
            _ = try core.runTurn()
        }
        let at = Timestamp.minute(of: Date())
        var applied: [String] = []
        for number: UInt64 in 1...3 {
            if number == 3 { disk.dropUnsynced = true }
            core.submit(ClientTicket(number), .write(group: shard.group, command: Self.registration(number, office: office, at: at)), nowMs: nowMs)
            var answered: ClientResponse?
            for _ in 0..<200 where answered == nil { answered = try core.runTurn().first { $0.ticket == ClientTicket(number) } }
            let answer = try #require(answered)
            guard case .applied(_, let bytes) = answer.result, case .registry(.accepted(let entry)) = try ServiceOutcome.decode(bytes) else {
                Issue.record("registration \(number): \(answer.result)")
                return
            }
            applied.append(entry.actID.path)
        }
        try disk.inner.close()
        // Reopened, the store's state ends at the second registration; the third is in its log.
        let reopened = try RocksDisk(path: backup + "/db", metrics: nil)
        let loaded = try NodeCore(options: NodeCoreOptions(nodeID: 1, randomSeed: 7), disk: reopened, network: SilentNetwork(), machines: { _ in ShardMachine() })
        let raft = try #require(loaded.raft(of: shard.group))
        #expect(raft.lastIndex > raft.appliedIndex, "the log runs ahead of the state")
        let group = BackupManifest.Group(group: shard.group, region: "RSK", firstOffice: shard.firstOffice, lastOffice: shard.lastOffice,
                                         appliedIndex: raft.appliedIndex, appliedTerm: raft.term(at: raft.appliedIndex) ?? 0,
                                         lastIndex: raft.lastIndex, lastTerm: raft.term(at: raft.lastIndex) ?? 0, commitIndex: raft.commitIndex,
                                         voters: [1], durability: "region")
        try reopened.close()
        try TopologyFile.write(layout.topology, to: backup + "/topology.toml")
        let manifest = BackupManifest(format: BackupManifest.formatName, cluster: layout.topology.name, topologyVersion: 1, node: 1, scope: "cluster",
                                      createdAt: "2026-11-22T00:00:00Z", groups: [group], files: try BackupManifest.inventory(of: backup))
        #expect(FileManager.default.createFile(atPath: backup + "/manifest.json", contents: try JSONEncoder().encode(manifest)))

        _ = try BackupRestore.restore(backup: backup, into: &layout, node: 1)
        let paths = applied
        try await SingleNodeFixture.with(layout: layout) { restored, app in
            try await app.test(.router) { client in
                for path in paths {
                    try await client.run(restored.tokens.registrar, uri: "/v1/acts/\(path)", method: .get) { response in
                        #expect(response.status == .ok, "act \(path): \(String(buffer: response.body))")
                    }
                }
                let register = paths[0].split(separator: "/").prefix(3).joined(separator: "/")
                try await client.run(restored.tokens.registrar, uri: "/v1/registers/\(register)", method: .get) { response in
                    let state = try Bodies.decode(RegisterBody.self, response.body).state
                    #expect(state.actCount == 3, "every act of the log is in the restored register")
                }
            }
        }
    }
}
