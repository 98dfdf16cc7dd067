/// A stored record that cannot be read back, or state that contradicts itself. Thrown from
/// apply and from queries: the node stops applying and repairs the shard from a peer.
public enum RegistryStateError: Error, Equatable, Sendable {
    /// The value under `key` does not decode as the record its key promises.
    case corruptRecord(key: [UInt8], error: CodecError)
    /// The state contradicts an invariant (for example, the next live number is already taken).
    case inconsistentState(String)

    /// A stable code for logs.
    public var code: String {
        switch self {
        case .corruptRecord: "registry.state.corrupt_record"
        case .inconsistentState: "registry.state.inconsistent"
        }
    }
}
