import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The accepting side: peers dial in, authenticate, and send frames that go to the inbound queue.
extension ConnectionContext {
    /// Pending TCP connections the kernel keeps before they are accepted, 256.
    ///
    /// Why: every peer may reconnect at once after this node restarts; a few dozen peers times a
    /// retry fit with room to spare.
    static let listenBacklog: Int32 = 256

    /// Binds the listening socket; connections are served by ``runListener(_:)``.
    func bindListener(host: String, port: Int) async throws -> NIOAsyncChannel<PendingConnection, Never> {
        let context = self
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Self.listenBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        return try await DeadPeerDetection.configure(bootstrap, limits: limits)
            .bind(host: host, port: port) { channel in
                let pending = channel.eventLoop.makeCompletedFuture {
                    try context.admit(channel)
                }
                // A failed initializer leaves the accepted socket to its creator: close it here.
                pending.whenFailure { _ in channel.close(promise: nil) }
                return pending
            }
    }

    private func admit(_ channel: Channel) throws -> PendingConnection {
        switch inboundConnections.admit(channel) {
        case .admitted:
            break
        case .refusedTooManyPending:
            observer.handshakeFailed(
                peer: nil,
                direction: .inbound,
                reason: .tooManyPendingHandshakes,
                detail: "\(limits.pendingHandshakesMax) handshakes already in progress"
            )
            throw TransportError.handshakeFailed(.tooManyPendingHandshakes)
        case .refusedShutDown:
            throw TransportError.shutDown
        }
        let connections = inboundConnections
        channel.closeFuture.whenComplete { _ in connections.remove(channel) }
        let peers = self.peers
        let pending = try configurePipeline(
            of: channel,
            tls: NIOSSLServerHandler(context: tls.server),
            role: .acceptor(isPeer: { peers.contains($0) }),
            last: InboundDelivery(queue: inbound)
        )
        pending.authenticated.whenComplete { _ in connections.handshakeEnded(channel) }
        return pending
    }

    /// Serves every accepted connection until the listening channel closes.
    func runListener(_ listener: NIOAsyncChannel<PendingConnection, Never>) async {
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask {
                            await serve(connection)
                        }
                    }
                }
            }
        } catch {
            observer.logger.error("listener stopped", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for the connection to authenticate, then until it closes; its frames go to the
    /// inbound queue from its event loop (``InboundDelivery``). Refusals were already reported
    /// by the authenticator.
    private func serve(_ connection: PendingConnection) async {
        let channel = connection.channel
        do {
            let peer = try await connection.authenticated.get()
            inboundConnections.authenticated(channel, peer: peer)?.close(promise: nil)
            observer.connected(peer: peer, direction: .inbound)
            try? await channel.closeFuture.get()
            observer.disconnected(peer: peer, direction: .inbound)
        } catch {
            // The authenticator has reported why (a refusal, a timeout, a close).
            observer.logger.debug("inbound connection not authenticated", metadata: ["error": "\(error)"])
        }
        channel.close(promise: nil)
    }
}
