#if os(Linux)
import Glibc
import NIOCore
import Testing
@testable import Transport

/// The kernel settings that end connections to vanished peers are really on the sockets.
@Suite(.serialized) struct DeadPeerDetectionTests {
    @Test func connectionsCarryKeepaliveAndTheUnacknowledgedDataTimeout() async throws {
        let pki = try TestPKI()
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki)
        let inbound = try #require(nodes[1]!.transport.context.inboundConnections.connection(from: 2))
        func option(_ level: NIOBSDSocket.OptionLevel, _ name: CInt) async throws -> SocketOptionValue {
            try await inbound.getOption(ChannelOptions.Types.SocketOption(level: level, name: .init(rawValue: name))).get()
        }
        #expect(try await option(.socket, SO_KEEPALIVE) != 0)
        #expect(try await option(.tcp, CInt(TCP_KEEPIDLE)) == DeadPeerDetection.keepaliveIdleSeconds)
        #expect(try await option(.tcp, CInt(TCP_KEEPINTVL)) == DeadPeerDetection.keepaliveIntervalSeconds)
        #expect(try await option(.tcp, CInt(TCP_KEEPCNT)) == DeadPeerDetection.keepaliveProbeCount)
        #expect(try await option(.tcp, CInt(TCP_USER_TIMEOUT)) == SocketOptionValue(TransportLimits.unacknowledgedTimeoutMsDefault))
        await TestNodes.shutdown(nodes.values)
    }
}
#endif
