/// What an act records: a birth or a death.
public enum ActContent: Hashable, Sendable, Codable {
    /// A birth act.
    case birth(BirthDeclaration)
    /// A death act.
    case death(DeathDeclaration)

    /// Birth or death.
    public var kind: ActKind {
        switch self {
        case .birth: .birth
        case .death: .death
        }
    }

    /// The office that drew up the act.
    public var office: OfficeCode {
        switch self {
        case .birth(let b): b.office
        case .death(let d): d.office
        }
    }

    /// The date of the event (birth or death), Gregorian.
    public var eventDate: DualDate {
        switch self {
        case .birth(let b): b.birthDate
        case .death(let d): d.deathDate
        }
    }

    /// The person's date of birth, when the act states it.
    public var personBirthDate: GregorianDate? {
        switch self {
        case .birth(let b): b.birthDate.gregorian
        case .death(let d): d.birthDate
        }
    }
}

extension ActContent: CanonicalCodable {
    /// Writes the kind byte then the declaration.
    public func encode(to writer: inout ByteWriter) {
        kind.encode(to: &writer)
        switch self {
        case .birth(let b): b.encode(to: &writer)
        case .death(let d): d.encode(to: &writer)
        }
    }

    /// Reads the kind byte and the declaration.
    public init(from reader: inout ByteReader) throws(CodecError) {
        switch try ActKind(from: &reader) {
        case .birth: self = .birth(try BirthDeclaration(from: &reader))
        case .death: self = .death(try DeathDeclaration(from: &reader))
        }
    }
}

/// Where an act comes from.
public enum ActOrigin: Hashable, Sendable, Codable {
    /// Drawn up electronically by an officer, numbered by the state machine.
    case live
    /// Keyed in from a paper register by the digitisation campaign, with its historical number.
    case imported(drawnUpOn: GregorianDate, sourceReference: String)
}

extension ActOrigin: CanonicalCodable {
    /// Writes a tag (1 live, 2 imported) then the import details.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .live:
            writer.write(UInt8(1))
        case .imported(let drawnUpOn, let sourceReference):
            writer.write(UInt8(2))
            drawnUpOn.encode(to: &writer)
            writer.write(sourceReference)
        }
    }

    /// Reads the tag and details.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .live
        case 2: self = .imported(drawnUpOn: try GregorianDate(from: &reader), sourceReference: try reader.readString())
        default: throw .invalidTag(offset: at)
        }
    }
}

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
