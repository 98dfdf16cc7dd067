import Foundation
import NodeCore
import Raft
import Registry

/// Restores a backup into a fresh cluster: a cluster directory made by `sijil cluster init`
/// whose nodes have never run.
///
/// The backup is checked first, file by file (`BackupManifest.verify`): a missing, truncated,
/// altered or foreign file refuses the restore, naming it. The new cluster must serve the
/// backup's groups with the same ids, regions and office ranges. The checkpoint becomes the
/// store of one node of the new cluster (the centre by default). That store still names the
/// old cluster's members, so each group is then forced, offline, onto its own log with the
/// restoring node as its only voter (`NodeCore+Reconfiguration.swift`), and applied to the
/// end; the new topology names that node as the groups' only initial member, so no other node
/// creates them afresh. Once the cluster runs, `sijil cluster fill-groups` makes the region's
/// nodes voters again.
public enum BackupRestore {
    /// What a restore did.
    public struct Report: Codable, Sendable, Equatable {
        /// The node that holds the restored groups.
        public var node: UInt64
        /// Per group: applied through this index after the restore.
        public var groups: [String: UInt64]
        /// The backup's manifest.
        public var manifest: BackupManifest
    }

    /// Turns and ticks allowed to apply a restored log offline: every turn applies up to the
    /// Raft apply limit (megabytes), so a backup of millions of entries still ends in far
    /// fewer than this.
    static let applyTurnsMax = 1_000_000

    /// Restores `backup` into `layout` on node `target` (the centre when nil).
    public static func restore(backup: String, into layout: inout ClusterLayout, node target: UInt64?) throws -> Report {
        let manifest = try BackupManifest.verify(directory: backup)
        let topology = layout.topology
        guard let node = target.flatMap(topology.node) ?? topology.centerID.flatMap(topology.node) else {
            throw BackupError.refused(path: layout.topologyPath, reason: "no node \(target.map(String.init) ?? "(centre)") in the new cluster")
        }
        for group in manifest.groups {
            guard let region = topology.region(ofGroup: group.group), region.key == group.region,
                  let shard = region.shards.first(where: { $0.group == group.group }),
                  shard.firstOffice == group.firstOffice, shard.lastOffice == group.lastOffice else {
                throw BackupError.refused(path: layout.topologyPath, reason: "the new cluster does not serve group \(group.group) of region \(group.region) over offices \(group.firstOffice)...\(group.lastOffice) as the backup does")
            }
            if !node.isCenter && node.region != group.region {
                throw BackupError.refused(path: layout.topologyPath, reason: "node \(node.id) is of region \(node.region) and cannot hold group \(group.group) of \(group.region)")
            }
        }
        for other in topology.nodes where FileManager.default.fileExists(atPath: layout.dataDirectory(node: other.id) + "/db") {
            throw BackupError.refused(path: layout.dataDirectory(node: other.id), reason: "node \(other.id) already has a store: restore only into a cluster that has never run")
        }
        let store = layout.dataDirectory(node: node.id) + "/db"
        do {
            try FileManager.default.createDirectory(atPath: layout.dataDirectory(node: node.id), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: backup + "/db", toPath: store)
        } catch {
            throw BackupError.unreadable(path: store, reason: "copying the checkpoint: \(error)")
        }
        var applied: [String: UInt64] = [:]
        do {
            applied = try reseed(store: store, node: node, groups: manifest.groups)
        } catch {
            try? FileManager.default.removeItem(atPath: store)
            throw error
        }
        var next = topology
        for index in next.regions.indices {
            for shardIndex in next.regions[index].shards.indices where manifest.groups.contains(where: { $0.group == next.regions[index].shards[shardIndex].group }) {
                next.regions[index].shards[shardIndex].voters = [node.id]
                next.regions[index].shards[shardIndex].learners = nil
            }
        }
        try layout.save(next)
        return Report(node: node.id, groups: applied, manifest: manifest)
    }

    /// Forces every restored group onto its log with `node` alone, applies it to the end, and
    /// checks the result against the manifest. The entries applied here are the node's own (a
    /// register write carries its audit record as a services command), so they are applied by
    /// the machine a running node applies them with, `ShardMachine`: any other would answer
    /// them differently and leave this replica unlike the ones that later replay the same log.
    static func reseed(store: String, node: ClusterTopology.Node, groups: [BackupManifest.Group]) throws -> [String: UInt64] {
        let disk: RocksDisk
        do { disk = try RocksDisk(path: store, metrics: nil) } catch {
            throw BackupError.unreadable(path: store, reason: "the restored store cannot be opened: \(error)")
        }
        defer { try? disk.close() }
        let core = try NodeCore(options: NodeCoreOptions(nodeID: node.id, isCenter: node.isCenter, randomSeed: 1), disk: disk,
                                network: SilentNetwork(), machines: { _ in ShardMachine() })
        var applied: [String: UInt64] = [:]
        var ticket: ClientTicket = 1
        for group in groups {
            guard let raft = core.raft(of: group.group), core.haltReason(of: group.group) == nil else {
                throw BackupError.corrupted(path: store, reason: "group \(group.group) is missing or damaged in the checkpoint")
            }
            guard raft.appliedIndex == group.appliedIndex, raft.lastIndex >= group.lastIndex else {
                throw BackupError.corrupted(path: store, reason: "group \(group.group) is at applied \(raft.appliedIndex)/last \(raft.lastIndex), the manifest says \(group.appliedIndex)/\(group.lastIndex)")
            }
            core.submit(ticket, .forceReconfiguration(group: group.group, voters: [node.id]), nowMs: 0)
            let answer = try core.runTurn().first { $0.ticket == ticket }
            ticket += 1
            guard case .done(let index)? = answer?.result else {
                throw BackupError.refused(path: store, reason: "group \(group.group): \(String(describing: answer?.result))")
            }
            var turns = 0
            while core.hasWork && turns < applyTurnsMax {
                _ = try core.runTurn()
                turns += 1
            }
            guard let after = core.raft(of: group.group), after.appliedIndex == index, core.haltReason(of: group.group) == nil else {
                throw BackupError.corrupted(path: store, reason: "group \(group.group) did not apply its restored log: \(core.haltReason(of: group.group) ?? "stopped early")")
            }
            applied["\(group.group)"] = after.appliedIndex
        }
        return applied
    }
}
