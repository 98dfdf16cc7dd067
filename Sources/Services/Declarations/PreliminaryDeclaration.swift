import Registry

/// Who filed a preliminary declaration.
public enum DeclarationSource: Hashable, Sendable, Codable {
    /// A citizen, through the portal (التصريح المطبوع, the printed declaration of the portal).
    case citizen(name: String)
    /// A health facility, electronically (law 36-21), identified by its partner token.
    case healthFacility(name: String)
}

/// The event declared, with the content the act will carry.
public enum DeclaredEvent: Hashable, Sendable, Codable {
    /// A birth.
    case birth(BirthDeclaration)
    /// A death.
    case death(DeathDeclaration)

    /// The office that will draw up the act.
    public var office: OfficeCode {
        switch self {
        case .birth(let b): b.office
        case .death(let d): d.office
        }
    }

    /// The registry operation that draws up the act.
    public var operation: RegistryOperation {
        switch self {
        case .birth(let b): .registerBirth(b)
        case .death(let d): .registerDeath(d)
        }
    }

    /// The act's kind.
    public var kind: ActKind {
        switch self {
        case .birth: .birth
        case .death: .death
        }
    }

    /// The Gregorian date of the event.
    public var eventDate: GregorianDate {
        switch self {
        case .birth(let b): b.birthDate.gregorian
        case .death(let d): d.deathDate.gregorian
        }
    }

    /// Whether the event happened abroad (one year to declare instead of 30 days).
    public var occurredAbroad: Bool {
        switch self {
        case .birth(let b): b.occurredAbroad
        case .death(let d): d.occurredAbroad
        }
    }

    /// The declaratory judgment, if any.
    public var judgment: JudgmentReference? {
        switch self {
        case .birth(let b): b.declaratoryJudgment
        case .death(let d): d.declaratoryJudgment
        }
    }

    /// The same event with a judgment reference and the pre-declaration reference set.
    func completed(judgment: JudgmentReference?, preDeclaration: String) -> DeclaredEvent {
        switch self {
        case .birth(var b):
            if let judgment { b.declaratoryJudgment = judgment }
            b.preDeclarationReference = b.preDeclarationReference ?? preDeclaration
            return .birth(b)
        case .death(var d):
            if let judgment { d.declaratoryJudgment = judgment }
            return .death(d)
        }
    }
}

/// Where a declaration stands.
public enum DeclarationStatus: UInt8, NamedByteEnum, CanonicalCodable {
    /// Filed; waiting for an officer's review.
    case pending = 1
    /// Reviewed and drawn up as an act.
    case registered = 2
    /// Reviewed and refused (the reason is recorded).
    case rejected = 3

    /// The JSON spelling.
    public var name: String {
        switch self {
        case .pending: "pending"
        case .registered: "registered"
        case .rejected: "rejected"
        }
    }
}

/// A preliminary declaration of a birth or a death (التصريح الأولي), filed by a citizen or by a
/// health facility, reviewed by an officer of the office that will draw up the act.
public struct PreliminaryDeclaration: Hashable, Sendable, Codable {
    /// The public reference.
    public var reference: ServiceReference
    /// Who filed it.
    public var source: DeclarationSource
    /// The event and the act's content.
    public var event: DeclaredEvent
    /// When it was filed (the date the legal delay is measured to).
    public var filedAt: Timestamp
    /// Where it stands.
    public var status: DeclarationStatus
    /// The act drawn up from it.
    public var registeredAct: ActID?
    /// The officer who reviewed it.
    public var reviewedBy: String?
    /// When it was reviewed.
    public var reviewedAt: Timestamp?
    /// Why it was rejected.
    public var rejectionReason: String?

    /// Creates a pending declaration.
    public init(reference: ServiceReference, source: DeclarationSource, event: DeclaredEvent, filedAt: Timestamp) {
        self.reference = reference
        self.source = source
        self.event = event
        self.filedAt = filedAt
        self.status = .pending
    }
}

extension PreliminaryDeclaration: CanonicalCodable {
    /// Writes the fields in order, behind a format byte.
    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt8(1))
        reference.encode(to: &writer)
        switch source {
        case .citizen(let name):
            writer.write(UInt8(1))
            writer.write(name)
        case .healthFacility(let name):
            writer.write(UInt8(2))
            writer.write(name)
        }
        switch event {
        case .birth(let b):
            writer.write(UInt8(1))
            b.encode(to: &writer)
        case .death(let d):
            writer.write(UInt8(2))
            d.encode(to: &writer)
        }
        filedAt.encode(to: &writer)
        status.encode(to: &writer)
        writer.writeOptional(registeredAct) { $1.encode(to: &$0) }
        writer.writeOptional(reviewedBy)
        writer.writeOptional(reviewedAt) { $1.encode(to: &$0) }
        writer.writeOptional(rejectionReason)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        guard try reader.readUInt8() == 1 else { throw .unsupportedVersion(0) }
        reference = try ServiceReference(from: &reader)
        var at = reader.offset
        switch try reader.readUInt8() {
        case 1: source = .citizen(name: try reader.readString())
        case 2: source = .healthFacility(name: try reader.readString())
        default: throw .invalidTag(offset: at)
        }
        at = reader.offset
        switch try reader.readUInt8() {
        case 1: event = .birth(try BirthDeclaration(from: &reader))
        case 2: event = .death(try DeathDeclaration(from: &reader))
        default: throw .invalidTag(offset: at)
        }
        filedAt = try Timestamp(from: &reader)
        status = try DeclarationStatus(from: &reader)
        registeredAct = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try ActID(from: &r) }
        reviewedBy = try reader.readOptionalString()
        reviewedAt = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try Timestamp(from: &r) }
        rejectionReason = try reader.readOptionalString()
    }
}
