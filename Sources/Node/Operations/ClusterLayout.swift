import Crypto
import Foundation
import Transport
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
        let topology = ClusterTopology.make(
            name: plan.clusterName, regionKey: plan.regionKey, regionCode: plan.regionCode, durability: plan.durability,
            regionalNodes: regional, center: center, shardCount: plan.shardCount)
        return try create(directory: directory, topology: topology, clusterName: plan.clusterName, tickMs: plan.tickMs, now: now)
    }

    /// Writes a new cluster directory from a plan (`Cluster/topologies/*.toml`) with its regions
    /// `regions` (the plan's first region when empty), shaped by the roadmap.
    public static func initialize(directory: String, plan: ClusterPlan, regions: [String], roadmap: Roadmap, now: Date = Date()) throws -> ClusterLayout {
        let problems = plan.problems(roadmap: roadmap)
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: "plan: " + problems.joined(separator: "; ")) }
        let keys = regions.isEmpty ? Array(plan.regions.prefix(1).map(\.key)) : regions
        var topology = ClusterTopology(name: plan.name, nodes: [plan.node(plan.center, region: "CENTER", isCenter: true)], regions: [])
        for key in keys {
            let (region, nodes) = try plan.topologyRegion(key, roadmap: roadmap)
            topology.nodes.insert(contentsOf: nodes, at: topology.nodes.count - 1)
            topology.regions.append(region)
        }
        return try create(directory: directory, topology: topology, clusterName: plan.name, tickMs: plan.tickMs ?? 100, now: now)
    }

    /// Writes the directory of a new cluster of shape `topology`: the CA, the token key, a
    /// signing key per region (published in the topology), each node's certificate and
    /// configuration, and the topology.
    static func create(directory: String, topology base: ClusterTopology, clusterName: String, tickMs: UInt64, now: Date) throws -> ClusterLayout {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: directory + "/topology.toml") else {
            throw NodeConfiguration.Problem(description: "\(directory) already holds a cluster (topology.toml exists)")
        }
        var topology = base
        var signingKeys: [String: RegionSigningKey] = [:]
        for index in topology.regions.indices {
            let key = RegionSigningKey(region: topology.regions[index].key, privateKey: Curve25519.Signing.PrivateKey())
            topology.regions[index].signingPublicKey = key.publicKeyBase64
            signingKeys[key.region] = key
        }
        let tokenKey = TokenKey()
        topology.tokenPublicKey = tokenKey.publicKeyBase64
        let problems = topology.problems()
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }

        var layout = ClusterLayout(directory: directory, topology: topology)
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try CertificateFiles.createAuthority(clusterName: clusterName, directory: directory + "/certs", now: now)
        try CertificateFiles.write(tokenKey.fileText, to: layout.tokenKeyPath, secret: true)
        for key in signingKeys.values.sorted(by: { $0.region < $1.region }) {
            try CertificateFiles.write(try key.encoded(), to: directory + "/keys/\(key.region).signing.toml", secret: true)
        }
        try layout.writeNodeFiles(topology.nodes, tickMs: tickMs, now: now)
        try layout.save(topology)
        return layout
    }

    /// Writes a new key and certificate for `node` (its HTTP and peer hosts, and loopback), valid
    /// `CertificateFiles.nodeValidityDays` from `now`, or until the CA's end when that comes
    /// first, signed by the directory's CA.
    func issueCertificate(_ node: ClusterTopology.Node, authority: CertificateAndKeyPEM, now: Date) throws {
        let hosts = Array(Set([HostPort(node.http)!.host, HostPort(node.peer)!.host, "127.0.0.1", "localhost"])).sorted()
        let authorityEnd = try ClusterCA.notValidAfter(authorityCertificatePEM: authority.certificatePEM)
        let daysLeft = Int(authorityEnd.timeIntervalSince(now) / 86_400)
        guard daysLeft >= 1 else {
            throw NodeConfiguration.Problem(description: "the cluster CA ends on \(ISO8601DateFormatter().string(from: authorityEnd)): it can sign no more node certificates; a new CA must be made and distributed")
        }
        try CertificateFiles.createNode(id: node.id, hosts: hosts, authority: authority, directory: directory + "/certs", now: now,
                                        validityDays: min(CertificateFiles.nodeValidityDays, daysLeft))
    }

    /// Renews the certificates of `ids` (`sijil cluster renew-cert`): a new key and certificate
    /// each, for the same host names, valid from `now`. A running node goes on with the
    /// certificate it started with until it is restarted. Returns the new end of validity of
    /// each, its serial number, and the end of the CA that signed it (a certificate is refused
    /// after its CA's end, whatever its own). Refuses an id that is not an active node, before
    /// writing anything.
    public func renewCertificates(_ ids: [UInt64], now: Date = Date()) throws -> [UInt64: (notAfter: Date, serial: String, authorityNotAfter: Date)] {
        let nodes = try ids.map { id in
            guard let node = topology.node(id), !node.isRetired else { throw NodeConfiguration.Problem(description: "node \(id) is not an active node of \(topology.name)") }
            return node
        }
        let authority = try CertificateFiles.loadAuthority(directory: directory + "/certs")
        var renewed: [UInt64: (notAfter: Date, serial: String, authorityNotAfter: Date)] = [:]
        for node in nodes {
            try issueCertificate(node, authority: authority, now: now)
            let credentials = try NodeCredentials.load(
                certificateFile: directory + "/certs/node-\(node.id).pem", privateKeyFile: directory + "/certs/node-\(node.id).key",
                authorityCertificateFile: caCertificatePath, now: now)
            renewed[node.id] = (credentials.certificateNotValidAfter, credentials.certificateSerial, credentials.authorityNotValidAfter)
        }
        return renewed
    }

    /// Issues the certificates and writes the configurations of `nodes` (new nodes joining the
    /// cluster), with the CA of the directory. A regional node gets its region's signing key.
    public func writeNodeFiles(_ nodes: [ClusterTopology.Node], tickMs: UInt64 = 100, now: Date = Date()) throws {
        let authority = try CertificateFiles.loadAuthority(directory: directory + "/certs")
        for node in nodes {
            try issueCertificate(node, authority: authority, now: now)
            let keyFile = "keys/\(node.region).signing.toml"
            let keys = !node.isCenter && FileManager.default.fileExists(atPath: directory + "/" + keyFile) ? ["\"../\(keyFile)\""] : []
            let text = """
                # Node \(node.id) of cluster \(topology.name) (\(node.isCenter ? "national centre" : "region \(node.region)")).
                # Paths are relative to this file.
                node = \(node.id)
                data_dir = "../data/node-\(node.id)"
                topology = "../topology.toml"
                tick_ms = \(tickMs)
                signing_keys = [\(keys.joined(separator: ", "))]

                [tls]
                ca_certificate = "../certs/ca.pem"
                certificate = "../certs/node-\(node.id).pem"
                private_key = "../certs/node-\(node.id).key"

                """
            try CertificateFiles.write(text, to: configurationPath(node: node.id), secret: false)
        }
    }

    /// Writes a region's new copy-signing key and returns its public key (base64).
    public func createSigningKey(region: String) throws -> String {
        let path = directory + "/keys/\(region).signing.toml"
        guard !FileManager.default.fileExists(atPath: path) else {
            return try RegionSigningKey.load(path: path).publicKeyBase64
        }
        let key = RegionSigningKey(region: region, privateKey: Curve25519.Signing.PrivateKey())
        try CertificateFiles.write(try key.encoded(), to: path, secret: true)
        return key.publicKeyBase64
    }

    /// Makes `topology` the directory's topology (atomically).
    public mutating func save(_ topology: ClusterTopology) throws {
        try TopologyFile.write(topology, to: topologyPath)
        self.topology = topology
    }

    /// Mints a token with the cluster's token key (operators only hold it).
    public func issueToken(_ claims: AccessClaims) throws -> String {
        try TokenKey(path: tokenKeyPath).issue(claims)
    }

    /// A token of the registrar of `region`, minted now for `lifetimeSeconds` (a registrar acts
    /// in one region only): the tools that read or write a region's acts use it, never an
    /// operator's token.
    public func registrarToken(region: ClusterTopology.Region, subject: String, lifetimeSeconds: UInt64 = 3_600) throws -> String {
        try issueToken(TokenKey.claims(subject: subject, role: .registrar, region: RegionCode(region.code), lifetimeSeconds: lifetimeSeconds))
    }

    /// A client acting as the registrar of `region` (`registrarToken`).
    public func registrarClient(region: ClusterTopology.Region, timeoutMs: UInt64 = HTTPSClient.defaultTimeoutMs,
                                lifetimeSeconds: UInt64 = 3_600) throws -> HTTPSClient {
        let token = try registrarToken(region: region, subject: "REG-\(region.code)-TOOLS", lifetimeSeconds: lifetimeSeconds)
        return try HTTPSClient(caCertificatePath: caCertificatePath, timeoutMs: timeoutMs, token: token)
    }

    /// Opens an existing cluster directory.
    public static func open(directory: String) throws -> ClusterLayout {
        ClusterLayout(directory: directory, topology: try NodeConfiguration.loadTopology(path: directory + "/topology.toml"))
    }
}
