/// Why a connection was refused before it carried a single frame.
///
/// The raw value is a stable code for logs and metrics labels.
public enum HandshakeFailure: String, Error, Sendable, Hashable, CaseIterable {
    /// The TLS handshake failed: no client certificate, a certificate from another CA, an expired
    /// certificate, a host name the certificate does not carry, or a TLS version other than 1.3.
    case tlsFailure = "tls_failure"
    /// The peer's certificate carries no node id (`CN=node-<id>`).
    case certificateWithoutNodeID = "certificate_without_node_id"
    /// The node that answered at a peer's address has a certificate for another node id.
    case certificateNodeIDMismatch = "certificate_node_id_mismatch"
    /// The first frame was not a well-formed hello.
    case malformedHello = "malformed_hello"
    /// The hello announced a protocol version this node does not speak.
    case unsupportedProtocolVersion = "unsupported_protocol_version"
    /// The hello claims a node id other than the one in the peer's certificate.
    case helloNodeIDMismatch = "hello_node_id_mismatch"
    /// The certificate and hello agree, but the node is not in this node's peer list.
    case unknownPeer = "unknown_peer"
    /// The handshake did not finish within ``TransportLimits/handshakeTimeoutMs``.
    case timeout = "timeout"
    /// The connection closed or was reset before the handshake finished, without a TLS error.
    case closedDuringHandshake = "closed_during_handshake"
    /// More connections than ``TransportLimits/pendingHandshakesMax`` were handshaking at once.
    case tooManyPendingHandshakes = "too_many_pending_handshakes"
}
