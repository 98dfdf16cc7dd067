import Foundation
import Logging
import NIOConcurrencyHelpers
import NodeCore
import Raft
import Transport

/// A running node: its RocksDB store, its transport, and the loop thread that drives its
/// `NodeCore`. The HTTP API and the CLI talk to it through `submit` and `status`.
public final class NodeRuntime: Sendable {
    /// The configuration the node was started with.
    public let configuration: NodeConfiguration
    /// The node's Prometheus metrics.
    public let metrics: NodeMetrics
    /// The logger of the node.
    public let logger: Logger
    /// The derived search index of the acts this node applies (nil when started without one).
    public let search: SearchIndexer?
    let loop: NodeLoop
    let transport: Transport
    let disk: RocksDisk
    private let inbound: Task<Void, Never>

    /// This node's id.
    public var nodeID: UInt64 { configuration.nodeID }
    /// The cluster topology: the one the node started with, or the one last reloaded.
    public var topology: ClusterTopology { currentTopology.withLockedValue { $0 } }
    private let currentTopology: NIOLockedValueBox<ClusterTopology>

    private init(configuration: NodeConfiguration, metrics: NodeMetrics, logger: Logger, search: SearchIndexer?, loop: NodeLoop, transport: Transport, disk: RocksDisk) {
        self.configuration = configuration
        self.currentTopology = NIOLockedValueBox(configuration.topology)
        self.metrics = metrics
        self.logger = logger
        self.search = search
        self.loop = loop
        self.transport = transport
        self.disk = disk
        self.inbound = Task { [loop, transport, metrics] in
            while !Task.isCancelled {
                let frames = await transport.receive(maxFrames: 1_024)
                if frames.isEmpty { break }
                if !loop.enqueue(.frames(frames.map { ($0.from, $0.payload) })) {
                    for frame in frames { metrics.recordDroppedFrame(to: frame.from, reason: "inbox full") }
                }
            }
        }
    }

    /// Starts a registry node: every group runs the civil-status register, and the acts it
    /// applies feed the search index in its data directory.
    public static func startRegistryNode(
        configuration: NodeConfiguration, logger: Logger, onFatal: @escaping @Sendable (String) -> Void
    ) async throws -> NodeRuntime {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let search = try SearchIndexer(directory: configuration.dataDirectory, logger: logger)
        return try await start(
            configuration: configuration, logger: logger, search: search,
            machines: { descriptor in search.machine(for: descriptor.id) }, onFatal: onFatal)
    }

    /// Opens the store, starts the transport and the loop, and creates the groups this node
    /// hosts (recovering whatever is already on disk).
    /// - Parameters:
    ///   - search: the search index fed after every turn, if any.
    ///   - machines: the state machine of each group, by its descriptor.
    ///   - onFatal: called when the node cannot go on safely (a failed durable write); the
    ///     process should exit and be restarted, recovering from disk.
    public static func start(
        configuration: NodeConfiguration, logger: Logger, search: SearchIndexer? = nil,
        machines: @escaping @Sendable (GroupDescriptor) -> any StateMachine,
        onFatal: @escaping @Sendable (String) -> Void
    ) async throws -> NodeRuntime {
        let topology = configuration.topology
        guard let me = topology.node(configuration.nodeID) else {
            throw NodeConfiguration.Problem(description: "node \(configuration.nodeID) is not in the topology")
        }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let metrics = NodeMetrics()
        let disk = try RocksDisk(path: configuration.dataDirectory + "/db", metrics: metrics)
        let credentials = try NodeCredentials.load(
            certificateFile: configuration.certificatePath, privateKeyFile: configuration.privateKeyPath,
            authorityCertificateFile: configuration.caCertificatePath, now: Date())
        guard credentials.nodeID == configuration.nodeID else {
            throw NodeConfiguration.Problem(description: "certificate is for node \(credentials.nodeID), not \(configuration.nodeID)")
        }
        let listen = configuration.peerListen ?? HostPort(me.peer)!
        var peers: [UInt64: PeerAddress] = [:]
        for node in topology.nodes where node.id != me.id {
            let address = HostPort(node.peer)!
            peers[node.id] = PeerAddress(host: address.host, port: address.port)
        }
        let transport = try await Transport.start(
            configuration: TransportConfiguration(localNodeID: me.id, listenHost: listen.host, listenPort: listen.port, peers: peers),
            credentials: credentials, logger: logger)
        let loop = NodeLoop(
            tickMs: configuration.tickMs, metrics: metrics,
            afterTurn: search.map { search -> @Sendable (NodeCore) -> Void in { core in search.afterTurn(core) } }, onFatal: onFatal)
        let network = TransportNetwork(transport: transport, metrics: metrics)
        let seed = UInt64.random(in: 1...UInt64.max)
        loop.start { [disk] in
            try NodeCore(
                options: NodeCoreOptions(nodeID: me.id, isCenter: me.isCenter, randomSeed: seed),
                disk: disk, network: network, machines: machines)
        }
        let hosted = topology.hostedDescriptors(node: me.id)
        loop.enqueue(.createGroups(hosted))
        logger.info("node started", metadata: ["node": "\(me.id)", "groups": "\(hosted.map(\.id))", "peer": "\(listen.host):\(listen.port)"])
        return NodeRuntime(configuration: configuration, metrics: metrics, logger: logger, search: search, loop: loop, transport: transport, disk: disk)
    }

    /// Submits a request to this node and waits for the answer.
    public func submit(_ request: ClientRequest) async -> ClientResult {
        await loop.submit(request)
    }

    /// Every hosted group as this node sees it.
    public func status() async -> [GroupStatus] {
        await loop.status()
    }

    /// Asks the search index to be rebuilt from the applied state after the next turn.
    public func rebuildSearchIndex() {
        search?.requestRebuild()
    }

    /// Re-reads the topology file and tells the transport about nodes added since the start
    /// (the first step of adding a node to a running cluster). Returns the peers now known.
    public func reloadPeers() throws -> [UInt64] {
        guard let path = configuration.topologyPath else { return [] }
        let topology = try NodeConfiguration.loadTopology(path: path)
        var peers: [UInt64: PeerAddress] = [:]
        for node in topology.nodes where node.id != nodeID {
            guard let address = HostPort(node.peer) else { continue }
            peers[node.id] = PeerAddress(host: address.host, port: address.port)
        }
        try transport.updatePeers(peers)
        currentTopology.withLockedValue { $0 = topology }
        return peers.keys.sorted()
    }

    /// Stops accepting work, finishes the current turn, closes the transport and the store.
    public func shutdown() async {
        inbound.cancel()
        loop.stop()
        await search?.close()
        await transport.shutdown()
        do { try disk.close() } catch { logger.error("closing the store: \(error)") }
        logger.info("node stopped", metadata: ["node": "\(configuration.nodeID)"])
    }
}
