import Foundation

/// What a region's recovery from the centre kept and lost, group by group.
public struct RegionRecoveryReport: Codable, Sendable {
    /// One group.
    public struct Group: Codable, Sendable, Equatable {
        /// The shard group.
        public var group: UInt64
        /// The durability the group ran in when the region was lost: the last setting in the
        /// centre's log, read once the centre has applied it. In `center`, nothing acknowledged
        /// can be missing.
        public var durability: String
        /// Every entry of the group through this index survived (the centre's durable log)...
        public var keptThrough: UInt64
        /// ...the last of them in this term.
        public var keptTerm: UInt64
        /// The centre's commit index before the recovery.
        public var centerCommitBefore: UInt64
        /// The registers the centre holds, each with its last act number and chain length:
        /// an office whose register (for instance 0401003/2026/birth) was at a higher number
        /// lost the acts above it.
        public var registers: [RegisterSummary]
    }

    /// One register as the centre holds it after the recovery.
    public struct RegisterSummary: Codable, Sendable, Equatable {
        /// office/year/kind.
        public var register: String
        /// Acts held.
        public var actCount: UInt64
        /// The last act number.
        public var highestNumber: UInt64
        /// Chain entries (acts and mentions).
        public var chainLength: UInt64
    }

    /// The region.
    public var region: String
    /// The old nodes, now retired.
    public var retiredNodes: [UInt64]
    /// The new nodes.
    public var newNodes: [UInt64]
    /// Each group.
    public var groups: [Group]
    /// Acts and mentions the old region's readable disks hold and the centre does not (only
    /// when old data directories were given).
    public var lost: [LostWrites]
    /// The lost acts and mentions of every old disk read, each once (`LostWrites.distinct`).
    public var lostWrites: [LostWrites.Distinct] = []
    /// What the report can and cannot tell, for the operator.
    public var notes: [String]
}

extension RegionOperations {
    /// Rebuilds region `key`, whose nodes are all gone, on new nodes, from the centre's
    /// replicas. Refuses if any of the region's nodes still answers. Steps: retire the old
    /// nodes and add the new ones (topology version pushed to every running node, so the old
    /// nodes are refused from now on); force every group of the region onto the centre's log
    /// with the centre as its only voter (`NodeCore+Reconfiguration.swift`); report what the
    /// centre kept (and, given the old nodes' data directories, exactly what it lacks); start
    /// the new nodes, make them learners, then voters once caught up; wait for a leader of the
    /// region in every group (the centre hands leadership over).
    public mutating func recoverRegion(_ key: String, nodes source: NewNodes, oldDataDirectories: [String] = []) async throws -> RegionRecoveryReport {
        let topology = layout.topology
        guard let region = topology.region(key) else { throw ClusterOperationError(description: "region \(key) is not in the cluster") }
        guard let centerID = topology.centerID, let center = topology.node(centerID) else {
            throw ClusterOperationError(description: "the cluster has no national centre to recover from")
        }
        let old = topology.activeNodes.filter { $0.region == key }
        for node in old where await admin.answers(node) {
            throw ClusterOperationError(description: "node \(node.id) of region \(key) still answers at \(node.http): a region is recovered only when its nodes are gone; stop it (or replace it with replace-node)")
        }
        guard await admin.answers(center) else { throw ClusterOperationError(description: "the centre (node \(centerID)) does not answer") }
        let centerStatus = try await admin.http.send("GET", center.http, "/v1/cluster/status").decode(NodeStatusBody.self)

        let fresh = try newNodes(source, region: key, code: region.code)
        guard fresh.count >= 3 else { throw ClusterOperationError(description: "a region needs at least 3 nodes, \(fresh.count) given") }
        let next = try topology.changingNodes(adding: fresh, retiring: old.map(\.id))
        try layout.writeNodeFiles(fresh)
        try layout.save(next)
        admin.say("topology version \(next.effectiveVersion): nodes \(old.map { String($0.id) }.joined(separator: ",")) retired, nodes \(fresh.map { "\($0.id)@\($0.http)" }.joined(separator: " ")) join region \(key)")
        let refused = await admin.push(next, skip: Set(fresh.map(\.id)))
        if let reason = refused[centerID] { throw ClusterOperationError(description: "the centre did not take the new topology: \(reason)") }

        var forcedGroups: [(group: UInt64, keptThrough: UInt64, keptTerm: UInt64, commitBefore: UInt64)] = []
        // Parents first: the centre holds a split group only once it has carried out its
        // parent's split, which a centre behind its parent's log does after the parent is forced
        // and it applies that log alone (a forced reconfiguration refuses a replica holding
        // nothing). Split shards come in topology order, so a split of a split follows its parent.
        let ordered = region.shards.filter { !$0.isSplit } + region.shards.filter(\.isSplit)
        for shard in ordered {
            let before = centerStatus.groups.first { $0.group == shard.group }
            let forced = shard.isSplit
                ? try await admin.wait("the centre holds split group \(shard.group) and takes its forced reconfiguration") {
                    try? await admin.forceReconfiguration(shard.group, on: center, voters: [centerID])
                }
                : try await admin.forceReconfiguration(shard.group, on: center, voters: [centerID])
            admin.say("group \(shard.group): forced onto the centre's log through index \(forced.keptThrough) (term \(forced.keptTerm)), centre sole voter")
            forcedGroups.append((shard.group, forced.keptThrough, forced.keptTerm, before?.commitIndex ?? 0))
        }
        // The centre now leads alone; once it has applied its log, its registers are final, and
        // so is the durability the group ran in: the last one in the centre's log. Before the
        // recovery the centre may not have applied it: a change to `region` commits with the
        // centre's acknowledgement, but the centre learns that it committed only with the next
        // append or heartbeat, which a region cut from it never sends.
        var groups: [RegionRecoveryReport.Group] = []
        for forced in forcedGroups {
            let group = forced.group
            let applied = try await admin.wait("the centre leads group \(group) and has applied its log") { () -> GroupStatus? in
                guard let (node, status) = await admin.leaderView(of: group, next), node.id == centerID, status.appliedIndex >= status.commitIndex else { return nil }
                return status
            }
            groups.append(RegionRecoveryReport.Group(
                group: group, durability: applied.durability, keptThrough: forced.keptThrough, keptTerm: forced.keptTerm,
                centerCommitBefore: forced.commitBefore, registers: try await registers(of: group, on: center)))
        }

        var lost: [LostWrites] = []
        for directory in oldDataDirectories {
            lost.append(try await LostWrites.find(dataDirectory: directory, region: region, center: center, admin: admin))
        }
        try await start(fresh)
        try await waitAnswering(fresh)
        try await admin.fillGroups(region: key, next)
        try await admin.waitRegionalLeaders(key, next)

        var notes: [String] = []
        let regionMode = groups.filter { $0.durability == "region" }.map { String($0.group) }
        if regionMode.isEmpty {
            notes.append("every group ran in center durability: every acknowledged act was on the centre, and nothing acknowledged is missing")
        } else {
            notes.append("groups \(regionMode.joined(separator: ",")) ran in region durability: acts acknowledged by the region after the centre's kept index are lost")
            if oldDataDirectories.isEmpty {
                notes.append("no old data directory was given: the lost acts cannot be listed; each office compares its last act number with the registers above")
            }
        }
        return RegionRecoveryReport(region: key, retiredNodes: old.map(\.id), newNodes: fresh.map(\.id), groups: groups, lost: lost,
                                    lostWrites: LostWrites.distinct(lost), notes: notes)
    }

    /// Every register of `group` as `node` holds it.
    func registers(of group: UInt64, on node: ClusterTopology.Node) async throws -> [RegionRecoveryReport.RegisterSummary] {
        var summaries: [RegionRecoveryReport.RegisterSummary] = []
        var after: String?
        repeat {
            let query = after.map { "&after=\($0)" } ?? ""
            let response = try await admin.http.send("GET", node.http, "/v1/cluster/groups/\(group)/registers?consistency=stale\(query)")
            guard response.status == 200 else { throw ClusterOperationError(description: "node \(node.id): HTTP \(response.status) \(response.text)") }
            let page = try response.decode(RegistersPageBody.self)
            summaries += page.registers.map {
                RegionRecoveryReport.RegisterSummary(register: $0.register.description, actCount: $0.actCount, highestNumber: $0.highestNumber, chainLength: $0.chainLength)
            }
            after = page.next
        } while after != nil
        return summaries
    }
}
