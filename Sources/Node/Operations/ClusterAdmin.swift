import Foundation

/// The cluster CLI's hands: administrative requests over HTTPS to the nodes of a topology,
/// each sent where it must go (a group's leader, every node) and retried while the cluster
/// settles (a leader being elected). Progress lines go to `say`.
public struct ClusterAdmin: Sendable {
    /// The client that sends the requests, with an operator's token.
    public let http: HTTPSClient
    /// The client that reads a region's acts (a registrar of that region: the access policy
    /// gives an operator no personal data); without it, `http` is used and such reads are
    /// refused.
    public let actReader: (@Sendable (ClusterTopology.Region) throws -> HTTPSClient)?
    /// Where progress is reported.
    public let say: @Sendable (String) -> Void
    /// Bound of every wait on a state (a leader, a member catching up, a node starting). A
    /// region's groups elect and catch up within seconds; minutes mean something is wrong.
    public let waitMs: UInt64

    /// Creates a value from its parts.
    public init(http: HTTPSClient, waitMs: UInt64 = 300_000, actReader: (@Sendable (ClusterTopology.Region) throws -> HTTPSClient)? = nil,
                say: @escaping @Sendable (String) -> Void) {
        self.http = http
        self.actReader = actReader
        self.waitMs = waitMs
        self.say = say
    }

    /// A wait that reached its bound.
    public struct Timeout: Error, CustomStringConvertible {
        /// What was awaited, and the last state seen.
        public var description: String
    }

    /// Polls `condition` every 200 ms until it returns a value, failing after `waitMs`.
    public func wait<T>(_ what: String, _ condition: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(waitMs)
        while ContinuousClock.now < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Timeout(description: "timed out after \(waitMs) ms waiting until \(what)")
    }

    /// Sends `topology` to every active node; returns the nodes that did not take it (with
    /// the reason). A node that is down takes it at its next start from the shared file, or
    /// from a later push.
    public func push(_ topology: ClusterTopology, skip: Set<UInt64> = []) async -> [UInt64: String] {
        var refused: [UInt64: String] = [:]
        for node in topology.activeNodes where !skip.contains(node.id) {
            do {
                let response = try await http.sendJSON("PUT", node.http, "/v1/admin/topology", topology)
                if response.status == 200, let applied = try? response.decode(NodeRuntime.TopologyApplied.self) {
                    let created = applied.groupsCreated.isEmpty ? "" : ", now hosts groups \(applied.groupsCreated.map(String.init).joined(separator: ","))"
                    say("node \(node.id): topology version \(applied.version)\(applied.changed ? "" : " (already)")\(created)")
                } else {
                    refused[node.id] = "HTTP \(response.status) \(response.text)"
                    say("node \(node.id): refused topology version \(topology.effectiveVersion): HTTP \(response.status) \(response.text)")
                }
            } catch {
                refused[node.id] = "\(error)"
                say("node \(node.id): unreachable, did not take topology version \(topology.effectiveVersion): \(error)")
            }
        }
        return refused
    }

    /// The status of every node of `topology` that answers.
    public func report(_ topology: ClusterTopology) async -> ClusterStatusReport {
        await ClusterStatusReport.collect(topology: topology, client: http)
    }

    /// The view of `group` by the node that leads it in the highest term, with that node.
    public func leaderView(of group: UInt64, _ topology: ClusterTopology) async -> (node: ClusterTopology.Node, status: GroupStatus)? {
        var best: (ClusterTopology.Node, GroupStatus)?
        await withTaskGroup(of: (ClusterTopology.Node, GroupStatus?).self) { tasks in
            for node in topology.activeNodes {
                tasks.addTask {
                    guard let response = try? await http.send("GET", node.http, "/v1/cluster/status"), response.status == 200,
                          let body = try? response.decode(NodeStatusBody.self) else { return (node, nil) }
                    return (node, body.groups.first { $0.group == group && $0.role == "leader" })
                }
            }
            for await (node, status) in tasks {
                guard let status else { continue }
                if best == nil || status.term > best!.1.term { best = (node, status) }
            }
        }
        return best
    }

    /// Sends a membership change to `group`'s leader, retrying while leadership moves; returns
    /// the leader's answer once the change is applied.
    public func changeMembership(_ group: UInt64, _ changes: [MembershipBody], _ topology: ClusterTopology) async throws {
        let label = changes.map { "\($0.operation) \($0.node)" }.joined(separator: ", ")
        var lastAnswer = "no leader known"
        _ = try await wait("group \(group) applies [\(label)] (last answer: \(lastAnswer))") { () -> Bool? in
            guard let (leader, _) = await leaderView(of: group, topology) else { return nil }
            guard let response = try? await http.sendJSON("POST", leader.http, "/v1/cluster/groups/\(group)/membership", MembershipChangeBody(changes: changes)) else {
                return nil
            }
            if response.status == 200 {
                say("group \(group): \(label) applied by leader \(leader.id)")
                return true
            }
            lastAnswer = "HTTP \(response.status) \(response.text)"
            // A change still pending (the joint configuration being left), or leadership
            // moving: try again; anything else is final.
            if response.status == 503 || response.text.contains("still pending") || response.text.contains("already") { return nil }
            throw ClusterOperationError(description: "group \(group): [\(label)] refused by node \(leader.id): \(lastAnswer)")
        }
    }

    /// Waits until `members` of `group` hold the leader's whole log.
    public func waitCaughtUp(_ group: UInt64, members: [UInt64], _ topology: ClusterTopology) async throws {
        _ = try await wait("members \(members) of group \(group) catch up") { () -> Bool? in
            guard let (_, status) = await leaderView(of: group, topology), let matches = status.matchIndexes else { return nil }
            return members.allSatisfy { (matches["\($0)"] ?? 0) >= status.commitIndex } ? true : nil
        }
    }

    /// Waits until every group of `region` has a leader of that region (not the centre) and
    /// its membership is not joint.
    public func waitRegionalLeaders(_ region: String, _ topology: ClusterTopology) async throws {
        guard let shards = topology.region(region)?.shards else { throw ClusterOperationError(description: "region \(region) is not in the topology") }
        for shard in shards {
            let leader = try await wait("group \(shard.group) has a leader in region \(region)") { () -> UInt64? in
                guard let (node, status) = await leaderView(of: shard.group, topology), node.region == region, status.health == "ok" else { return nil }
                return node.id
            }
            say("group \(shard.group): leader \(leader) (region \(region))")
        }
    }

    /// Makes the membership of every group of `region` what the topology says it should be:
    /// every active node of the region and the centre are voters, retired nodes are gone. New
    /// members join as learners first and become voters once they hold the leader's log (one
    /// joint change), so the group never counts a voter that still lacks entries.
    public func fillGroups(region: String, _ topology: ClusterTopology) async throws {
        guard let shards = topology.region(region)?.shards else { throw ClusterOperationError(description: "region \(region) is not in the topology") }
        var wanted = topology.activeNodes.filter { $0.region == region }.map(\.id)
        if let center = topology.centerID { wanted.append(center) }
        for shard in shards {
            let (_, status) = try await wait("group \(shard.group) has a leader") { await leaderView(of: shard.group, topology) }
            let members = Set(status.voters + status.learners)
            let missing = wanted.filter { !members.contains($0) }.sorted()
            if !missing.isEmpty {
                try await changeMembership(shard.group, missing.map { MembershipBody(operation: "addLearner", node: $0) }, topology)
                try await waitCaughtUp(shard.group, members: missing, topology)
                say("group \(shard.group): nodes \(missing.map(String.init).joined(separator: ",")) caught up")
            }
            let (_, current) = try await wait("group \(shard.group) has a leader") { await leaderView(of: shard.group, topology) }
            let promote = wanted.filter { current.learners.contains($0) }.sorted()
            let retired = (current.voters + current.learners).filter { topology.node($0)?.isRetired ?? true }.sorted()
            let changes = promote.map { MembershipBody(operation: "addVoter", node: $0) } + retired.map { MembershipBody(operation: "remove", node: $0) }
            if !changes.isEmpty { try await changeMembership(shard.group, changes, topology) }
        }
    }

    /// Moves every group of `region` to durability `mode` through its leader. Switching to
    /// `region` commits with a regional majority, so it works while the centre is cut off.
    public func setDurability(region: String, mode: String, _ topology: ClusterTopology) async throws {
        guard mode == "center" || mode == "region" else { throw ClusterOperationError(description: "mode must be center or region") }
        guard let shards = topology.region(region)?.shards else { throw ClusterOperationError(description: "region \(region) is not in the topology") }
        for shard in shards {
            var lastAnswer = "no leader known"
            let leader = try await wait("group \(shard.group) applies durability \(mode)") { () -> UInt64? in
                guard let (node, _) = await leaderView(of: shard.group, topology),
                      let response = try? await http.sendJSON("POST", node.http, "/v1/cluster/groups/\(shard.group)/durability", DurabilityBody(mode: mode)) else {
                    return nil
                }
                if response.status == 200 { return node.id }
                lastAnswer = "HTTP \(response.status) \(response.text)"
                if response.status == 503 { return nil }
                throw ClusterOperationError(description: "group \(shard.group): durability \(mode) refused: \(lastAnswer)")
            }
            say("group \(shard.group): durability \(mode) applied by leader \(leader)")
        }
    }

    /// Asks `node` to force `group` onto its own log with `voters` as the only voters.
    public func forceReconfiguration(_ group: UInt64, on node: ClusterTopology.Node, voters: [UInt64]) async throws -> ForceReconfigurationResponse {
        let response = try await http.sendJSON("POST", node.http, "/v1/admin/groups/\(group)/force-reconfiguration",
                                               ForceReconfigurationBody(voters: voters, confirm: "\(group)"))
        guard response.status == 200 else {
            throw ClusterOperationError(description: "group \(group): node \(node.id) refused the forced reconfiguration: HTTP \(response.status) \(response.text)")
        }
        return try response.decode(ForceReconfigurationResponse.self)
    }

    /// Whether `node` answers `/healthz`.
    public func answers(_ node: ClusterTopology.Node) async -> Bool {
        (try? await http.send("GET", node.http, "/healthz"))?.status == 200
    }
}

/// A cluster operation that could not be carried out; the description says what to do.
public struct ClusterOperationError: Error, CustomStringConvertible, Sendable {
    /// Why, for people.
    public var description: String
    /// Creates a value from its parts.
    public init(description: String) { self.description = description }
}
