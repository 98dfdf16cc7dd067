import Registry

/// Typed reads of the services' state. A stored record that does not decode is a damaged
/// state, never "absent": it throws `ServiceStateError`, and the node repairs the replica.
public enum ServiceStore {
    static func decode<T: CanonicalDecodable>(_ type: T.Type, _ bytes: [UInt8], key: [UInt8]) throws -> T {
        do { return try T.decode(canonical: bytes) } catch {
            throw ServiceStateError.undecodable(key: key, reason: error.code)
        }
    }

    /// The audit chain's state (empty: length 0, genesis head).
    public static func auditState(in reader: any KeyValueReader) throws -> AuditChainState {
        guard let bytes = try reader.get(ServiceKeys.auditState) else { return AuditChainState(length: 0, head: AuditChain.genesis) }
        return try decode(AuditChainState.self, bytes, key: ServiceKeys.auditState)
    }

    /// A declaration.
    public static func declaration(_ reference: ServiceReference, in reader: any KeyValueReader) throws -> PreliminaryDeclaration? {
        let key = ServiceKeys.declaration(reference)
        return try reader.get(key).map { try decode(PreliminaryDeclaration.self, $0, key: key) }
    }

    /// A copy request.
    public static func copyRequest(_ reference: ServiceReference, in reader: any KeyValueReader) throws -> CopyRequest? {
        let key = ServiceKeys.copyRequest(reference)
        return try reader.get(key).map { try decode(CopyRequest.self, $0, key: key) }
    }

    /// An office's activity counters.
    public static func activity(_ office: OfficeCode, in reader: any KeyValueReader) throws -> OfficeActivity {
        let key = ServiceKeys.officeActivity(office)
        return try reader.get(key).map { try decode(OfficeActivity.self, $0, key: key) } ?? OfficeActivity(office: office)
    }

    /// A counter stored as 8 big-endian bytes (0 when absent).
    static func counter(_ key: [UInt8], in reader: any KeyValueReader) throws -> UInt64 {
        guard let bytes = try reader.get(key) else { return 0 }
        guard bytes.count == 8 else { throw ServiceStateError.undecodable(key: key, reason: "counter of \(bytes.count) bytes") }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The services' state cannot be read: a damaged replica.
public enum ServiceStateError: Error, Equatable, Sendable {
    /// A stored record does not decode.
    case undecodable(key: [UInt8], reason: String)
}
