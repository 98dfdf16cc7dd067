import Foundation

/// `sijil cluster status`: every node's view gathered over HTTP, one row per group as its
/// leader sees it (only the leader knows replication and centre lag).
public struct ClusterStatusReport: Codable, Sendable {
    /// One shard group.
    public struct Row: Codable, Sendable, Equatable {
        /// The region key (e.g. "RSK").
        public var region: String
        /// The shard group.
        public var group: UInt64
        /// Nil when no reachable node knows a leader.
        public var leader: UInt64?
        /// Voting members.
        public var members: [UInt64]
        /// Non-voting members.
        public var learners: [UInt64]
        /// The commit index.
        public var commitIndex: UInt64
        /// Entries the slowest voter lacks (from the leader).
        public var lag: UInt64?
        /// Entries the centre lacks (from the leader).
        public var centerLag: UInt64?
        /// "center" or "region".
        public var durability: String
        /// "ok", "degraded", "no-leader", "unreachable" or "halted: ...".
        public var health: String

        /// Creates a value from its parts.
        public init(region: String, group: UInt64, leader: UInt64?, members: [UInt64], learners: [UInt64], commitIndex: UInt64,
                    lag: UInt64?, centerLag: UInt64?, durability: String, health: String) {
            self.region = region
            self.group = group
            self.leader = leader
            self.members = members
            self.learners = learners
            self.commitIndex = commitIndex
            self.lag = lag
            self.centerLag = centerLag
            self.durability = durability
            self.health = health
        }
    }

    /// Whether a node answered.
    public struct NodeReach: Codable, Sendable, Equatable {
        /// The node id.
        public var node: UInt64
        /// The client that sends the requests.
        public var http: String
        /// The node answered.
        public var reachable: Bool
        /// The error.
        public var error: String?
        /// The end of validity of its TLS certificate, as it reported it (ISO 8601).
        public var certificateNotAfter: String? = nil
        /// The end of validity of the cluster CA, as it reported it (ISO 8601).
        public var authorityNotAfter: String? = nil
        /// The topology version it runs.
        public var topologyVersion: UInt64? = nil
        /// Token revocations it learned from its peers that its topology version does not hold.
        public var revocationsLearned: Int? = nil

        /// Creates a value from its parts.
        public init(node: UInt64, http: String, reachable: Bool, error: String?, certificateNotAfter: String? = nil, authorityNotAfter: String? = nil,
                    topologyVersion: UInt64? = nil) {
            self.node = node
            self.http = http
            self.reachable = reachable
            self.error = error
            self.certificateNotAfter = certificateNotAfter
            self.authorityNotAfter = authorityNotAfter
            self.topologyVersion = topologyVersion
        }
    }

    /// The cluster's name.
    public var cluster: String
    /// One row per group.
    public var rows: [Row]
    /// Every node, reachable or not.
    public var nodes: [NodeReach]
    /// Certificates that expire within `certificateWarningDays` (or have), one line each.
    public var certificateWarnings: [String] = []
    /// Nodes that run an older topology version than the one asked about, one line each.
    public var topologyWarnings: [String] = []

    /// What keeps the cluster from being healthy, one line each: a node that did not answer, a
    /// group whose health is not `ok`. Empty when every node answered and every group has a
    /// leader with every member caught up. (The warnings about certificates and topology
    /// versions do not count: they call for work, not for a rescue.)
    public var problems: [String] {
        nodes.filter { !$0.reachable }.map { "node \($0.node) unreachable" }
            + rows.filter { $0.health != "ok" }.map { "group \($0.group) (\($0.region)): \($0.health)" }
    }

    /// How long before a certificate expires the status warns: the time to renew and restart
    /// each node of every region, one at a time.
    public static let certificateWarningDays = 60

    /// Creates a value from its parts.
    public init(cluster: String, rows: [Row], nodes: [NodeReach]) {
        self.cluster = cluster
        self.rows = rows
        self.nodes = nodes
    }

    /// Asks every node of `topology` for its status.
    public static func collect(topology: ClusterTopology, client: HTTPSClient, now: Date = Date()) async -> ClusterStatusReport {
        var views: [UInt64: NodeStatusBody] = [:]
        var reach: [NodeReach] = []
        await withTaskGroup(of: (ClusterTopology.Node, Result<NodeStatusBody, any Error>).self) { group in
            for node in topology.activeNodes {
                group.addTask {
                    do {
                        let response = try await client.send("GET", node.http, "/v1/cluster/status")
                        guard response.status == 200 else { throw HTTPSClient.Failure(description: "HTTP \(response.status): \(response.text)") }
                        return (node, .success(try response.decode(NodeStatusBody.self)))
                    } catch {
                        return (node, .failure(error))
                    }
                }
            }
            for await (node, result) in group {
                switch result {
                case .success(let view):
                    views[node.id] = view
                    reach.append(NodeReach(node: node.id, http: node.http, reachable: true, error: nil,
                                           certificateNotAfter: view.certificateNotAfter, authorityNotAfter: view.authorityNotAfter,
                                           topologyVersion: view.topologyVersion))
                    reach[reach.count - 1].revocationsLearned = view.revocationsLearned
                case .failure(let error):
                    reach.append(NodeReach(node: node.id, http: node.http, reachable: false, error: "\(error)"))
                }
            }
        }
        var report = ClusterStatusReport(cluster: topology.name, rows: rows(topology: topology, views: views), nodes: reach.sorted { $0.node < $1.node })
        report.certificateWarnings = certificateWarnings(report.nodes, now: now)
        report.topologyWarnings = topologyWarnings(report.nodes, version: topology.effectiveVersion)
        return report
    }

    /// A line for each node that runs an older topology version than `version`: it has not
    /// taken a pushed change (new peers, a retired node, a revoked token, a region's keys).
    public static func topologyWarnings(_ nodes: [NodeReach], version: UInt64) -> [String] {
        nodes.compactMap { node in
            guard let running = node.topologyVersion, running < version else { return nil }
            let learned = node.revocationsLearned.map { $0 > 0 ? " (it refuses \($0) token revocation\($0 == 1 ? "" : "s") it learned from its peers)" : "" } ?? ""
            return "node \(node.node): runs topology version \(running), not \(version)\(learned): sijil cluster push-topology"
        }
    }

    /// A line for each certificate that expires within `certificateWarningDays` of `now` (or
    /// has expired), with what to do.
    public static func certificateWarnings(_ nodes: [NodeReach], now: Date) -> [String] {
        let iso = ISO8601DateFormatter()
        var lines: [String] = []
        var authority: Date?
        for node in nodes {
            if let text = node.authorityNotAfter, let date = iso.date(from: text) { authority = min(authority ?? date, date) }
            guard let text = node.certificateNotAfter, let date = iso.date(from: text) else { continue }
            let days = Int((date.timeIntervalSince(now) / 86_400).rounded(.down))
            guard days < certificateWarningDays else { continue }
            let when = days < 0 ? "expired on \(text)" : "expires on \(text) (in \(days) days)"
            lines.append("node \(node.node): its certificate \(when): renew it with sijil cluster renew-cert --node \(node.node), then restart the node")
        }
        if let authority {
            let days = Int((authority.timeIntervalSince(now) / 86_400).rounded(.down))
            if days < certificateWarningDays {
                lines.append("the cluster CA's certificate \(days < 0 ? "has expired" : "expires in \(days) days") (\(iso.string(from: authority))): no node certificate it signed is valid after it; a new CA must be made and distributed")
            }
        }
        return lines
    }

    /// One row per group of the topology, from the nodes' views (by node id).
    public static func rows(topology: ClusterTopology, views: [UInt64: NodeStatusBody]) -> [Row] {
        var rows: [Row] = []
        for region in topology.regions {
            for shard in region.shards {
                let seen = views.values.compactMap { view in view.groups.first { $0.group == shard.group } }
                let leaderView = seen.filter { $0.role == "leader" }.max { $0.term < $1.term }
                let best = leaderView ?? seen.max { ($0.term, $0.commitIndex) < ($1.term, $1.commitIndex) }
                let health: String
                if seen.isEmpty {
                    health = "unreachable"
                } else if let halted = seen.first(where: { $0.health.hasPrefix("halted") }) {
                    health = halted.health
                } else if leaderView == nil {
                    health = "no-leader"
                } else if seen.count < (best?.voters.count ?? 0) + (best?.learners.count ?? 0) {
                    health = "degraded"
                } else {
                    health = "ok"
                }
                rows.append(Row(
                    region: region.key, group: shard.group, leader: leaderView?.leader,
                    members: best?.voters ?? shard.voters, learners: best?.learners ?? [], commitIndex: best?.commitIndex ?? 0,
                    lag: leaderView?.replicationLag, centerLag: leaderView?.centerLag, durability: best?.durability ?? region.durability, health: health))
            }
        }
        return rows
    }

    /// The table printed by `sijil cluster status`.
    public func table() -> String {
        let header = ["REGION", "GROUP", "LEADER", "MEMBERS", "COMMIT", "LAG", "CENTER LAG", "HEALTH"]
        let body = rows.map { row -> [String] in
            let members: [String] = row.members.map { "\($0)" } + row.learners.map { "\($0)(learner)" }
            let leader: String = row.leader.map { "\($0)" } ?? "-"
            let lag: String = row.lag.map { "\($0)" } ?? "-"
            let centerLag: String = row.centerLag.map { "\($0)" } ?? "-"
            return [row.region, "\(row.group)", leader, members.joined(separator: ","), "\(row.commitIndex)", lag, centerLag, row.health]
        }
        var widths = header.map(\.count)
        for line in body { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        var lines = [render(header)] + body.map(render)
        for node in nodes where !node.reachable {
            lines.append("node \(node.node) (\(node.http)) unreachable: \(node.error ?? "")")
        }
        lines += topologyWarnings + certificateWarnings
        return lines.joined(separator: "\n")
    }
}
