import Foundation
import NodeCore
import Raft
import Storage

extension NodeRuntime {
    /// Takes a consistent online backup of the groups `selected` (every hosted group when
    /// nil) into `directory`, on this node's filesystem.
    ///
    /// Between two turns of the loop (nothing is being written), RocksDB makes a checkpoint of
    /// the whole store (hard links of its immutable files, one flush: a point-in-time copy of
    /// the log, the Raft metadata and the state of every group), and the loop records each
    /// group's position (applied index and term, durable log end, commit index, voters) at that
    /// same instant. Then, off the loop: the checkpoint is opened alone and every group not
    /// selected is deleted from it and compacted away, the topology is copied, every file is
    /// listed with its SHA-256, and the manifest is written last. The node serves throughout.
    public func backup(to directory: String, groups selected: Set<UInt64>?, scope: String) async throws -> BackupManifest {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        if FileManager.default.fileExists(atPath: root),
           let contents = try? FileManager.default.contentsOfDirectory(atPath: root), !contents.isEmpty {
            throw BackupError.refused(path: root, reason: "the directory is not empty; a backup goes into a new directory")
        }
        do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
            throw BackupError.unreadable(path: root, reason: "\(error)")
        }
        let topology = self.topology
        let disk = self.disk
        let checkpoint = root + "/db"
        let taken: Result<[BackupManifest.Group], BackupError>? = await loop.exclusive { core in
            let hosted = core.groupIDs.filter { selected?.contains($0) ?? true }
            do {
                try disk.database.checkpoint(to: checkpoint)
            } catch {
                return .failure(.unreadable(path: checkpoint, reason: "checkpoint failed: \(error)"))
            }
            var groups: [BackupManifest.Group] = []
            for id in hosted {
                guard let raft = core.raft(of: id), core.haltReason(of: id) == nil else { continue }
                let shard = topology.regions.flatMap(\.shards).first { $0.group == id }
                let last = min(raft.persistedIndex, raft.lastIndex)
                groups.append(BackupManifest.Group(
                    group: id, region: core.descriptor(of: id)?.region ?? "?", firstOffice: shard?.firstOffice ?? 0, lastOffice: shard?.lastOffice ?? 0,
                    appliedIndex: raft.appliedIndex, appliedTerm: raft.term(at: raft.appliedIndex) ?? 0,
                    lastIndex: max(last, raft.snapshotIndex), lastTerm: raft.term(at: max(last, raft.snapshotIndex)) ?? 0,
                    commitIndex: raft.commitIndex, voters: raft.membership.voters.union(raft.membership.outgoingVoters).sorted(),
                    durability: raft.membership.centerRuleActive ? "center" : "region"))
            }
            return .success(groups)
        }
        guard let taken else { throw BackupError.refused(path: root, reason: "the node is stopping") }
        let groups = try taken.get()
        if let missing = selected?.subtracting(groups.map(\.group)).min() {
            throw BackupError.refused(path: root, reason: "group \(missing) is not hosted (or halted) on node \(nodeID)")
        }
        let everything = await loop.exclusive { core in core.groupIDs } ?? []
        try Self.keepOnly(Set(groups.map(\.group)), of: everything, inCheckpoint: checkpoint)
        try TopologyFile.write(topology, to: root + "/topology.toml")
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let manifest = BackupManifest(
            format: BackupManifest.formatName, cluster: topology.name, topologyVersion: topology.effectiveVersion, node: nodeID,
            scope: scope, createdAt: formatter.string(from: Date()), groups: groups, files: try BackupManifest.inventory(of: root))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard FileManager.default.createFile(atPath: root + "/" + BackupManifest.fileName, contents: try encoder.encode(manifest)) else {
            throw BackupError.unreadable(path: root + "/" + BackupManifest.fileName, reason: "cannot write")
        }
        logger.info("backup taken", metadata: ["directory": "\(root)", "groups": "\(groups.map(\.group))"])
        return manifest
    }

    /// Deletes every group but `kept` from a checkpoint (every key of the node's store starts
    /// with its group id, in each column family) and compacts, so that the files hold only them.
    static func keepOnly(_ kept: Set<UInt64>, of hosted: [UInt64], inCheckpoint path: String) throws {
        let dropped = hosted.filter { !kept.contains($0) }
        guard !dropped.isEmpty else { return }
        do {
            let database = try RocksDatabase(path: path, columnFamilies: RocksDisk.columnFamilyNames)
            var batch = WriteBatch()
            let families = try RocksDisk.columnFamilyNames.map { name throws(StorageError) in try database.columnFamily(name) }
            for group in dropped {
                let from = withUnsafeBytes(of: group.bigEndian) { Array($0) }
                let to = withUnsafeBytes(of: (group + 1).bigEndian) { Array($0) }
                for family in families { try batch.deleteRange(from: from, to: to, in: family) }
            }
            try database.write(batch, sync: true)
            for family in families { try database.compactRange(in: family) }
            try database.close()
        } catch {
            throw BackupError.unreadable(path: path, reason: "removing the groups outside the backup: \(error)")
        }
    }
}
