import NIOCore
import NIOPosix
import NIOSSL

/// What every connection of one transport shares: identity, limits, TLS contexts, queues and
/// the places where it reports. Both the dialers and the listener are written against it.
struct ConnectionContext: Sendable {
    let localNodeID: UInt64
    let group: MultiThreadedEventLoopGroup
    let limits: TransportLimits
    let tls: TLSContexts
    let observer: TransportObserver
    let inbound: InboundQueue
    let inboundConnections: InboundConnections
    let peers: PeerDirectory
    let allocator = ByteBufferAllocator()

    /// Adds TLS, framing and authentication to a new channel, then `last`: the handler that
    /// carries frames once the connection is authenticated (``InboundDelivery`` on an accepted
    /// connection, ``OutboundWritability`` on a dialled one). Runs on the channel's event loop,
    /// inside a bootstrap's channel initializer.
    func configurePipeline(
        of channel: Channel,
        tls: NIOSSLHandler,
        role: ConnectionAuthenticator.Role,
        last: ChannelHandler
    ) throws -> PendingConnection {
        let authenticated = channel.eventLoop.makePromise(of: UInt64.self)
        do {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(tls)
            try pipeline.addHandler(ByteToMessageHandler(FrameDecoder()))
            try pipeline.addHandler(
                ConnectionAuthenticator(
                    localNodeID: localNodeID,
                    role: role,
                    timeout: .milliseconds(limits.handshakeTimeoutMs),
                    observer: observer,
                    authenticated: authenticated
                )
            )
            try pipeline.addHandler(last)
        } catch {
            // Completing twice is a no-op, so this is safe if the authenticator failed it already.
            authenticated.fail(error)
            throw error
        }
        return PendingConnection(channel: channel, authenticated: authenticated.futureResult)
    }
}
