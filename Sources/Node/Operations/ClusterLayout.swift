import Crypto
import Foundation
import Registry
import Services

/// The directory `sijil cluster init` writes and `sijil dev` runs from:
///
/// ```
/// topology.toml                 the cluster's shape, the same file for every node
/// certs/ca.pem, certs/ca.key    the cluster CA (keep ca.key offline in production)
/// certs/node-<id>.pem|.key      each node's certificate and key
/// keys/<REGION>.signing.toml    each region's copy-signing key (secret)
/// keys/tokens.signing.key       the operators' access-token key (secret; nodes never read it)
/// nodes/node-<id>.toml          each node's configuration
/// data/node-<id>/               each node's RocksDB, search index and audit log
/// ```
public struct ClusterLayout: Sendable {
    /// The cluster directory.
    public var directory: String
    /// The cluster topology.
    public var topology: ClusterTopology

    /// `topology.toml`.
    public var topologyPath: String { directory + "/topology.toml" }
    /// The cluster CA certificate.
    public var caCertificatePath: String { directory + "/certs/ca.pem" }
    /// The configuration file of a node.
    public func configurationPath(node: UInt64) -> String { directory + "/nodes/node-\(node).toml" }
    /// The operators' access-token signing key.
    public var tokenKeyPath: String { directory + "/keys/tokens.signing.key" }
    /// The data directory of a node.
    public func dataDirectory(node: UInt64) -> String { directory + "/data/node-\(node)" }

    /// What `cluster init` builds: one region and, optionally, the national centre, on one
    /// host (loopback for `sijil dev`) or on the hosts given.
    public struct Plan: Sendable {
        /// The cluster's name (in certificates).
        public var clusterName = "sijil"
        /// The region key.
        public var regionKey = "RSK"
        /// The official region number (04: Rabat-Salé-Kénitra).
        public var regionCode: UInt8 = 4
        /// "center" or "region".
        public var durability = "center"
        /// Hosts of the regional nodes, in order (ids 1, 2, 3, ...).
        public var regionalHosts = ["127.0.0.1", "127.0.0.1", "127.0.0.1"]
        /// Host of the national centre (id `centerNodeID`), or nil for none.
        public var centerHost: String? = "127.0.0.1"
        /// Shard groups of the region.
        public var shardCount = 2
        /// Node k (0-based, the centre last) serves HTTP on basePort + k and talks to its peers
        /// on basePort + 100 + k.
        public var basePort = 7400
        /// The Raft tick of every node, in milliseconds.
        public var tickMs: UInt64 = 100

        /// Creates a value from its parts.
        public init() {}
    }

    /// The centre's node id in a layout made by `cluster init`: apart from regional ids.
    public static let centerNodeID: UInt64 = 100
    /// Ports between the HTTP and the peer port of one node.
    public static let peerPortOffset = 100

    /// Writes a new cluster directory; refuses to overwrite an existing topology.
    public static func initialize(directory: String, plan: Plan, now: Date = Date()) throws -> ClusterLayout {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: directory + "/topology.toml") else {
            throw NodeConfiguration.Problem(description: "\(directory) already holds a cluster (topology.toml exists)")
        }
        guard (1...999).contains(plan.shardCount) else { throw NodeConfiguration.Problem(description: "shards must be 1 to 999") }
        guard !plan.regionalHosts.isEmpty else { throw NodeConfiguration.Problem(description: "a region needs at least one node") }
        guard plan.basePort > 0, plan.basePort + Self.peerPortOffset + plan.regionalHosts.count < 65_536 else {
            throw NodeConfiguration.Problem(description: "base port \(plan.basePort) leaves no room for the node ports")
        }
        var regional: [ClusterTopology.Node] = []
        for (k, host) in plan.regionalHosts.enumerated() {
            regional.append(ClusterTopology.Node(id: UInt64(k + 1), region: plan.regionKey, peer: "\(host):\(plan.basePort + Self.peerPortOffset + k)",
                                                 http: "\(host):\(plan.basePort + k)"))
        }
        let center = plan.centerHost.map { host in
            let k = plan.regionalHosts.count
            return ClusterTopology.Node(id: Self.centerNodeID, region: "CENTER", peer: "\(host):\(plan.basePort + Self.peerPortOffset + k)",
                                        http: "\(host):\(plan.basePort + k)", center: true)
        }
        var topology = ClusterTopology.make(
            name: plan.clusterName, regionKey: plan.regionKey, regionCode: plan.regionCode, durability: plan.durability,
            regionalNodes: regional, center: center, shardCount: plan.shardCount)
        let signingKey = RegionSigningKey(region: plan.regionKey, privateKey: Curve25519.Signing.PrivateKey())
        topology.regions[0].signingPublicKey = signingKey.publicKeyBase64
        let tokenKey = TokenKey()
        topology.tokenPublicKey = tokenKey.publicKeyBase64
        let problems = topology.problems()
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }

        let layout = ClusterLayout(directory: directory, topology: topology)
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let authority = try CertificateFiles.createAuthority(clusterName: plan.clusterName, directory: directory + "/certs", now: now)
        try CertificateFiles.write(try signingKey.encoded(), to: directory + "/keys/\(plan.regionKey).signing.toml", secret: true)
        try CertificateFiles.write(tokenKey.fileText, to: layout.tokenKeyPath, secret: true)
        for node in topology.nodes {
            let host = HostPort(node.http)!.host
            let hosts = Array(Set([host, "127.0.0.1", "localhost"])).sorted()
            try CertificateFiles.createNode(id: node.id, hosts: hosts, authority: authority, directory: directory + "/certs", now: now)
            let keys = node.region == plan.regionKey ? ["\"../keys/\(plan.regionKey).signing.toml\""] : []
            let text = """
                # Node \(node.id) of cluster \(plan.clusterName) (\(node.isCenter ? "national centre" : "region \(node.region)")).
                # Paths are relative to this file.
                node = \(node.id)
                data_dir = "../data/node-\(node.id)"
                topology = "../topology.toml"
                tick_ms = \(plan.tickMs)
                signing_keys = [\(keys.joined(separator: ", "))]

                [tls]
                ca_certificate = "../certs/ca.pem"
                certificate = "../certs/node-\(node.id).pem"
                private_key = "../certs/node-\(node.id).key"

                """
            try CertificateFiles.write(text, to: layout.configurationPath(node: node.id), secret: false)
        }
        try CertificateFiles.write(try NodeConfiguration.encode(topology), to: layout.topologyPath, secret: false)
        return layout
    }

    /// Mints a token with the cluster's token key (operators only hold it).
    public func issueToken(_ claims: AccessClaims) throws -> String {
        try TokenKey(path: tokenKeyPath).issue(claims)
    }

    /// Opens an existing cluster directory.
    public static func open(directory: String) throws -> ClusterLayout {
        ClusterLayout(directory: directory, topology: try NodeConfiguration.loadTopology(path: directory + "/topology.toml"))
    }
}
