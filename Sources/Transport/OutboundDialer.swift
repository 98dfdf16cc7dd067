import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// The dialing side: one task per peer keeps one outbound connection up; the peer's link writes
/// its queue into it.
extension ConnectionContext {
    /// Dials `link`'s peer, carries frames while connected, and redials with capped exponential
    /// backoff, until the link is closed or the task is cancelled.
    func runDialer(for link: PeerLink) async {
        var backoff = ReconnectBackoff(
            initialMs: limits.reconnectBackoffInitialMs,
            maxMs: limits.reconnectBackoffMaxMs
        )
        // Jitter only spreads reconnects in time; it decides nothing, so the system source is fine.
        var generator = SystemRandomNumberGenerator()
        var isFirstDial = true
        while !Task.isCancelled, !link.isClosed {
            if !isFirstDial {
                link.recordReconnectAttempt()
            }
            isFirstDial = false
            if await connectAndCarryFrames(link) {
                backoff.reset()
            }
            guard !Task.isCancelled, !link.isClosed else { break }
            let delayMs = backoff.nextDelayMs(using: &generator)
            do {
                try await Task.sleep(for: .milliseconds(delayMs))
            } catch {
                break
            }
        }
    }

    /// One connection's life; true when it was authenticated (whatever ended it). While it is
    /// up, the link writes its frames from the connection's event loop.
    private func connectAndCarryFrames(_ link: PeerLink) async -> Bool {
        let pending: PendingConnection
        do {
            pending = try await dial(link)
        } catch {
            observer.logger.debug(
                "dial failed",
                metadata: ["peer": "\(link.nodeID)", "address": "\(link.address.host):\(link.address.port)", "error": "\(error)"]
            )
            return false
        }
        var wasConnected = false
        do {
            let peer = try await pending.authenticated.get()
            precondition(peer == link.nodeID, "the authenticator accepts only the node dialled")
            if link.markConnected() {
                wasConnected = true
                observer.connected(peer: peer, direction: .outbound)
                // The accepting side sends nothing after its hello, so this waits for the close,
                // which is how a dead peer is noticed (or the link closing it).
                try? await pending.channel.closeFuture.get()
                link.markDisconnected()
                observer.disconnected(peer: peer, direction: .outbound)
            }
        } catch {
            // The authenticator has reported why (a refusal, a timeout, a close).
            observer.logger.debug("outbound connection not authenticated", metadata: ["peer": "\(link.nodeID)", "error": "\(error)"])
        }
        pending.channel.close(promise: nil)
        return wasConnected
    }

    private func dial(_ link: PeerLink) async throws -> PendingConnection {
        let host = link.address.host
        // SNI and host name matching take DNS names; an IP literal is matched against the IP
        // address entries of the certificate by the TLS library when no name is given.
        let serverHostname: String? = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        let context = self
        let bootstrap = ClientBootstrap(group: group).connectTimeout(.milliseconds(limits.connectTimeoutMs))
        return try await DeadPeerDetection.configure(bootstrap, limits: limits)
            .connect(host: host, port: link.address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard link.attach(channel) else { throw TransportError.shutDown }
                    channel.closeFuture.whenComplete { _ in link.detach(channel) }
                    return try context.configurePipeline(
                        of: channel,
                        tls: NIOSSLClientHandler(context: context.tls.client, serverHostname: serverHostname),
                        role: .dialer(expectedPeer: link.nodeID),
                        last: OutboundWritability(link: link)
                    )
                }
            }
    }
}
