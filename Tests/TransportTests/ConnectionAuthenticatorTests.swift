import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
@testable import Transport

/// The authenticator's own decisions that need no TLS peer; the full handshake is exercised on
/// real sockets in TransportRefusalTests.
@Suite struct ConnectionAuthenticatorTests {
    static func channel(timeout: TimeAmount) async throws -> (EmbeddedChannel, EventLoopFuture<UInt64>, TransportObserver) {
        let (_, continuation) = AsyncStream.makeStream(of: TransportEvent.self)
        let observer = TransportObserver(logger: TestNodes.logger, continuation: continuation)
        let channel = EmbeddedChannel()
        let authenticated = channel.eventLoop.makePromise(of: UInt64.self)
        try channel.pipeline.syncOperations.addHandler(
            ConnectionAuthenticator(
                localNodeID: 1,
                role: .dialer(expectedPeer: 2),
                timeout: timeout,
                observer: observer,
                authenticated: authenticated
            )
        )
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        return (channel, authenticated.futureResult, observer)
    }

    @Test func aConnectionNotAuthenticatedInTimeIsClosed() async throws {
        let (channel, authenticated, observer) = try await Self.channel(timeout: .seconds(5))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive, "still within the handshake timeout")
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        await #expect(throws: TransportError.handshakeFailed(.timeout)) { try await authenticated.get() }
        var counters = TransportCounters()
        observer.fill(&counters)
        #expect(counters.handshakeFailures == [.timeout: 1])
    }

    @Test func aPeerClosingDuringTheHandshakeFailsItOnce() async throws {
        let (channel, authenticated, observer) = try await Self.channel(timeout: .seconds(5))
        try await channel.close().get()
        await #expect(throws: TransportError.handshakeFailed(.closedDuringHandshake)) { try await authenticated.get() }
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        var counters = TransportCounters()
        observer.fill(&counters)
        #expect(counters.handshakeFailures == [.closedDuringHandshake: 1], "the cancelled timeout adds nothing")
    }

    @Test func errorsAreClassifiedByTheirSource() {
        #expect(ConnectionAuthenticator.handshakeFailure(for: FrameTooLargeError(lengthBytes: 1, frameSizeBytesMax: 0)) == .malformedHello)
        #expect(ConnectionAuthenticator.handshakeFailure(for: NIOSSLError.handshakeFailed(.sslError([]))) == .tlsFailure)
        #expect(ConnectionAuthenticator.handshakeFailure(for: IOError(errnoCode: 104, reason: "read")) == .closedDuringHandshake)
    }
}
