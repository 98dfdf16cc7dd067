import NIOConcurrencyHelpers
import NIOSSL

/// The TLS contexts a transport's new connections are made with: one for the connections it
/// accepts, one for those it dials. Renewing the node's certificate replaces both; a connection
/// already made keeps the certificate it was made with (TLS checks certificates only in the
/// handshake).
final class TLSContexts: Sendable {
    private let current: NIOLockedValueBox<(server: NIOSSLContext, client: NIOSSLContext)>

    /// The contexts for `credentials`.
    init(_ credentials: NodeCredentials) throws(TransportError) {
        current = NIOLockedValueBox(try Self.contexts(credentials))
    }

    /// For the connections accepted from now on.
    var server: NIOSSLContext { current.withLockedValue { $0.server } }
    /// For the connections dialled from now on.
    var client: NIOSSLContext { current.withLockedValue { $0.client } }

    /// Makes the next connections present `credentials`.
    func take(_ credentials: NodeCredentials) throws(TransportError) {
        let next = try Self.contexts(credentials)
        current.withLockedValue { $0 = next }
    }

    private static func contexts(_ credentials: NodeCredentials) throws(TransportError) -> (server: NIOSSLContext, client: NIOSSLContext) {
        do {
            return (try NIOSSLContext(configuration: credentials.tlsConfiguration(for: .inbound)),
                    try NIOSSLContext(configuration: credentials.tlsConfiguration(for: .outbound)))
        } catch {
            throw .tlsSetupFailed(detail: String(describing: error))
        }
    }
}
