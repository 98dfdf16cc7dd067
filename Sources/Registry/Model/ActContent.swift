/// What an act records: a birth or a death.
public indirect enum ActContent: Hashable, Sendable, Codable {
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
