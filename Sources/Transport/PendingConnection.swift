import NIOCore

/// A connection whose pipeline is set up, and the future of its authentication: the peer's
/// node id, or a failure once the authenticator refused or the connection closed.
struct PendingConnection: Sendable {
    let channel: Channel
    let authenticated: EventLoopFuture<UInt64>
}
