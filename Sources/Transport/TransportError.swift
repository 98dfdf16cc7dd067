/// Why the transport could not start, or why a connection ended early.
public enum TransportError: Error, Equatable, Sendable {
    /// A configuration value is unusable; `field` names it, `reason` says why.
    case invalidConfiguration(field: String, reason: String)
    /// The node certificate is for another node than the configured local node id.
    case credentialsNodeIDMismatch(configured: UInt64, certificate: UInt64)
    /// Building the TLS context from the credentials failed.
    case tlsSetupFailed(detail: String)
    /// The listening socket could not be bound.
    case bindFailed(host: String, port: Int, detail: String)
    /// A connection was refused during its handshake.
    case handshakeFailed(HandshakeFailure)
    /// The transport is shutting down or has shut down.
    case shutDown

    /// A stable, machine-readable identifier of the error kind.
    public var code: String {
        switch self {
        case .invalidConfiguration: "transport.invalid_configuration"
        case .credentialsNodeIDMismatch: "transport.credentials_node_id_mismatch"
        case .tlsSetupFailed: "transport.tls_setup_failed"
        case .bindFailed: "transport.bind_failed"
        case .handshakeFailed: "transport.handshake_failed"
        case .shutDown: "transport.shut_down"
        }
    }
}

extension TransportError: CustomStringConvertible {
    /// An English sentence for operators, prefixed with the stable code.
    public var description: String {
        let message: String
        switch self {
        case .invalidConfiguration(let field, let reason):
            message = "\(field): \(reason)"
        case .credentialsNodeIDMismatch(let configured, let certificate):
            message = "configured as node \(configured) but the certificate is for node \(certificate)"
        case .tlsSetupFailed(let detail):
            message = "TLS setup failed: \(detail)"
        case .bindFailed(let host, let port, let detail):
            message = "cannot listen on \(host):\(port): \(detail)"
        case .handshakeFailed(let reason):
            message = "handshake refused: \(reason.rawValue)"
        case .shutDown:
            message = "the transport is shut down"
        }
        return "\(code): \(message)"
    }
}
