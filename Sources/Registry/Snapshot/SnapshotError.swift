/// A snapshot stream that cannot be written or restored.
public enum SnapshotError: Error, Equatable, Sendable {
    /// The chunk's checksum does not match its bytes.
    case checksumMismatch
    /// The chunk does not parse.
    case malformed(String)
    /// The chunk's layout version is unknown.
    case unsupportedVersion(UInt8)
    /// The chunk is not the next one expected.
    case outOfOrder(expected: UInt64, received: UInt64)
    /// Keys do not ascend strictly across the stream, or fall outside the state's key space.
    case keysOutOfOrder
    /// The final chunk's digest is not the digest of the pairs received.
    case digestMismatch
    /// A chunk arrived after the final one.
    case streamAlreadyComplete
    /// A stored pair is larger than the snapshot limits.
    case pairTooLarge(keyBytes: Int, valueBytes: Int)

    /// A stable code for logs.
    public var code: String {
        switch self {
        case .checksumMismatch: "snapshot.checksum_mismatch"
        case .malformed: "snapshot.malformed"
        case .unsupportedVersion: "snapshot.unsupported_version"
        case .outOfOrder: "snapshot.out_of_order"
        case .keysOutOfOrder: "snapshot.keys_out_of_order"
        case .digestMismatch: "snapshot.digest_mismatch"
        case .streamAlreadyComplete: "snapshot.stream_already_complete"
        case .pairTooLarge: "snapshot.pair_too_large"
        }
    }
}
