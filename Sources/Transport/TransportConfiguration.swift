import NIOCore

/// Where a peer listens.
public struct PeerAddress: Sendable, Hashable {
    /// A DNS name or an IPv4/IPv6 literal; the peer's certificate must carry it.
    public var host: String
    /// The TCP port, 1 to 65535.
    public var port: Int

    /// A peer's listening address.
    /// - Parameters:
    ///   - host: a DNS name or IP literal carried by the peer's certificate.
    ///   - port: the TCP port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// How one node's transport is set up.
public struct TransportConfiguration: Sendable {
    /// Event loop threads by default: the machine's cores, at most 4.
    ///
    /// Why: TLS encryption is the transport's main CPU cost and spreads over loops per connection;
    /// beyond four loops the node core and storage need the cores more.
    public static var eventLoopThreadCountDefault: Int { min(max(System.coreCount, 1), 4) }

    /// This node's id; must equal the id in its certificate.
    public var localNodeID: UInt64
    /// The address to listen on, for example `0.0.0.0`, `::` or a specific interface.
    public var listenHost: String
    /// The port to listen on; 0 picks a free port (see ``Transport/listeningPort``).
    public var listenPort: Int
    /// Every other node this node exchanges frames with, by node id. Only these may connect in.
    public var peers: [UInt64: PeerAddress]
    /// Queue sizes, timeouts and backoff.
    public var limits: TransportLimits
    /// Threads of the transport's own event loop group.
    public var eventLoopThreadCount: Int

    /// A transport configuration.
    /// - Parameters:
    ///   - localNodeID: this node's id.
    ///   - listenHost: address to listen on.
    ///   - listenPort: port to listen on, 0 for any free port.
    ///   - peers: the other nodes, by node id; must not contain `localNodeID`.
    ///   - limits: queue sizes, timeouts and backoff.
    ///   - eventLoopThreadCount: threads of the event loop group.
    public init(
        localNodeID: UInt64,
        listenHost: String,
        listenPort: Int,
        peers: [UInt64: PeerAddress],
        limits: TransportLimits = TransportLimits(),
        eventLoopThreadCount: Int = TransportConfiguration.eventLoopThreadCountDefault
    ) {
        self.localNodeID = localNodeID
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.peers = peers
        self.limits = limits
        self.eventLoopThreadCount = eventLoopThreadCount
    }

    func validate() throws(TransportError) {
        try limits.validate()
        guard (0...65_535).contains(listenPort) else {
            throw .invalidConfiguration(field: "listenPort", reason: "\(listenPort) is outside 0...65535")
        }
        guard !listenHost.isEmpty else {
            throw .invalidConfiguration(field: "listenHost", reason: "must not be empty")
        }
        guard (1...64).contains(eventLoopThreadCount) else {
            throw .invalidConfiguration(field: "eventLoopThreadCount", reason: "\(eventLoopThreadCount) is outside 1...64")
        }
        try Self.validatePeers(peers, localNodeID: localNodeID)
    }

    static func validatePeers(_ peers: [UInt64: PeerAddress], localNodeID: UInt64) throws(TransportError) {
        guard peers.count <= TransportLimits.peersMax else {
            throw .invalidConfiguration(field: "peers", reason: "\(peers.count) peers, at most \(TransportLimits.peersMax)")
        }
        guard peers[localNodeID] == nil else {
            throw .invalidConfiguration(field: "peers[\(localNodeID)]", reason: "a node is not its own peer")
        }
        for (nodeID, address) in peers {
            guard !address.host.isEmpty else {
                throw .invalidConfiguration(field: "peers[\(nodeID)].host", reason: "must not be empty")
            }
            guard (1...65_535).contains(address.port) else {
                throw .invalidConfiguration(field: "peers[\(nodeID)].port", reason: "\(address.port) is outside 1...65535")
            }
        }
    }
}
