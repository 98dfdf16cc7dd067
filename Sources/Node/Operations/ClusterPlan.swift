import Foundation
import TOMLKit

/// Where a cluster's nodes run, as data (`Cluster/topologies/dev.toml`, `lab.toml`): the
/// national centre and, per region, the node ids and addresses. The roadmap gives each region
/// its code, shard count and durability; a plan may ask for fewer shards (a test cluster that
/// starts fast). `sijil cluster init --plan` builds a cluster from the plan's first regions,
/// and `sijil cluster add-region --plan` grows it with the next ones.
///
/// ```toml
/// name = "sijil-lab"
/// http_port = 7400        # defaults for every node
/// peer_port = 7500
/// [center]
/// id = 100
/// host = "10.77.99.1"
/// [[regions]]
/// key = "RSK"
/// shards = 2              # optional: the roadmap's count otherwise
/// nodes = [{ id = 401, host = "10.77.4.1" }, { id = 402, host = "10.77.4.2" }]
/// ```
public struct ClusterPlan: Codable, Sendable, Equatable {
    /// One node: its id and host, and its ports when they differ from the plan's.
    public struct PlannedNode: Codable, Sendable, Equatable {
        /// The node id.
        public var id: UInt64
        /// Host name or address the node is reached at.
        public var host: String
        /// The HTTP port (the plan's `http_port` when absent).
        public var httpPort: Int?
        /// The peer port (the plan's `peer_port` when absent).
        public var peerPort: Int?

        enum CodingKeys: String, CodingKey {
            case id, host
            case httpPort = "http_port"
            case peerPort = "peer_port"
        }

        /// Creates a value from its parts.
        public init(id: UInt64, host: String, httpPort: Int? = nil, peerPort: Int? = nil) {
            self.id = id
            self.host = host
            self.httpPort = httpPort
            self.peerPort = peerPort
        }
    }

    /// One region of the plan.
    public struct PlannedRegion: Codable, Sendable, Equatable {
        /// The region key, as in the roadmap.
        public var key: String
        /// Shard groups, when fewer (or more) than the roadmap's.
        public var shards: Int?
        /// Durability when it differs from the roadmap's.
        public var durability: String?
        /// The region's nodes.
        public var nodes: [PlannedNode]

        /// Creates a value from its parts.
        public init(key: String, shards: Int? = nil, durability: String? = nil, nodes: [PlannedNode]) {
            self.key = key
            self.shards = shards
            self.durability = durability
            self.nodes = nodes
        }
    }

    /// The cluster's name (in certificates).
    public var name: String
    /// Default HTTP port of a node.
    public var httpPort: Int
    /// Default peer port of a node.
    public var peerPort: Int
    /// The Raft tick, in milliseconds (100 when absent).
    public var tickMs: UInt64?
    /// The national centre.
    public var center: PlannedNode
    /// The regions, in the order they join the cluster.
    public var regions: [PlannedRegion]

    /// Creates a value from its parts.
    public init(name: String, httpPort: Int, peerPort: Int, tickMs: UInt64? = nil, center: PlannedNode, regions: [PlannedRegion]) {
        self.name = name
        self.httpPort = httpPort
        self.peerPort = peerPort
        self.tickMs = tickMs
        self.center = center
        self.regions = regions
    }

    enum CodingKeys: String, CodingKey {
        case name, center, regions
        case httpPort = "http_port"
        case peerPort = "peer_port"
        case tickMs = "tick_ms"
    }

    /// Reads a plan file.
    public static func load(path: String) throws -> ClusterPlan {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NodeConfiguration.Problem(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        do {
            return try TOMLDecoder().decode(ClusterPlan.self, from: text)
        } catch {
            throw NodeConfiguration.Problem(description: "\(path): \(error)")
        }
    }

    /// The topology node of a planned node.
    public func node(_ planned: PlannedNode, region: String, isCenter: Bool = false) -> ClusterTopology.Node {
        ClusterTopology.Node(
            id: planned.id, region: region, peer: "\(planned.host):\(planned.peerPort ?? peerPort)",
            http: "\(planned.host):\(planned.httpPort ?? httpPort)", center: isCenter ? true : nil)
    }

    /// The region `key` of the plan.
    public func region(_ key: String) -> PlannedRegion? { regions.first { $0.key == key } }

    /// The region as the topology will hold it: code, durability and shards from the roadmap
    /// unless the plan overrides them, members the region's nodes and the centre.
    public func topologyRegion(_ key: String, roadmap: Roadmap) throws -> (region: ClusterTopology.Region, nodes: [ClusterTopology.Node]) {
        guard let planned = region(key) else { throw NodeConfiguration.Problem(description: "the plan has no region \(key)") }
        guard let phase = roadmap.regionPhase(key) else { throw NodeConfiguration.Problem(description: "the roadmap has no region \(key)") }
        let nodes = planned.nodes.map { node($0, region: key) }
        let shards = ClusterTopology.shards(
            regionCode: phase.code, count: planned.shards ?? phase.shards, members: nodes.map(\.id) + [center.id])
        let region = ClusterTopology.Region(key: key, code: phase.code, durability: planned.durability ?? phase.durability, shards: shards)
        return (region, nodes)
    }

    /// Every problem of the plan against the roadmap, in one pass.
    public func problems(roadmap: Roadmap) -> [String] {
        var problems: [String] = []
        var ids: Set<UInt64> = [center.id]
        var addresses: Set<String> = []
        func address(_ planned: PlannedNode) {
            for endpoint in ["\(planned.host):\(planned.httpPort ?? httpPort)", "\(planned.host):\(planned.peerPort ?? peerPort)"]
            where !addresses.insert(endpoint).inserted {
                problems.append("address \(endpoint) is used twice")
            }
        }
        address(center)
        for region in regions {
            if roadmap.regionPhase(region.key) == nil { problems.append("region \(region.key) is not in the roadmap") }
            if region.nodes.count < 3 { problems.append("region \(region.key) has \(region.nodes.count) nodes; a region needs 3 to survive losing one") }
            for node in region.nodes {
                if !ids.insert(node.id).inserted { problems.append("node id \(node.id) appears twice") }
                if node.id == 0 { problems.append("node id 0 is reserved") }
                address(node)
            }
        }
        return problems
    }
}
