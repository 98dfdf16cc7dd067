/// A historical act keyed in from a paper register, with its original number.
public struct HistoricalActImport: Hashable, Sendable, Codable {
    /// The year of the paper register.
    public var registerYear: Int
    /// The act's number in the paper register.
    public var number: UInt64
    /// The date the paper act was drawn up.
    public var drawnUpOn: GregorianDate
    /// The reference of the scan or of the digitisation batch, e.g. "RSK-2025-000123/p17".
    public var sourceReference: String
    /// The act's content as keyed in.
    public var content: ActContent

    /// Creates an import.
    public init(registerYear: Int, number: UInt64, drawnUpOn: GregorianDate, sourceReference: String, content: ActContent) {
        self.registerYear = registerYear
        self.number = number
        self.drawnUpOn = drawnUpOn
        self.sourceReference = sourceReference
        self.content = content
    }

    /// The register the act goes into.
    public var register: RegisterID {
        RegisterID(office: content.office, year: registerYear, kind: content.kind)
    }
}

extension HistoricalActImport: CanonicalCodable {
    /// Writes year, number, date, source, content.
    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt16(clamping: registerYear))
        writer.write(number)
        drawnUpOn.encode(to: &writer)
        writer.write(sourceReference)
        content.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        registerYear = Int(try reader.readUInt16())
        number = try reader.readUInt64()
        drawnUpOn = try GregorianDate(from: &reader)
        sourceReference = try reader.readString()
        content = try ActContent(from: &reader)
    }
}

/// What a request asks the register to do.
public indirect enum RegistryOperation: Hashable, Sendable, Codable {
    /// Draw up a birth act: numbered, chained, given a civil digital identifier.
    case registerBirth(BirthDeclaration)
    /// Draw up a death act: numbered and chained.
    case registerDeath(DeathDeclaration)
    /// Append a marginal mention to an act.
    case appendMention(target: ActID, body: MentionBody)
    /// Import a historical act with its paper number.
    case importHistoricalAct(HistoricalActImport)
    /// Queue a paper record whose two keyings disagree for a reviewer.
    case submitForReview(ReviewItem)
    /// Settle a queued record: import the act as the reviewer established it, or discard it.
    case settleReview(ReviewDecision)

    /// Whether the operation belongs to the digitisation campaign (imports and reviews), whose
    /// requests are made idempotent by their content, not by the time they were sent.
    public var isCampaignOperation: Bool {
        switch self {
        case .importHistoricalAct, .submitForReview, .settleReview: true
        case .registerBirth, .registerDeath, .appendMention: false
        }
    }
}

extension RegistryOperation: CanonicalCodable {
    /// Writes a tag (1 birth, 2 death, 3 mention, 4 import, 5 review item, 6 review decision)
    /// then the body.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .registerBirth(let birth):
            writer.write(UInt8(1))
            birth.encode(to: &writer)
        case .registerDeath(let death):
            writer.write(UInt8(2))
            death.encode(to: &writer)
        case .appendMention(let target, let body):
            writer.write(UInt8(3))
            target.encode(to: &writer)
            body.encode(to: &writer)
        case .importHistoricalAct(let item):
            writer.write(UInt8(4))
            item.encode(to: &writer)
        case .submitForReview(let item):
            writer.write(UInt8(5))
            item.encode(to: &writer)
        case .settleReview(let decision):
            writer.write(UInt8(6))
            decision.encode(to: &writer)
        }
    }

    /// Reads the tag and body.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .registerBirth(try BirthDeclaration(from: &reader))
        case 2: self = .registerDeath(try DeathDeclaration(from: &reader))
        case 3: self = .appendMention(target: try ActID(from: &reader), body: try MentionBody(from: &reader))
        case 4: self = .importHistoricalAct(try HistoricalActImport(from: &reader))
        case 5: self = .submitForReview(try ReviewItem(from: &reader))
        case 6: self = .settleReview(try ReviewDecision(from: &reader))
        default: throw .invalidTag(offset: at)
        }
    }
}

/// One client request: its id (for idempotency), when it was drawn up, by which officer, and
/// what it asks.
public struct RegistryRequest: Hashable, Sendable, Codable {
    /// The client-chosen id; a retry carries the same id and the same body.
    public var requestID: RequestID
    /// When the proposing node drew the request up (UTC, to the minute). Every rule about
    /// elapsed time uses this, never the time of apply.
    public var recordedAt: Timestamp
    /// The officer who signs.
    public var officer: OfficerRef
    /// What is asked.
    public var operation: RegistryOperation

    /// Creates a request.
    public init(requestID: RequestID, recordedAt: Timestamp, officer: OfficerRef, operation: RegistryOperation) {
        self.requestID = requestID
        self.recordedAt = recordedAt
        self.officer = officer
        self.operation = operation
    }
}

extension RegistryRequest: CanonicalCodable {
    /// Writes id, time, officer, operation.
    public func encode(to writer: inout ByteWriter) {
        requestID.encode(to: &writer)
        recordedAt.encode(to: &writer)
        officer.encode(to: &writer)
        operation.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        requestID = try RequestID(from: &reader)
        recordedAt = try Timestamp(from: &reader)
        officer = try OfficerRef(from: &reader)
        operation = try RegistryOperation(from: &reader)
    }
}

extension RegistryRequest {
    /// What a retry must match for the register to answer with the original outcome.
    ///
    /// A live request is identified by all its bytes, its time included: the client resends
    /// exactly what it sent. A campaign request (import, review) is identified by its operation
    /// alone: its id is derived from the record's content, and re-running a file days later
    /// (another `recordedAt`, another operator) must change nothing.
    public var idempotencyDigest: ChainDigest {
        guard operation.isCampaignOperation else { return ChainDigest.sha256(canonicalBytes) }
        var writer = ByteWriter(reservingCapacity: 1_024)
        writer.writeRaw(Array("sijil/campaign-request/v1".utf8))
        operation.encode(to: &writer)
        return ChainDigest.sha256(writer.bytes)
    }
}
