/// Where in the replicated log an entry was applied: stored for provenance only. It never
/// decides a number, an order or a hash input other than the stored record itself.
public struct Provenance: Hashable, Sendable, Codable {
    /// The Raft log index of the entry.
    public var logIndex: UInt64
    /// The Raft term of the entry.
    public var logTerm: UInt64

    /// Creates a provenance record.
    public init(logIndex: UInt64, logTerm: UInt64) {
        self.logIndex = logIndex
        self.logTerm = logTerm
    }
}

extension Provenance: CanonicalCodable {
    /// Writes index then term.
    public func encode(to writer: inout ByteWriter) {
        writer.write(logIndex)
        writer.write(logTerm)
    }

    /// Reads index then term.
    public init(from reader: inout ByteReader) throws(CodecError) {
        logIndex = try reader.readUInt64()
        logTerm = try reader.readUInt64()
    }
}
