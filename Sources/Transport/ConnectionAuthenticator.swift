import NIOCore
import NIOSSL
import NIOTLS

/// Decides whether a connection may carry frames, and closes it with a logged reason if not.
///
/// Sits after the TLS handler and the frame decoder. After the TLS handshake (which already
/// proved that the peer holds a key certified by the cluster CA) it reads the node id from the
/// peer's certificate, then exchanges hellos:
///
/// 1. the dialer checks that the certificate is for the node it dialled, and sends its hello;
/// 2. the acceptor checks that the hello claims the certificate's node id and that this node is
///    in its peer list, then answers with its own hello;
/// 3. the dialer checks that the answer claims the certificate's node id.
///
/// Only then is `authenticated` succeeded with the peer's node id. Until then no frame passes;
/// after a refusal none ever does. On an accepted connection later frames are passed on; a dialer
/// expects nothing after the hello, so any frame there is a protocol violation that closes it.
/// Errors after authentication (an oversize frame, a TLS failure) close the connection too.
final class ConnectionAuthenticator: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Role {
        case dialer(expectedPeer: UInt64)
        case acceptor(isPeer: @Sendable (UInt64) -> Bool)
    }

    private enum State {
        case awaitingTLS
        case awaitingHello(certificateNodeID: UInt64)
        case authenticated(peer: UInt64)
        case refused
    }

    private let localNodeID: UInt64
    private let role: Role
    private let timeout: TimeAmount
    private let observer: TransportObserver
    private let authenticated: EventLoopPromise<UInt64>
    private var state = State.awaitingTLS
    private var timeoutTask: Scheduled<Void>?

    /// - Parameters:
    ///   - localNodeID: this node's id, sent in its hello.
    ///   - role: dialer (with the peer it dialled) or acceptor (with the peer list check).
    ///   - timeout: time allowed from now until authentication.
    ///   - observer: where refusals and errors are reported.
    ///   - authenticated: succeeded with the peer's node id, or failed with ``TransportError/handshakeFailed(_:)``.
    init(
        localNodeID: UInt64,
        role: Role,
        timeout: TimeAmount,
        observer: TransportObserver,
        authenticated: EventLoopPromise<UInt64>
    ) {
        self.localNodeID = localNodeID
        self.role = role
        self.timeout = timeout
        self.observer = observer
        self.authenticated = authenticated
    }

    private var direction: ConnectionDirection {
        switch role {
        case .dialer: .outbound
        case .acceptor: .inbound
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let timeout = self.timeout
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            refuse(context: context, .timeout, detail: "not authenticated within \(timeout.nanoseconds / 1_000_000) ms")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeoutTask?.cancel()
        timeoutTask = nil
        // The promise must always complete; removal before authentication is a closed connection.
        switch state {
        case .awaitingTLS, .awaitingHello:
            state = .refused
            authenticated.fail(TransportError.handshakeFailed(.closedDuringHandshake))
        case .authenticated, .refused:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            tlsHandshakeCompleted(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .awaitingTLS:
            // The TLS handler delivers no application data before its handshake completes.
            refuse(context: context, .malformedHello, detail: "data before the TLS handshake completed")
        case .awaitingHello(let certificateNodeID):
            receiveHello(context: context, frame: unwrapInboundIn(data), certificateNodeID: certificateNodeID)
        case .authenticated(let peer):
            switch role {
            case .acceptor:
                context.fireChannelRead(data)
            case .dialer:
                observer.connectionError(peer: peer, direction: direction, detail: "the accepting node sent a frame after its hello")
                context.close(promise: nil)
            }
        case .refused:
            // A refused connection's frames are never delivered.
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let peer: UInt64?
        switch (state, role) {
        case (.refused, _): return
        case (.authenticated(let authenticatedPeer), _): peer = authenticatedPeer
        case (_, .dialer(let expectedPeer)): peer = expectedPeer
        case (.awaitingHello(let certificateNodeID), .acceptor): peer = certificateNodeID
        case (.awaitingTLS, .acceptor): peer = nil
        }
        if let tooLarge = error as? FrameTooLargeError {
            observer.frameTooLarge(peer: peer, direction: direction, lengthBytes: tooLarge.lengthBytes)
        }
        guard case .authenticated(let authenticatedPeer) = state else {
            refuse(context: context, Self.handshakeFailure(for: error), detail: String(describing: error))
            return
        }
        observer.connectionError(peer: authenticatedPeer, direction: direction, detail: String(describing: error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .awaitingTLS, .awaitingHello:
            refuse(context: context, .closedDuringHandshake, detail: "the peer closed the connection")
        case .authenticated, .refused:
            break
        }
        context.fireChannelInactive()
    }

    /// An oversize length where the hello should be is a malformed hello; an error of the TLS
    /// library is a TLS failure; anything else (a reset, a broken pipe) is the peer going away.
    static func handshakeFailure(for error: Error) -> HandshakeFailure {
        switch error {
        case is FrameTooLargeError: .malformedHello
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError: .tlsFailure
        default: .closedDuringHandshake
        }
    }

    private func tlsHandshakeCompleted(context: ChannelHandlerContext) {
        guard case .awaitingTLS = state else { return }
        let certificate: NIOSSLCertificate?
        do {
            certificate = try context.pipeline.syncOperations.nioSSL_peerCertificate()
        } catch {
            refuse(context: context, .tlsFailure, detail: "no TLS handler: \(error)")
            return
        }
        guard let certificate else {
            // Unreachable with certificate verification on; refused rather than trusted if it happens.
            refuse(context: context, .tlsFailure, detail: "the peer presented no certificate")
            return
        }
        let certificateNodeID: UInt64
        do {
            certificateNodeID = try NodeCertificateName.nodeID(of: .init(derEncoded: certificate.toDERBytes()))
        } catch {
            refuse(context: context, .certificateWithoutNodeID, detail: String(describing: error))
            return
        }
        state = .awaitingHello(certificateNodeID: certificateNodeID)
        if case .dialer(let expectedPeer) = role {
            guard certificateNodeID == expectedPeer else {
                refuse(
                    context: context,
                    .certificateNodeIDMismatch,
                    detail: "dialled node \(expectedPeer), its certificate is for node \(certificateNodeID)"
                )
                return
            }
            sendHello(context: context)
        }
    }

    private func receiveHello(context: ChannelHandlerContext, frame: ByteBuffer, certificateNodeID: UInt64) {
        let hello: Hello
        switch Hello.parse(frame) {
        case .success(let parsed):
            hello = parsed
        case .failure(let reason):
            refuse(context: context, reason, detail: "first frame of \(frame.readableBytes) bytes is not a hello")
            return
        }
        guard hello.nodeID == certificateNodeID else {
            refuse(
                context: context,
                .helloNodeIDMismatch,
                detail: "certificate is for node \(certificateNodeID), hello claims node \(hello.nodeID)"
            )
            return
        }
        if case .acceptor(let isPeer) = role {
            guard hello.nodeID != localNodeID, isPeer(hello.nodeID) else {
                refuse(context: context, .unknownPeer, detail: "node \(hello.nodeID) is not in the peer list")
                return
            }
            sendHello(context: context)
        }
        state = .authenticated(peer: hello.nodeID)
        timeoutTask?.cancel()
        timeoutTask = nil
        authenticated.succeed(hello.nodeID)
        context.fireUserInboundEventTriggered(PeerAuthenticated(peer: hello.nodeID))
    }

    private func sendHello(context: ChannelHandlerContext) {
        let frame = Hello(nodeID: localNodeID).encodedFrame(allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    private func refuse(context: ChannelHandlerContext, _ reason: HandshakeFailure, detail: String) {
        let peer: UInt64?
        switch (state, role) {
        case (.refused, _), (.authenticated, _):
            return
        case (_, .dialer(let expectedPeer)):
            peer = expectedPeer
        case (.awaitingHello(let certificateNodeID), .acceptor):
            peer = certificateNodeID
        case (.awaitingTLS, .acceptor):
            peer = nil
        }
        state = .refused
        timeoutTask?.cancel()
        timeoutTask = nil
        observer.handshakeFailed(peer: peer, direction: direction, reason: reason, detail: detail)
        authenticated.fail(TransportError.handshakeFailed(reason))
        context.close(promise: nil)
    }
}
