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
    /// On the national centre, the death mentions it puts on birth acts of another region than
    /// the death act's (nil on regional nodes).
    public let deathMentionRelay: DeathMentionRelay?
    /// The copy-signing keys the node issues copies with and the public keys it verifies them
    /// against, renewed with every topology version it takes.
    public let keyring: NodeKeyring
    /// The access tokens refused before they expire, renewed with every topology version it
    /// takes and with those it learns from its peers.
    public let revocations: TokenRevocations
    /// The token revocations the node passes to its peers and takes from them.
    public let revocationExchange: RevocationExchange
    /// Sends the node's revocations to each peer the transport connects to, and to every peer
    /// every `RevocationExchange.resendInterval`.
    private let revocationTasks: [Task<Void, Never>]
    /// The node's certificate and key as it presents them now: the ones it started with, or
    /// the ones last taken by `reloadCertificate`.
    public var credentials: NodeCredentials { currentCredentials.withLockedValue { $0 } }
    /// The end of validity of the certificate the node presents.
    public var certificateNotAfter: Date { credentials.certificateNotValidAfter }
    /// The serial number of the certificate the node presents.
    public var certificateSerial: String { credentials.certificateSerial }
    /// The end of validity of the cluster CA's certificate.
    public var authorityNotAfter: Date { credentials.authorityNotValidAfter }
    private let currentCredentials: NIOLockedValueBox<NodeCredentials>
    /// Serializes certificate reloads.
    private let credentialsUpdate = NIOLock()
    let loop: NodeLoop
    let transport: Transport
    let disk: RocksDisk

    /// This node's id.
    public var nodeID: UInt64 { configuration.nodeID }
    /// The cluster topology: the one the node started with, or the one last reloaded.
    public var topology: ClusterTopology { currentTopology.withLockedValue { $0 } }
    private let currentTopology: NIOLockedValueBox<ClusterTopology>
    /// Serializes topology changes (two operators pushing at once).
    private let topologyUpdate = NIOLock()

    private init(configuration: NodeConfiguration, metrics: NodeMetrics, logger: Logger, search: SearchIndexer?, relay: DeathMentionRelay?,
                 keyring: NodeKeyring, credentials: NodeCredentials, loop: NodeLoop, transport: Transport, disk: RocksDisk,
                 revocations: TokenRevocations, revocationExchange: RevocationExchange) {
        self.configuration = configuration
        self.currentCredentials = NIOLockedValueBox(credentials)
        self.keyring = keyring
        self.revocations = revocations
        self.revocationExchange = revocationExchange
        self.revocationTasks = Self.exchangeRevocations(revocationExchange, events: transport.events)
        self.currentTopology = NIOLockedValueBox(configuration.topology)
        self.metrics = metrics
        self.logger = logger
        self.search = search
        self.deathMentionRelay = relay
        self.loop = loop
        self.transport = transport
        self.disk = disk
    }

    /// Starts a registry node: every group runs the civil-status register, and the acts it
    /// applies feed the search index in its data directory and, on the national centre, the
    /// death mentions it relays to other regions.
    public static func startRegistryNode(
        configuration: NodeConfiguration, logger: Logger, onFatal: @escaping @Sendable (String) -> Void
    ) async throws -> NodeRuntime {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let metrics = NodeMetrics()
        let isCenter = configuration.topology.node(configuration.nodeID)?.isCenter == true
        let relay = isCenter
            ? DeathMentionRelay(nodeID: configuration.nodeID, metrics: metrics, logger: logger,
                                journalPath: configuration.dataDirectory + "/" + DeathMentionRelay.journalFileName)
            : nil
        let search = try SearchIndexer(directory: configuration.dataDirectory, logger: logger, relay: relay)
        let runtime = try await start(
            configuration: configuration, logger: logger, metrics: metrics, search: search, relay: relay,
            machines: { descriptor in search.machine(for: descriptor.id) }, onFatal: onFatal)
        relay?.start(gateway: runtime.registryGateway)
        return runtime
    }

    /// Opens the store, starts the transport and the loop, and creates the groups this node
    /// hosts (recovering whatever is already on disk).
    /// - Parameters:
    ///   - metrics: the node's metrics (new ones when nil).
    ///   - search: the search index fed after every turn, if any.
    ///   - relay: the centre's death-mention relay, fed by `search`; closed at shutdown.
    ///   - machines: the state machine of each group, by its descriptor.
    ///   - onFatal: called when the node cannot go on safely (a failed durable write); the
    ///     process should exit and be restarted, recovering from disk.
    public static func start(
        configuration: NodeConfiguration, logger: Logger, metrics: NodeMetrics? = nil, search: SearchIndexer? = nil,
        relay: DeathMentionRelay? = nil, machines: @escaping @Sendable (GroupDescriptor) -> any StateMachine,
        onFatal: @escaping @Sendable (String) -> Void
    ) async throws -> NodeRuntime {
        let topology = configuration.topology
        guard let me = topology.node(configuration.nodeID) else {
            throw NodeConfiguration.Problem(description: "node \(configuration.nodeID) is not in the topology")
        }
        let keyring = try NodeKeyring(configuration: configuration)
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let metrics = metrics ?? NodeMetrics()
        let disk = try RocksDisk(path: configuration.dataDirectory + "/db", metrics: metrics)
        let credentials = try NodeCredentials.load(
            certificateFile: configuration.certificatePath, privateKeyFile: configuration.privateKeyPath,
            authorityCertificateFile: configuration.caCertificatePath, now: Date())
        guard credentials.nodeID == configuration.nodeID else {
            throw NodeConfiguration.Problem(description: "certificate is for node \(credentials.nodeID), not \(configuration.nodeID)")
        }
        let listen = configuration.peerListen ?? HostPort(me.peer)!
        let transport = try await Transport.start(
            configuration: TransportConfiguration(localNodeID: me.id, listenHost: listen.host, listenPort: listen.port, peers: peers(of: topology, except: me.id)),
            credentials: credentials, logger: logger)
        let revocations = TokenRevocations(topology.revokedTokens ?? [])
        let exchange = RevocationExchange(
            directory: configuration.dataDirectory, topology: topology.revokedTokens ?? [], revocations: revocations,
            logger: logger, metrics: metrics) { [transport, metrics] peer, frame in
                let result = transport.send(frame, to: peer)
                if result != .queued { metrics.recordDroppedFrame(to: peer, reason: "\(result)") }
            }
        exchange.setPeers(peers(of: topology, except: me.id).keys.sorted())
        let notices = DispatchQueue(label: "sijil.revocation-notices")
        let loop = NodeLoop(
            tickMs: configuration.tickMs, metrics: metrics,
            takeFrames: { [transport, exchange] maxFrames in
                takeFrames(maxFrames, from: transport) { notice in
                    notices.async { exchange.receive(from: notice.from, frame: notice.payload) }
                }
            },
            afterTurn: search.map { search -> @Sendable (NodeCore) -> Void in { core in search.afterTurn(core) } }, onFatal: onFatal)
        transport.setArrivalHandler { [loop] in loop.framesArrived() }
        let network = TransportNetwork(transport: transport, metrics: metrics)
        let seed = UInt64.random(in: 1...UInt64.max)
        var options = NodeCoreOptions(nodeID: me.id, isCenter: me.isCenter, randomSeed: seed)
        options.compactionEntriesThreshold = Int(configuration.logCompactionEntries)
        options.compactionRetainEntries = configuration.logRetainEntries
        loop.start { [disk, options] in
            try NodeCore(options: options, disk: disk, network: network, machines: machines)
        }
        let hosted = topology.hostedDescriptors(node: me.id)
        loop.enqueue(.createGroups(hosted))
        logger.info("node started", metadata: ["node": "\(me.id)", "groups": "\(hosted.map(\.id))", "peer": "\(listen.host):\(listen.port)"])
        metrics.recordCertificates(nodeNotAfter: credentials.certificateNotValidAfter, authorityNotAfter: credentials.authorityNotValidAfter)
        return NodeRuntime(configuration: configuration, metrics: metrics, logger: logger, search: search, relay: relay, keyring: keyring,
                           credentials: credentials, loop: loop, transport: transport, disk: disk,
                           revocations: revocations, revocationExchange: exchange)
    }

    /// Up to `maxFrames` frames for the node core from those that arrived; revocation notices
    /// among them go to `notice` instead (called on the loop thread: it must not wait).
    static func takeFrames(_ maxFrames: Int, from transport: Transport, notice: (InboundFrame) -> Void) -> [InboundFrame] {
        var frames = transport.receiveAvailable(maxFrames: maxFrames)
        guard frames.contains(where: { RevocationNotice.isNotice($0.payload) }) else { return frames }
        var kept: [InboundFrame] = []
        while true {
            let asked = maxFrames - kept.count
            let taken = frames.count
            for frame in frames {
                if RevocationNotice.isNotice(frame.payload) { notice(frame) } else { kept.append(frame) }
            }
            // Fewer frames than asked: none is left. Otherwise, take more in the notices' place.
            guard taken == asked, kept.count < maxFrames else { return kept }
            frames = transport.receiveAvailable(maxFrames: maxFrames - kept.count)
        }
    }

    /// Starts the tasks that send the node's revocations to each peer the transport connects
    /// to, and to every peer every `RevocationExchange.resendInterval`.
    private static func exchangeRevocations(_ exchange: RevocationExchange, events: AsyncStream<TransportEvent>) -> [Task<Void, Never>] {
        let connected = Task {
            for await event in events {
                if case .connected(let peer, .outbound) = event { exchange.announce(to: peer) }
            }
        }
        let resend = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: RevocationExchange.resendInterval) } catch { return }
                exchange.announceToAll()
            }
        }
        return [connected, resend]
    }

    /// How many groups a request follows after a split (`MovedAnswer`) before giving up. A
    /// topology one split behind needs one hop; each split a caller missed adds one. More than
    /// this means the groups point at each other, which a correct log never produces.
    public static let movedHopsMax = 4

    /// Submits a request to this node and waits for the answer. A request about an office
    /// whose group gave it up in a split (the caller routed it by an older topology) is sent
    /// again, unchanged, to the group that holds it now: the moved answer changed nothing, and
    /// a write keeps its request id, so it stays idempotent.
    public func submit(_ request: ClientRequest) async -> ClientResult {
        var request = request
        var result = await loop.submit(request)
        var path = [request.group]
        while let group = result.movedTo {
            guard path.count <= Self.movedHopsMax else {
                return .failed(.invalidChange("the request moved through groups \(path.map(String.init).joined(separator: " → ")) without reaching the one that holds it; nothing was changed"))
            }
            path.append(group)
            request = request.redirected(to: group)
            result = await loop.submit(request)
        }
        return result
    }

    /// Reads the node's certificate and key files again (a renewal copied in place) and
    /// presents them from now on: on the connections its API and its transport accept or dial
    /// next, without a restart. Connections already made keep the certificate they were made
    /// with until they close. The files are checked as at start (the node's own id, signed by
    /// the cluster CA, valid now), and the CA must be the one the node runs with: a new CA
    /// needs every node restarted (docs/TRANSPORT.md). A refused reload changes nothing.
    public func reloadCertificate() throws -> NodeCredentials {
        try credentialsUpdate.withLock {
            let loaded = try NodeCredentials.load(
                certificateFile: configuration.certificatePath, privateKeyFile: configuration.privateKeyPath,
                authorityCertificateFile: configuration.caCertificatePath, now: Date())
            guard loaded.nodeID == nodeID else {
                throw NodeConfiguration.Problem(description: "\(configuration.certificatePath) is the certificate of node \(loaded.nodeID), not \(nodeID); nothing was changed")
            }
            guard loaded.authority == credentials.authority else {
                throw NodeConfiguration.Problem(description: "\(configuration.caCertificatePath) is not the CA this node runs with; a new CA needs every node restarted; nothing was changed")
            }
            try transport.renewCredentials(loaded)
            currentCredentials.withLockedValue { $0 = loaded }
            metrics.recordCertificates(nodeNotAfter: loaded.certificateNotValidAfter, authorityNotAfter: loaded.authorityNotValidAfter)
            logger.info("certificate reloaded", metadata: ["serial": "\(loaded.certificateSerial)", "not_after": "\(loaded.certificateNotValidAfter)"])
            return loaded
        }
    }

    /// Registry requests routed by this node's current topology and submitted to its loop: what
    /// the HTTP API and the centre's death-mention relay propose through.
    public var registryGateway: RegistryGateway {
        RegistryGateway(nodeID: nodeID, topology: { [self] in topology }) { [self] request in await submit(request) }
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
        if topology.effectiveVersion > self.topology.effectiveVersion {
            _ = try applyTopology(topology)
            return Self.peers(of: topology, except: nodeID).keys.sorted()
        }
        let peers = Self.peers(of: topology, except: nodeID)
        try transport.updatePeers(peers)
        revocationExchange.setPeers(peers.keys.sorted())
        currentTopology.withLockedValue { $0 = topology }
        return peers.keys.sorted()
    }

    /// What a node did with a topology version an operator pushed to it.
    public struct TopologyApplied: Codable, Sendable, Equatable {
        /// The version the node now runs with.
        public var version: UInt64
        /// False when the node already had this version.
        public var changed: Bool
        /// The groups it started hosting.
        public var groupsCreated: [UInt64]
        /// Its peers now.
        public var peers: [UInt64]
    }

    /// Takes a new topology version while running, without a restart: checks that it follows
    /// the current one (`ClusterTopology.successorProblems`), keeps it in the data directory
    /// (so a restart keeps it), gives the transport the new peer list (retired nodes are
    /// refused from then on), routes requests by it, verifies copies with the public keys it
    /// publishes, refuses the tokens it revokes, and creates the groups it gives this node (a
    /// new region's groups on the centre). Idempotent for the current version.
    public func applyTopology(_ next: ClusterTopology) throws -> TopologyApplied {
        try topologyUpdate.withLock {
            let current = topology
            if next == current {
                return TopologyApplied(version: current.effectiveVersion, changed: false, groupsCreated: [],
                                       peers: Self.peers(of: current, except: nodeID).keys.sorted())
            }
            let problems = next.successorProblems(of: current)
            guard problems.isEmpty else {
                throw NodeConfiguration.Problem(description: "version \(next.effectiveVersion) cannot follow version \(current.effectiveVersion): " + problems.joined(separator: "; "))
            }
            guard let me = next.node(nodeID), !me.isRetired else {
                throw NodeConfiguration.Problem(description: "version \(next.effectiveVersion) retires this node \(nodeID): stop it instead")
            }
            // A region added since the start brings the public key its copies verify with.
            let nextKeyring: SigningKeyring
            do { nextKeyring = try keyring.keyring(for: next) } catch {
                throw NodeConfiguration.Problem(description: "version \(next.effectiveVersion) cannot follow version \(current.effectiveVersion): \(error)")
            }
            try TopologyFile.write(next, to: configuration.acceptedTopologyPath)
            let peers = Self.peers(of: next, except: nodeID)
            try transport.updatePeers(peers)
            currentTopology.withLockedValue { $0 = next }
            keyring.take(nextKeyring)
            revocationExchange.setPeers(peers.keys.sorted())
            revocationExchange.topologyTaken(next.revokedTokens ?? [])
            let hosted = Set(current.hostedDescriptors(node: nodeID).map(\.id))
            let created = next.hostedDescriptors(node: nodeID).filter { !hosted.contains($0.id) }
            if !created.isEmpty { loop.enqueue(.createGroups(created)) }
            logger.info("topology version \(next.effectiveVersion) taken", metadata: [
                "groups_created": "\(created.map(\.id))", "peers": "\(peers.keys.sorted())"])
            return TopologyApplied(version: next.effectiveVersion, changed: true, groupsCreated: created.map(\.id), peers: peers.keys.sorted())
        }
    }

    static func peers(of topology: ClusterTopology, except me: UInt64) -> [UInt64: PeerAddress] {
        var peers: [UInt64: PeerAddress] = [:]
        for node in topology.activeNodes where node.id != me {
            guard let address = HostPort(node.peer) else { continue }
            peers[node.id] = PeerAddress(host: address.host, port: address.port)
        }
        return peers
    }

    /// Stops accepting work, finishes the current turn, closes the transport and the store.
    public func shutdown() async {
        for task in revocationTasks { task.cancel() }
        await deathMentionRelay?.close()
        loop.stop()
        await search?.close()
        await transport.shutdown()
        do { try disk.close() } catch { logger.error("closing the store: \(error)") }
        logger.info("node stopped", metadata: ["node": "\(configuration.nodeID)"])
    }
}
