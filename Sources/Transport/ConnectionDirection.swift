/// Which side of a connection this node is.
public enum ConnectionDirection: String, Sendable, Hashable {
    /// This node dialled the peer and sends frames on this connection.
    case outbound
    /// The peer dialled this node and sends frames on this connection.
    case inbound
}
