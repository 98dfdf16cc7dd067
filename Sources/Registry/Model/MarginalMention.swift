/// A marginal mention as stored, appended after the act and never changed.
public struct MarginalMention: Hashable, Sendable, Codable {
    /// The act the mention is written on.
    public var target: ActID
    /// The mention's position on the act, from 1, consecutive.
    public var sequence: UInt32
    /// What the mention says.
    public var body: MentionBody
    /// When it was recorded.
    public var recordedAt: Timestamp
    /// The officer who recorded it.
    public var officer: OfficerRef
    /// The request that created it.
    public var requestID: RequestID
    /// The log entry that applied it.
    public var provenance: Provenance

    /// Creates a mention record.
    public init(target: ActID, sequence: UInt32, body: MentionBody, recordedAt: Timestamp, officer: OfficerRef,
                requestID: RequestID, provenance: Provenance) {
        self.target = target
        self.sequence = sequence
        self.body = body
        self.recordedAt = recordedAt
        self.officer = officer
        self.requestID = requestID
        self.provenance = provenance
    }

    /// The version byte that starts a stored mention.
    public static let formatVersion: UInt8 = 1
}

extension MarginalMention: CanonicalCodable {
    /// Writes the format version then every field, in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        target.encode(to: &writer)
        writer.write(sequence)
        body.encode(to: &writer)
        recordedAt.encode(to: &writer)
        officer.encode(to: &writer)
        requestID.encode(to: &writer)
        provenance.encode(to: &writer)
    }

    /// Reads a stored mention.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        target = try ActID(from: &reader)
        sequence = try reader.readUInt32()
        body = try MentionBody(from: &reader)
        recordedAt = try Timestamp(from: &reader)
        officer = try OfficerRef(from: &reader)
        requestID = try RequestID(from: &reader)
        provenance = try Provenance(from: &reader)
    }
}
