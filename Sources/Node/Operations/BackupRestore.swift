import Foundation
import NodeCore
import Raft
import Registry

/// Restores a backup into a fresh cluster: a cluster directory made by `sijil cluster init`
/// whose nodes have never run.
///
/// The backup is checked first, file by file (`BackupManifest.verify`): a missing, truncated,
/// altered or foreign file refuses the restore, naming it. The new cluster must have the
/// backup's regions. A region whose shards differ from the backup's (a cluster whose shards
/// were split after `cluster init`) takes the backup's shards, provided they serve exactly the
/// offices the new cluster's shards serve and their ids are not used by another region: the
/// new cluster has never run, so its groups of that region hold nothing yet. The checkpoint
/// becomes the store of one node of the new cluster (the centre by default). That store still
/// names the old cluster's members, so each group is then forced, offline, onto its own log
/// with the restoring node as its only voter (`NodeCore+Reconfiguration.swift`), and applied
/// to the end; the new topology names that node as the groups' only initial member, so no
/// other node creates them afresh. Once the cluster runs, `sijil cluster fill-groups` makes the region's
/// nodes voters again.
///
/// The new cluster signs copies with its own keys; the backed-up cluster's keys of each restored
/// region (from the backup's `topology.toml`) are published in the new topology as former keys
/// (`formerSigningPublicKeys`), so the copies issued before still verify.
public enum BackupRestore {
    /// What a restore did.
    public struct Report: Codable, Sendable, Equatable {
        /// The node that holds the restored groups.
        public var node: UInt64
        /// Per group: applied through this index after the restore.
        public var groups: [String: UInt64]
        /// The backup's manifest.
        public var manifest: BackupManifest
        /// Regions whose shards were taken from the backup because the new cluster's differed.
        public var regionsWithBackupShards: [String] = []
        /// Per region: the fingerprints of the backed-up cluster's copy-signing keys that the
        /// new topology now publishes as former keys, so that copies they signed still verify.
        public var formerSigningKeys: [String: [String]] = [:]
    }

    /// Turns and ticks allowed to apply a restored log offline: every turn applies up to the
    /// Raft apply limit (megabytes), so a backup of millions of entries still ends in far
    /// fewer than this.
    static let applyTurnsMax = 1_000_000

    /// Restores `backup` into `layout` on node `target` (the centre when nil). A backup of
    /// another cluster than `layout`'s (by name) is refused unless `acceptCluster` names it: a
    /// test cluster's backup restored over the national register's name would be a silent swap.
    public static func restore(backup: String, into layout: inout ClusterLayout, node target: UInt64?, acceptCluster: String? = nil) throws -> Report {
        let manifest = try BackupManifest.verify(directory: backup)
        let topology = layout.topology
        if manifest.cluster != topology.name && acceptCluster != manifest.cluster {
            throw BackupError.refused(path: backup, reason: "the backup is of cluster \(manifest.cluster), the new cluster is \(topology.name): give --accept-cluster \(manifest.cluster) to restore it there")
        }
        guard let node = target.flatMap(topology.node) ?? topology.centerID.flatMap(topology.node) else {
            throw BackupError.refused(path: layout.topologyPath, reason: "no node \(target.map(String.init) ?? "(centre)") in the new cluster")
        }
        for group in manifest.groups where !node.isCenter && node.region != group.region {
            throw BackupError.refused(path: layout.topologyPath, reason: "node \(node.id) is of region \(node.region) and cannot hold group \(group.group) of \(group.region)")
        }
        var (next, adopted) = try shardsOfBackup(topology, manifest: manifest, path: layout.topologyPath)
        let problems = next.problems()
        guard problems.isEmpty else {
            throw BackupError.refused(path: layout.topologyPath, reason: "the topology with the backup's shards is not valid: \(problems.joined(separator: "; "))")
        }
        for other in topology.nodes where FileManager.default.fileExists(atPath: layout.dataDirectory(node: other.id) + "/db") {
            throw BackupError.refused(path: layout.dataDirectory(node: other.id), reason: "node \(other.id) already has a store: restore only into a cluster that has never run")
        }
        let former = try keepSigningKeys(of: backup, in: &next, regions: Set(manifest.groups.map(\.region)))
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
        for index in next.regions.indices {
            for shardIndex in next.regions[index].shards.indices where manifest.groups.contains(where: { $0.group == next.regions[index].shards[shardIndex].group }) {
                next.regions[index].shards[shardIndex].voters = [node.id]
                next.regions[index].shards[shardIndex].learners = nil
            }
        }
        try layout.save(next)
        return Report(node: node.id, groups: applied, manifest: manifest, regionsWithBackupShards: adopted, formerSigningKeys: former)
    }

    /// `topology` with the backup's shards for every region of the backup: unchanged where the
    /// new cluster already serves each of the backup's groups over the same offices, the
    /// backup's shards instead where they differ but serve the same offices (the backup was
    /// taken after a split). Refused when a region is missing, when the backup's shards of a
    /// region leave offices out or add some, or when a group id of the backup is another
    /// region's in the new cluster.
    static func shardsOfBackup(_ topology: ClusterTopology, manifest: BackupManifest, path: String) throws -> (ClusterTopology, adopted: [String]) {
        var next = topology
        var adopted: [String] = []
        for key in Set(manifest.groups.map(\.region)).sorted() {
            guard let index = next.regions.firstIndex(where: { $0.key == key }) else {
                throw BackupError.refused(path: path, reason: "the new cluster has no region \(key), which the backup holds")
            }
            let backed = manifest.groups.filter { $0.region == key }.sorted { $0.firstOffice < $1.firstOffice }
            let current = next.regions[index].shards
            let served = backed.allSatisfy { group in
                current.contains { $0.group == group.group && $0.firstOffice == group.firstOffice && $0.lastOffice == group.lastOffice }
            }
            if served { continue }
            guard offices(backed.map { $0.firstOffice...$0.lastOffice }) == offices(current.map { $0.firstOffice...$0.lastOffice }) else {
                let groups = backed.map { "\($0.group) (\($0.firstOffice)...\($0.lastOffice))" }.joined(separator: ", ")
                throw BackupError.refused(path: path, reason: "the backup's groups of region \(key), \(groups), do not serve the offices the new cluster's shards of \(key) serve")
            }
            for group in backed {
                if let other = next.region(ofGroup: group.group), other.key != key {
                    throw BackupError.refused(path: path, reason: "group \(group.group) of region \(key) in the backup is region \(other.key)'s in the new cluster")
                }
            }
            // Voters as in the backup for now; the restore names the restoring node alone.
            next.regions[index].shards = backed.map {
                ClusterTopology.Shard(group: $0.group, firstOffice: $0.firstOffice, lastOffice: $0.lastOffice, voters: $0.voters)
            }
            adopted.append(key)
        }
        return (next, adopted)
    }

    /// Publishes in `topology`, as former keys of each restored region, the copy-signing keys
    /// the backed-up cluster published for it (its current key and its own former ones), but
    /// the new cluster's own key: copies issued before the backup, which citizens hold and the
    /// restored register lists, still verify. Returns the fingerprints added, by region.
    static func keepSigningKeys(of backup: String, in topology: inout ClusterTopology, regions: Set<String>) throws -> [String: [String]] {
        let path = backup + "/topology.toml"
        let old: ClusterTopology
        do { old = try NodeConfiguration.loadTopology(path: path) } catch {
            throw BackupError.corrupted(path: path, reason: "the backed-up cluster's topology does not read: \(error)")
        }
        var added: [String: [String]] = [:]
        for key in regions.sorted() {
            guard let index = topology.regions.firstIndex(where: { $0.key == key }), let before = old.region(key) else { continue }
            var kept = topology.regions[index].formerSigningPublicKeys ?? []
            for text in [before.signingPublicKey].compactMap({ $0 }) + (before.formerSigningPublicKeys ?? [])
            where text != topology.regions[index].signingPublicKey && !kept.contains(text) {
                guard let publicKey = SigningKeyring.publicKey(base64: text) else {
                    throw BackupError.corrupted(path: path, reason: "region \(key): a copy-signing key is not a base64 Ed25519 key")
                }
                kept.append(text)
                added[key, default: []].append(CopyIssuer.fingerprint(of: publicKey))
            }
            topology.regions[index].formerSigningPublicKeys = kept.isEmpty ? nil : kept
        }
        return added
    }

    /// The offices `ranges` serve, as disjoint ranges in order (adjacent ones joined).
    static func offices(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var joined: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = joined.last, UInt64(range.lowerBound) <= UInt64(last.upperBound) + 1 {
                joined[joined.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                joined.append(range)
            }
        }
        return joined
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
