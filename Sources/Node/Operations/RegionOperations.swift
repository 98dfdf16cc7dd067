import Foundation

/// The operations that change a running cluster's shape (docs/OPERATIONS.md): add a region,
/// replace or remove a node, rebuild a lost region from the centre. Each writes the files of
/// new nodes into the cluster directory, makes the next topology version, pushes it to every
/// running node, asks the caller to start the new nodes (`start`: the CLI prints the commands
/// and waits for the operator; a test starts the processes), then drives the groups' leaders.
public struct RegionOperations: Sendable {
    /// The cluster directory.
    public var layout: ClusterLayout
    /// The requests.
    public let admin: ClusterAdmin
    /// Starts (or has someone start) the given new nodes.
    public let start: @Sendable ([ClusterTopology.Node]) async throws -> Void

    /// Creates a value from its parts.
    public init(layout: ClusterLayout, admin: ClusterAdmin, start: @escaping @Sendable ([ClusterTopology.Node]) async throws -> Void) {
        self.layout = layout
        self.admin = admin
        self.start = start
    }

    /// Where the new nodes of an operation come from: the plan's nodes for the region, or
    /// hosts given on the command line (ids and ports are then allocated).
    public enum NewNodes: Sendable {
        /// The plan's nodes of the region.
        case plan(ClusterPlan)
        /// One new node per host.
        case hosts([String])
    }

    func newNodes(_ source: NewNodes, region: String, code: UInt8, count: Int? = nil) throws -> [ClusterTopology.Node] {
        switch source {
        case .plan(let plan):
            guard let planned = plan.region(region) else { throw ClusterOperationError(description: "the plan has no region \(region)") }
            return planned.nodes.map { plan.node($0, region: region) }
        case .hosts(let hosts):
            guard !hosts.isEmpty else { throw ClusterOperationError(description: "give the new nodes' hosts") }
            let ids = layout.topology.nextNodeIDs(regionCode: code, count: hosts.count)
            return zip(ids, layout.topology.newAddresses(hosts: hosts)).map { id, address in
                ClusterTopology.Node(id: id, region: region, peer: address.peer, http: address.http)
            }
        }
    }

    /// Waits until every node of `nodes` answers.
    func waitAnswering(_ nodes: [ClusterTopology.Node]) async throws {
        for node in nodes {
            _ = try await admin.wait("node \(node.id) answers at \(node.http)") { await admin.answers(node) ? true : nil }
            admin.say("node \(node.id): up")
        }
    }

    /// Adds region `key` to the running cluster: its nodes, its signing key, its shard groups
    /// (members: its nodes and the centre; the roadmap gives the count and durability unless
    /// overridden). The other regions keep serving: they only learn new peers. Returns once
    /// every new group has a leader in the region.
    public mutating func addRegion(_ key: String, nodes source: NewNodes, roadmap: Roadmap, shards: Int?, durability: String?) async throws -> ClusterTopology {
        guard let phase = roadmap.regionPhase(key) else { throw ClusterOperationError(description: "region \(key) is not in the roadmap") }
        guard let center = layout.topology.centerID else { throw ClusterOperationError(description: "the cluster has no national centre") }
        var shardCount = shards ?? phase.shards
        if case .plan(let plan) = source, shards == nil, let planned = plan.region(key)?.shards { shardCount = planned }
        let nodes = try newNodes(source, region: key, code: phase.code)
        guard nodes.count >= 3 else { throw ClusterOperationError(description: "a region needs at least 3 nodes, \(nodes.count) given") }
        var region = ClusterTopology.Region(
            key: key, code: phase.code, durability: durability ?? phase.durability,
            shards: ClusterTopology.shards(regionCode: phase.code, count: shardCount, members: nodes.map(\.id) + [center]))
        region.signingPublicKey = try layout.createSigningKey(region: key)
        let next = try layout.topology.addingRegion(region, nodes: nodes)
        try layout.writeNodeFiles(nodes)
        try layout.save(next)
        admin.say("topology version \(next.effectiveVersion): region \(key) (code \(phase.code)), nodes \(nodes.map { "\($0.id)@\($0.http)" }.joined(separator: " ")), groups \(region.shards.map { "\($0.group)" }.joined(separator: ",")), durability \(region.durability)")
        _ = await admin.push(next, skip: Set(nodes.map(\.id)))
        try await start(nodes)
        try await waitAnswering(nodes)
        try await admin.waitRegionalLeaders(key, next)
        return next
    }

    /// Replaces node `old` by a new node on `host` in every group of its region: the new node
    /// joins as a learner, catches up, then one joint change makes it a voter and removes the
    /// old one; the old node is retired last (every node refuses it from then on).
    public mutating func replaceNode(_ old: UInt64, host: String) async throws -> ClusterTopology.Node {
        guard let oldNode = layout.topology.node(old), !oldNode.isRetired else { throw ClusterOperationError(description: "node \(old) is not an active node") }
        guard !oldNode.isCenter, let region = layout.topology.region(oldNode.region) else {
            throw ClusterOperationError(description: "node \(old) is the national centre; it is replaced by restoring a backup")
        }
        let fresh = try newNodes(.hosts([host]), region: region.key, code: region.code)[0]
        let grown = try layout.topology.changingNodes(adding: [fresh])
        try layout.writeNodeFiles([fresh])
        try layout.save(grown)
        admin.say("topology version \(grown.effectiveVersion): node \(fresh.id)@\(fresh.http) joins region \(region.key)")
        _ = await admin.push(grown, skip: [fresh.id])
        try await start([fresh])
        try await waitAnswering([fresh])
        for shard in region.shards {
            let (_, status) = try await admin.wait("group \(shard.group) has a leader") { await admin.leaderView(of: shard.group, grown) }
            let members = Set(status.voters + status.learners)
            if !members.contains(fresh.id) {
                try await admin.changeMembership(shard.group, [MembershipBody(operation: "addLearner", node: fresh.id)], grown)
            }
            try await admin.waitCaughtUp(shard.group, members: [fresh.id], grown)
            var changes = [MembershipBody(operation: "addVoter", node: fresh.id)]
            if members.contains(old) { changes.append(MembershipBody(operation: "remove", node: old)) }
            try await admin.changeMembership(shard.group, changes, grown)
        }
        let retired = try layout.topology.changingNodes(retiring: [old])
        try layout.save(retired)
        admin.say("topology version \(retired.effectiveVersion): node \(old) retired")
        _ = await admin.push(retired)
        try await admin.waitRegionalLeaders(region.key, retired)
        return fresh
    }

    /// Removes node `id` from every group it is a member of, then retires it.
    public mutating func removeNode(_ id: UInt64) async throws {
        guard let node = layout.topology.node(id), !node.isRetired, !node.isCenter else {
            throw ClusterOperationError(description: "node \(id) is not an active regional node")
        }
        for region in layout.topology.regions {
            for shard in region.shards {
                guard let (_, status) = await admin.leaderView(of: shard.group, layout.topology),
                      (status.voters + status.learners).contains(id) else { continue }
                try await admin.changeMembership(shard.group, [MembershipBody(operation: "remove", node: id)], layout.topology)
            }
        }
        let retired = try layout.topology.changingNodes(retiring: [id])
        try layout.save(retired)
        admin.say("topology version \(retired.effectiveVersion): node \(id) retired")
        _ = await admin.push(retired)
    }
}
