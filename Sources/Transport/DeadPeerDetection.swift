import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// TCP settings that notice a peer that vanished without closing its connection (power loss,
/// a cut link, a partition): without them the kernel keeps such a connection for about
/// 15 minutes of retransmissions, and every frame queued on it in that time is lost.
///
/// The dialing side always has data in flight to a live leader's followers, so the limit on
/// unacknowledged data ends its dead connections; the accepting side only reads, so keepalive
/// probes end its dead connections. Linux only: the production platform. Elsewhere only
/// `SO_KEEPALIVE` with the system's timings applies.
enum DeadPeerDetection {
    /// Seconds a connection may be idle before the first keepalive probe, 5.
    static let keepaliveIdleSeconds: SocketOptionValue = 5
    /// Seconds between keepalive probes, 5.
    static let keepaliveIntervalSeconds: SocketOptionValue = 5
    /// Unanswered probes before the connection is dropped, 3: a silent peer is dropped after
    /// about 20 seconds.
    static let keepaliveProbeCount: SocketOptionValue = 3
    /// The socket options to set on every node-to-node connection, in both directions; the
    /// limit on unacknowledged data is `limits.unacknowledgedTimeoutMs` (validated to fit).
    static func socketOptions(_ limits: TransportLimits) -> [(ChannelOptions.Types.SocketOption, SocketOptionValue)] {
        var options: [(ChannelOptions.Types.SocketOption, SocketOptionValue)] = [
            (.init(level: .socket, name: .so_keepalive), 1),
            (.init(level: .tcp, name: .tcp_nodelay), 1),
        ]
        #if os(Linux)
        options += [
            (.init(level: .tcp, name: .init(rawValue: CInt(TCP_KEEPIDLE))), keepaliveIdleSeconds),
            (.init(level: .tcp, name: .init(rawValue: CInt(TCP_KEEPINTVL))), keepaliveIntervalSeconds),
            (.init(level: .tcp, name: .init(rawValue: CInt(TCP_KEEPCNT))), keepaliveProbeCount),
            (.init(level: .tcp, name: .init(rawValue: CInt(TCP_USER_TIMEOUT))), SocketOptionValue(limits.unacknowledgedTimeoutMs)),
        ]
        #endif
        return options
    }

    static func configure(_ bootstrap: ClientBootstrap, limits: TransportLimits) -> ClientBootstrap {
        socketOptions(limits).reduce(bootstrap) { bootstrap, option in
            bootstrap.channelOption(option.0, value: option.1)
        }
    }

    static func configure(_ bootstrap: ServerBootstrap, limits: TransportLimits) -> ServerBootstrap {
        socketOptions(limits).reduce(bootstrap) { bootstrap, option in
            bootstrap.childChannelOption(option.0, value: option.1)
        }
    }
}
