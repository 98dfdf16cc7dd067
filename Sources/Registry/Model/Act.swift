/// A signed act as stored: never changed once written (mentions are stored beside it).
public struct Act: Hashable, Sendable, Codable {
    /// The act's identity (register and number).
    public var id: ActID
    /// The civil digital identifier assigned by a birth act.
    public var civilDigitalID: CivilDigitalID?
    /// The content.
    public var content: ActContent
    /// When the act was drawn up (live) or keyed in (imported), set by the proposing node.
    public var recordedAt: Timestamp
    /// The officer who signed it.
    public var officer: OfficerRef
    /// The request that created it.
    public var requestID: RequestID
    /// Live or imported.
    public var origin: ActOrigin
    /// The log entry that applied it.
    public var provenance: Provenance

    /// Creates an act record.
    public init(id: ActID, civilDigitalID: CivilDigitalID?, content: ActContent, recordedAt: Timestamp,
                officer: OfficerRef, requestID: RequestID, origin: ActOrigin, provenance: Provenance) {
        self.id = id
        self.civilDigitalID = civilDigitalID
        self.content = content
        self.recordedAt = recordedAt
        self.officer = officer
        self.requestID = requestID
        self.origin = origin
        self.provenance = provenance
    }

    /// The version byte that starts a stored act.
    public static let formatVersion: UInt8 = 1
}

extension Act: CanonicalCodable {
    /// Writes the format version then every field, in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        id.encode(to: &writer)
        writer.writeOptional(civilDigitalID) { $1.encode(to: &$0) }
        content.encode(to: &writer)
        recordedAt.encode(to: &writer)
        officer.encode(to: &writer)
        requestID.encode(to: &writer)
        origin.encode(to: &writer)
        provenance.encode(to: &writer)
    }

    /// Reads a stored act.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        id = try ActID(from: &reader)
        civilDigitalID = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
        content = try ActContent(from: &reader)
        recordedAt = try Timestamp(from: &reader)
        officer = try OfficerRef(from: &reader)
        requestID = try RequestID(from: &reader)
        origin = try ActOrigin(from: &reader)
        provenance = try Provenance(from: &reader)
    }
}
