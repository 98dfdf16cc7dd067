import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Node
import NodeCore
import Registry
import Testing

/// Backups are checkpoints with a manifest; a restore refuses anything the manifest does not
/// vouch for, and brings the register back on a fresh cluster.
@Suite(.serialized) struct BackupRestoreTests {
    static func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sijil-\(name)-\(UUID().uuidString)").path
    }

    /// A directory that looks like a backup: a manifest over three files.
    static func fakeBackup(groups: [(group: UInt64, region: String, offices: ClosedRange<UInt32>)] = [(4001, "RSK", 400_000...499_999)],
                           cluster: String = ClusterLayout.Plan().clusterName) throws -> String {
        let directory = temporaryDirectory("backup")
        try FileManager.default.createDirectory(atPath: directory + "/db", withIntermediateDirectories: true)
        try "CURRENT".write(toFile: directory + "/db/CURRENT", atomically: true, encoding: .utf8)
        try "sst bytes".write(toFile: directory + "/db/000012.sst", atomically: true, encoding: .utf8)
        try "name = 'x'".write(toFile: directory + "/topology.toml", atomically: true, encoding: .utf8)
        let manifestGroups = groups.map {
            BackupManifest.Group(group: $0.group, region: $0.region, firstOffice: $0.offices.lowerBound, lastOffice: $0.offices.upperBound,
                                 appliedIndex: 3, appliedTerm: 1, lastIndex: 3, lastTerm: 1, commitIndex: 3, voters: [1], durability: "region")
        }
        let manifest = BackupManifest(format: BackupManifest.formatName, cluster: cluster, topologyVersion: 1, node: 1, scope: "region RSK",
                                      createdAt: "2026-01-01T00:00:00Z", groups: manifestGroups, files: try BackupManifest.inventory(of: directory))
        #expect(FileManager.default.createFile(atPath: directory + "/manifest.json", contents: try JSONEncoder().encode(manifest)))
        return directory
    }

    @Test func verifiedBackupListsEveryFileWithItsDigest() throws {
        let directory = try Self.fakeBackup()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifest = try BackupManifest.verify(directory: directory)
        #expect(manifest.files.map(\.path) == ["db/000012.sst", "db/CURRENT", "topology.toml"])
        #expect(manifest.files.allSatisfy { $0.sha256.count == 64 })
    }

    @Test func alteredFileIsRefusedByName() throws {
        let directory = try Self.fakeBackup()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "sst bytez".write(toFile: directory + "/db/000012.sst", atomically: true, encoding: .utf8)
        #expect { try BackupManifest.verify(directory: directory) } throws: { error in
            guard case BackupError.corrupted(let path, let reason) = error else { return false }
            return path.hasSuffix("db/000012.sst") && reason.contains("SHA-256")
        }
    }

    @Test func truncatedMissingOrStrayFilesAndAMissingManifestAreRefused() throws {
        let directory = try Self.fakeBackup()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "CURR".write(toFile: directory + "/db/CURRENT", atomically: true, encoding: .utf8)
        #expect { try BackupManifest.verify(directory: directory) } throws: { error in
            guard case BackupError.corrupted(let path, let reason) = error else { return false }
            return path.hasSuffix("db/CURRENT") && reason.contains("bytes")
        }
        try "CURRENT".write(toFile: directory + "/db/CURRENT", atomically: true, encoding: .utf8)
        try "extra".write(toFile: directory + "/db/000099.sst", atomically: true, encoding: .utf8)
        #expect { try BackupManifest.verify(directory: directory) } throws: { error in
            guard case BackupError.corrupted(let path, let reason) = error else { return false }
            return path.hasSuffix("db/000099.sst") && reason.contains("not in the manifest")
        }
        try FileManager.default.removeItem(atPath: directory + "/db/000099.sst")
        try FileManager.default.removeItem(atPath: directory + "/db/000012.sst")
        #expect { try BackupManifest.verify(directory: directory) } throws: { error in
            guard case BackupError.incomplete(let path, _) = error else { return false }
            return path.hasSuffix("db/000012.sst")
        }
        try FileManager.default.removeItem(atPath: directory + "/manifest.json")
        #expect { try BackupManifest.verify(directory: directory) } throws: { error in
            guard case BackupError.incomplete(let path, let reason) = error else { return false }
            return path.hasSuffix("manifest.json") && reason.contains("no manifest")
        }
    }

    /// A node's backup, taken while it serves, restored into a cluster that never ran: the
    /// acts are there, the chain verifies, and the restored node writes on.
    @Test func onlineBackupRestoresIntoAFreshClusterWithEveryAct() async throws {
        let backup = Self.temporaryDirectory("online-backup")
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let collected = Collected()
        try await SingleNodeFixture.with { fixture, app in
            await collected.set(plan: fixture.plan)
            try await app.test(.router) { client in
                for given in ["Yassine", "Salma", "Amine"] {
                    try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, headers: [.contentType: "application/json"],
                                             body: Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(given: given)))) { response in
                        #expect(response.status == .created)
                        await collected.add(try Bodies.decode(WriteResponse.self, response.body).actPath)
                    }
                }
                let first = try #require(await collected.paths.first)
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(first)/copy?form=extract&language=french", method: .get) { response in
                    #expect(response.status == .ok)
                    await collected.set(copy: try Bodies.decode(CivilStatusCopy.self, response.body))
                }
            }
            let manifest = try await fixture.runtime.backup(to: backup, groups: nil, scope: "cluster")
            #expect(manifest.groups.map(\.group) == [4001])
            #expect(manifest.groups[0].appliedIndex >= 4, "the backup holds the three acts (and the group's first entries)")
        }
        let written = await collected.paths
        var plan = try #require(await collected.plan)
        #expect(written.count == 3)

        let target = Self.temporaryDirectory("restored")
        defer { try? FileManager.default.removeItem(atPath: target) }
        plan.basePort = SingleNodeFixture.freePort()
        let backedUpCluster = plan.clusterName
        plan.clusterName = "sijil-dr"
        var layout = try ClusterLayout.initialize(directory: target, plan: plan)
        #expect(throws: BackupError.self) { try BackupRestore.restore(backup: backup, into: &layout, node: 1) }
        let report = try BackupRestore.restore(backup: backup, into: &layout, node: 1, acceptCluster: backedUpCluster)
        let issuedBefore = try #require(await collected.copy)
        #expect(report.formerSigningKeys == ["RSK": [issuedBefore.keyFingerprint]], "the backed-up cluster's key is kept as a former key")
        let restoredRegion = try #require(layout.topology.region("RSK"))
        #expect(restoredRegion.signingPublicKey != nil && restoredRegion.formerSigningPublicKeys?.count == 1)
        #expect(restoredRegion.formerSigningPublicKeys?.first != restoredRegion.signingPublicKey, "the new cluster signs with its own key")
        #expect(report.groups["4001"] ?? 0 > report.manifest.groups[0].lastIndex, "the restored log is applied through the new configuration entry")
        #expect(layout.topology.regions[0].shards[0].voters == [1])
        #expect(throws: BackupError.self) { try BackupRestore.restore(backup: backup, into: &layout, node: 1, acceptCluster: backedUpCluster) }

        try await SingleNodeFixture.with(layout: layout) { restored, app in
            let token = restored.tokens.registrar
            try await app.test(.router) { client in
                for path in written {
                    try await client.run(token, uri: "/v1/acts/\(path)", method: .get) { response in
                        #expect(response.status == .ok, "act \(path) restored")
                    }
                }
                try await client.run(token, uri: "/v1/registers/\(written[0].split(separator: "/").prefix(3).joined(separator: "/"))/verify", method: .get) { response in
                    let verification = try Bodies.decode(RegisterVerificationBody.self, response.body)
                    #expect(verification.intact)
                }
                // A copy issued before the backup still verifies; altered, it does not; a copy
                // issued now carries the new key and verifies too.
                try await client.run(token, uri: "/v1/copies/verify", method: .post, body: Bodies.json(issuedBefore)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(answer.valid, "\(answer.reason ?? "")")
                    #expect(answer.region == "RSK")
                }
                var altered = issuedBefore
                altered.lines[0].value += "X"
                try await client.run(token, uri: "/v1/copies/verify", method: .post, body: Bodies.json(altered)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(!answer.valid)
                    #expect(answer.reason?.contains("altered") == true)
                }
                let issuedNow = try await client.run(token, uri: "/v1/acts/\(written[0])/copy?form=extract&language=french", method: .get) { response in
                    try Bodies.decode(CivilStatusCopy.self, response.body)
                }
                #expect(issuedNow.keyFingerprint != issuedBefore.keyFingerprint)
                try await client.run(token, uri: "/v1/copies/verify", method: .post, body: Bodies.json(issuedNow)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(answer.valid)
                }
                try await client.run(token, uri: "/v1/acts/births", method: .post, headers: [.contentType: "application/json"],
                                     body: Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(given: "Idir")))) { response in
                    #expect(response.status == .created)
                    let written = try Bodies.decode(WriteResponse.self, response.body)
                    #expect(written.actID.number == 4, "numbering goes on after the restored acts")
                }
            }
        }
    }

    /// Shards of a backup that serve other offices than the new cluster's, or a region the new
    /// cluster lacks, or a group id that is another region's there, refuse the restore before
    /// anything is written.
    @Test func aBackupWhoseShardsDoNotMatchTheNewClustersOfficesIsRefusedAndChangesNothing() throws {
        let target = Self.temporaryDirectory("mismatch")
        defer { try? FileManager.default.removeItem(atPath: target) }
        var plan = ClusterLayout.Plan()
        plan.basePort = SingleNodeFixture.freePort()
        var layout = try ClusterLayout.initialize(directory: target, plan: plan)
        let before = layout.topology
        let served = try #require(before.region("RSK")).shards
        let first = try #require(served.map(\.firstOffice).min()), last = try #require(served.map(\.lastOffice).max())
        let cases: [(name: String, groups: [(group: UInt64, region: String, offices: ClosedRange<UInt32>)], reason: String)] = [
            ("fewer offices", [(4001, "RSK", first...(last - 1))], "do not serve the offices"),
            ("a gap", [(4001, "RSK", first...(first + 9)), (4009, "RSK", (first + 11)...last)], "do not serve the offices"),
            ("an overlap", [(4001, "RSK", first...(first + 10)), (4009, "RSK", (first + 10)...last)], "overlap"),
            ("another region", [(6001, "CAS", 600_000...699_999)], "no region CAS"),
            ("another cluster", [(4001, "RSK", first...last)], "the backup is of cluster sijil-test, the new cluster is sijil: give --accept-cluster sijil-test"),
        ]
        for (name, groups, reason) in cases {
            let backup = try Self.fakeBackup(groups: groups, cluster: name == "another cluster" ? "sijil-test" : plan.clusterName)
            defer { try? FileManager.default.removeItem(atPath: backup) }
            do {
                _ = try BackupRestore.restore(backup: backup, into: &layout, node: nil)
                Issue.record("\(name): the restore went through")
            } catch let error as BackupError {
                #expect("\(error)".contains(reason), "\(name): \(error)")
            }
            let saved = try ClusterLayout.open(directory: target).topology
            #expect(layout.topology == before && saved == before, "\(name): the topology is unchanged")
            for node in layout.topology.nodes {
                #expect(!FileManager.default.fileExists(atPath: layout.dataDirectory(node: node.id) + "/db"), "\(name): no store was written")
            }
        }
    }

    /// A cluster whose shard was split after `cluster init` is backed up, then restored into a
    /// fresh cluster made with the same plan, whose single shard is the one from before the
    /// split: the restore takes the backup's two shards, and both go on numbering their acts.
    @Test func aBackupTakenAfterASplitRestoresWithTheBackupsShards() async throws {
        let backup = Self.temporaryDirectory("split-backup")
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let collected = Collected()
        var shards: [ClusterTopology.Shard] = []
        try await SingleNodeFixture.with { fixture, app in
            await collected.set(plan: fixture.plan)
            let (split, moved) = try fixture.runtime.topology.splittingShard(group: 4001, at: 401003)
            shards = split.regions[0].shards
            try await app.test(.router) { client in
                for office: UInt32 in [401001, 401003] {
                    try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: SplitRouteTests.birth(office)) { response in
                        #expect(response.status == .created, "\(String(buffer: response.body))")
                        await collected.add(try Bodies.decode(WriteResponse.self, response.body).actPath)
                    }
                }
                let body = Bodies.json(SplitBody(newGroup: moved.group, firstOffice: moved.firstOffice, lastOffice: moved.lastOffice))
                try await client.run(fixture.tokens.operator, uri: "/v1/admin/groups/4001/split", method: .post, headers: SplitRouteTests.json, body: body) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
                try await SplitRouteTests.waitLeader(of: moved.group, fixture.runtime)
                _ = try fixture.runtime.applyTopology(split)
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: SplitRouteTests.birth(401003)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    let written = try Bodies.decode(WriteResponse.self, response.body)
                    #expect(written.group == moved.group && written.actID.number == 2)
                    await collected.add(written.actPath)
                }
            }
            let manifest = try await fixture.runtime.backup(to: backup, groups: nil, scope: "cluster")
            #expect(manifest.groups.map(\.group) == [4001, moved.group])
        }
        let written = await collected.paths
        var plan = try #require(await collected.plan)
        #expect(written.count == 3)
        let shardsAfterSplit = shards

        let target = Self.temporaryDirectory("split-restored")
        defer { try? FileManager.default.removeItem(atPath: target) }
        plan.basePort = SingleNodeFixture.freePort()
        var layout = try ClusterLayout.initialize(directory: target, plan: plan)
        #expect(layout.topology.regions[0].shards.map(\.group) == [4001], "the new cluster has the layout from before the split")
        let report = try BackupRestore.restore(backup: backup, into: &layout, node: 1)
        #expect(report.formerSigningKeys["RSK"]?.count == 1, "the backed-up cluster's key is kept as a former key")
        #expect(report.regionsWithBackupShards == ["RSK"])
        #expect(Set(report.groups.keys) == ["4001", "\(shards[1].group)"])
        let restored = layout.topology.regions[0].shards
        #expect(restored.map(\.group) == shards.map(\.group))
        #expect(restored.map(\.firstOffice) == shards.map(\.firstOffice) && restored.map(\.lastOffice) == shards.map(\.lastOffice))
        #expect(restored.allSatisfy { $0.voters == [1] && $0.splitFrom == nil }, "both are restored groups of node 1, neither waits for a split")
        #expect(try ClusterLayout.open(directory: target).topology == layout.topology, "the new topology is saved")

        try await SingleNodeFixture.with(layout: layout) { restoredFixture, app in
            for shard in shardsAfterSplit { try await SplitRouteTests.waitLeader(of: shard.group, restoredFixture.runtime) }
            let token = restoredFixture.tokens.registrar
            try await app.test(.router) { client in
                for path in written {
                    try await client.run(token, uri: "/v1/acts/\(path)", method: .get) { response in
                        #expect(response.status == .ok, "act \(path) restored: \(String(buffer: response.body))")
                    }
                }
                for (office, group, number) in [(UInt32(401001), UInt64(4001), UInt64(2)), (401003, shardsAfterSplit[1].group, 3)] {
                    try await client.run(token, uri: "/v1/acts/births", method: .post, body: SplitRouteTests.birth(office)) { response in
                        #expect(response.status == .created, "\(String(buffer: response.body))")
                        let next = try Bodies.decode(WriteResponse.self, response.body)
                        #expect(next.group == group && next.actID.number == number, "office \(office) numbers on in group \(group)")
                    }
                }
            }
        }
    }
}

/// What a test gathers inside the fixture's concurrent closures.
actor Collected {
    private(set) var paths: [String] = []
    private(set) var plan: ClusterLayout.Plan?
    private(set) var copy: CivilStatusCopy?
    func add(_ path: String) { paths.append(path) }
    func set(copy: CivilStatusCopy) { self.copy = copy }
    func set(plan: ClusterLayout.Plan) { self.plan = plan }
}
