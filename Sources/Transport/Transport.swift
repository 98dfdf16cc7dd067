import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// The node-to-node transport: opaque frames over TCP with mutual TLS 1.3.
///
/// Connection model: this node keeps exactly one outbound connection to every configured peer,
/// shared by all shard groups, and sends only on it; it receives on the connections its peers
/// dial in. A pair of nodes is therefore joined by two connections, one per direction, which
/// needs no tie-breaking when both dial at once and lets each side redial on its own schedule.
///
/// Sending never blocks: ``send(_:to:)-(ByteBuffer,_)`` queues into the peer's bounded queue or
/// drops and counts, and the connection's event loop writes the queue. Receiving is batched: the
/// event loops put each read's frames into one bounded inbound queue, and the node core takes
/// whole batches with ``receiveAvailable(maxFrames:)`` when ``setArrivalHandler(_:)`` tells it,
/// or waits in ``receive(maxFrames:)``. A frame thus crosses threads twice: from its sender to an
/// event loop, and from an event loop to its receiver.
public final class Transport: Sendable {
    /// This node's id, as in its certificate.
    public let localNodeID: UInt64
    /// The port the listener is bound to; the real one when the configuration asked for 0.
    public let listeningPort: Int
    /// What happens to connections, newest ``TransportLimits/eventsBufferedMax`` kept for a slow
    /// reader. For one reader (logs, metrics or a test); counters hold the totals regardless.
    public let events: AsyncStream<TransportEvent>

    let context: ConnectionContext
    private let listener: NIOAsyncChannel<PendingConnection, Never>
    private let listenerTask: Task<Void, Never>
    private let isShutDown = NIOLockedValueBox(false)

    private init(
        context: ConnectionContext,
        listener: NIOAsyncChannel<PendingConnection, Never>,
        events: AsyncStream<TransportEvent>
    ) {
        self.localNodeID = context.localNodeID
        self.listeningPort = listener.channel.localAddress?.port ?? 0
        self.events = events
        self.context = context
        self.listener = listener
        self.listenerTask = Task { await context.runListener(listener) }
    }

    /// Checks the configuration, starts the event loops, binds the listener and starts dialling
    /// every peer.
    /// - Parameters:
    ///   - configuration: node id, listening address, peers and limits.
    ///   - credentials: this node's certificate and key and the cluster CA.
    ///   - logger: where connection events and refusals are logged.
    /// - Returns: a running transport; call ``shutdown()`` to stop it.
    public static func start(
        configuration: TransportConfiguration,
        credentials: NodeCredentials,
        logger: Logger
    ) async throws(TransportError) -> Transport {
        try configuration.validate()
        guard credentials.nodeID == configuration.localNodeID else {
            throw .credentialsNodeIDMismatch(configured: configuration.localNodeID, certificate: credentials.nodeID)
        }
        let tls = try TLSContexts(credentials)
        let (events, continuation) = AsyncStream.makeStream(
            of: TransportEvent.self,
            bufferingPolicy: .bufferingNewest(TransportLimits.eventsBufferedMax)
        )
        let limits = configuration.limits
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreadCount)
        let context = ConnectionContext(
            localNodeID: configuration.localNodeID,
            group: group,
            limits: limits,
            tls: tls,
            observer: TransportObserver(logger: logger, continuation: continuation),
            inbound: InboundQueue(framesMax: limits.inboundQueueFramesMax, bytesMax: limits.inboundQueueBytesMax),
            inboundConnections: InboundConnections(pendingMax: limits.pendingHandshakesMax),
            peers: PeerDirectory()
        )
        let listener: NIOAsyncChannel<PendingConnection, Never>
        do {
            listener = try await context.bindListener(host: configuration.listenHost, port: configuration.listenPort)
        } catch {
            try? await group.shutdownGracefully()
            throw .bindFailed(
                host: configuration.listenHost,
                port: configuration.listenPort,
                detail: String(describing: error)
            )
        }
        let transport = Transport(context: context, listener: listener, events: events)
        transport.applyPeers(configuration.peers)
        logger.info(
            "transport started",
            metadata: [
                "node": "\(configuration.localNodeID)",
                "listen": "\(configuration.listenHost):\(transport.listeningPort)",
                "peers": "\(configuration.peers.count)",
            ]
        )
        return transport
    }

    /// Queues a frame for a peer without waiting.
    ///
    /// The frame is written with the next batch on the peer's single outbound connection; frames
    /// to one peer arrive in the order they were queued. When it cannot be queued it is dropped
    /// and counted, and the result says why; Raft retransmits what it still needs.
    /// - Parameters:
    ///   - frame: the payload, at most ``FrameFormat/frameSizeBytesMax`` bytes.
    ///   - nodeID: the peer's node id.
    public func send(_ frame: ByteBuffer, to nodeID: UInt64) -> SendResult {
        guard let link = context.peers.link(for: nodeID) else {
            context.observer.droppedUnknownPeer(nodeID)
            return .droppedUnknownPeer
        }
        return link.enqueue(frame)
    }

    /// Queues a frame for a peer without waiting; see ``send(_:to:)-(ByteBuffer,_)``.
    /// - Parameters:
    ///   - frame: the payload, at most ``FrameFormat/frameSizeBytesMax`` bytes.
    ///   - nodeID: the peer's node id.
    public func send(_ frame: [UInt8], to nodeID: UInt64) -> SendResult {
        send(context.allocator.buffer(bytes: frame), to: nodeID)
    }

    /// Waits until at least one frame has arrived, then takes up to `maxFrames` of them, oldest
    /// first (in order per sending peer). Returns an empty array once the transport is shut down
    /// or the waiting task is cancelled. Only one task may wait at a time.
    /// - Parameter maxFrames: the most frames to return, at least 1.
    public func receive(maxFrames: Int) async -> [InboundFrame] {
        await context.inbound.receive(maxFrames: maxFrames)
    }

    /// Sets what to call, on an event loop thread, every time frames arrive; the receiver then
    /// takes them with ``receiveAvailable(maxFrames:)``. It must return quickly and never wait.
    public func setArrivalHandler(_ handler: @escaping @Sendable () -> Void) {
        context.inbound.setArrivalHandler(handler)
    }

    /// Takes up to `maxFrames` frames that have already arrived, without waiting.
    /// - Parameter maxFrames: the most frames to return, at least 1.
    public func receiveAvailable(maxFrames: Int) -> [InboundFrame] {
        context.inbound.receiveAvailable(maxFrames: maxFrames)
    }

    /// Presents `credentials` (this node's renewed certificate) on every connection accepted or
    /// dialled from now on. Connections already made keep going with the certificate they were
    /// made with: TLS checks a certificate only when a connection is made, and the old one stays
    /// valid until its end date. Credentials of another node are refused and change nothing.
    public func renewCredentials(_ credentials: NodeCredentials) throws(TransportError) {
        guard credentials.nodeID == localNodeID else {
            throw .credentialsNodeIDMismatch(configured: localNodeID, certificate: credentials.nodeID)
        }
        try context.tls.take(credentials)
    }

    /// Replaces the peer list of a running transport (a region joining, a node replaced).
    ///
    /// New peers are dialled; removed peers are disconnected in both directions and their queued
    /// frames dropped; a peer whose address changed is redialled at the new address.
    /// - Parameter peers: the complete new peer list; must not contain this node.
    public func updatePeers(_ peers: [UInt64: PeerAddress]) throws(TransportError) {
        try TransportConfiguration.validatePeers(peers, localNodeID: localNodeID)
        applyPeers(peers)
    }

    private func applyPeers(_ peers: [UInt64: PeerAddress]) {
        let context = self.context
        let replaced = context.peers.update(to: peers) { nodeID, address in
            let link = PeerLink(nodeID: nodeID, address: address, limits: context.limits)
            return PeerDirectory.Entry(link: link, dialer: Task { await context.runDialer(for: link) })
        }
        for entry in replaced {
            entry.link.close()
            entry.dialer.cancel()
            if peers[entry.link.nodeID] == nil {
                context.inboundConnections.connection(from: entry.link.nodeID)?.close(promise: nil)
            }
        }
    }

    /// A snapshot of every counter, for metrics.
    public func counters() -> TransportCounters {
        var snapshot = TransportCounters()
        for link in context.peers.links {
            snapshot.peers[link.nodeID] = link.counters
        }
        context.inbound.fill(&snapshot)
        context.observer.fill(&snapshot)
        return snapshot
    }

    /// Stops listening, closes every connection, wakes any waiting receiver with an empty batch,
    /// waits for all connection tasks to end, and shuts the event loops down. Safe to call twice.
    public func shutdown() async {
        let wasShutDown = isShutDown.withLockedValue { isShutDown in
            defer { isShutDown = true }
            return isShutDown
        }
        guard !wasShutDown else { return }
        let entries = context.peers.shutDown()
        for entry in entries {
            entry.link.close()
            entry.dialer.cancel()
        }
        context.inbound.finish()
        listener.channel.close(promise: nil)
        for channel in context.inboundConnections.shutDown() {
            channel.close(promise: nil)
        }
        await listenerTask.value
        for entry in entries {
            await entry.dialer.value
        }
        context.observer.finishEvents()
        try? await context.group.shutdownGracefully()
        context.observer.logger.info("transport shut down", metadata: ["node": "\(localNodeID)"])
    }
}
