/// A court judgment (حكم): the court, the judgment number and its date.
public struct JudgmentReference: Hashable, Sendable, Codable {
    /// The court, e.g. "المحكمة الابتدائية بالرباط".
    public var court: String
    /// The judgment number as the court writes it, e.g. "1234/1611/2024".
    public var number: String
    /// The date of the judgment.
    public var date: GregorianDate

    /// Creates a judgment reference.
    public init(court: String, number: String, date: GregorianDate) {
        self.court = court
        self.number = number
        self.date = date
    }
}

/// An adoul deed (رسم عدلي), the act by which two adouls attest a marriage or a divorce and which
/// the family-affairs section of the court of first instance homologates.
public struct AdoulDeedReference: Hashable, Sendable, Codable {
    /// The notarial section (قسم التوثيق) of the court that homologated the deed.
    public var notarialSection: String
    /// The deed number.
    public var number: String
    /// The page (صحيفة) in the section's register.
    public var page: String
    /// The date of the deed.
    public var date: GregorianDate

    /// Creates an adoul deed reference.
    public init(notarialSection: String, number: String, page: String, date: GregorianDate) {
        self.notarialSection = notarialSection
        self.number = number
        self.page = page
        self.date = date
    }
}

/// An authorisation of the procureur du Roi (وكيل الملك) to correct a material error.
public struct ProcureurAuthorisation: Hashable, Sendable, Codable {
    /// The court at which the procureur sits.
    public var court: String
    /// The authorisation number.
    public var number: String
    /// The date of the authorisation.
    public var date: GregorianDate

    /// Creates an authorisation reference.
    public init(court: String, number: String, date: GregorianDate) {
        self.court = court
        self.number = number
        self.date = date
    }
}

/// The legal basis of a marginal mention.
public enum LegalReference: Hashable, Sendable, Codable {
    /// A judgment (rectification, judicial divorce, declaratory judgment).
    case judgment(JudgmentReference)
    /// An adoul deed (marriage, divorce by deed).
    case adoulDeed(AdoulDeedReference)
    /// An authorisation of the procureur du Roi (material error, transcription).
    case procureurAuthorisation(ProcureurAuthorisation)
    /// A declaration made by the mother before the officer on this date (law 37-99, art. 16:
    /// the mother of a child of unknown father chooses the names).
    case motherDeclaration(date: GregorianDate)

    /// The date of the reference.
    public var date: GregorianDate {
        switch self {
        case .judgment(let judgment): judgment.date
        case .adoulDeed(let deed): deed.date
        case .procureurAuthorisation(let authorisation): authorisation.date
        case .motherDeclaration(let date): date
        }
    }
}

extension JudgmentReference: CanonicalCodable {
    /// Writes court, number, date.
    public func encode(to writer: inout ByteWriter) {
        writer.write(court)
        writer.write(number)
        date.encode(to: &writer)
    }

    /// Reads court, number, date.
    public init(from reader: inout ByteReader) throws(CodecError) {
        court = try reader.readString()
        number = try reader.readString()
        date = try GregorianDate(from: &reader)
    }
}

extension AdoulDeedReference: CanonicalCodable {
    /// Writes section, number, page, date.
    public func encode(to writer: inout ByteWriter) {
        writer.write(notarialSection)
        writer.write(number)
        writer.write(page)
        date.encode(to: &writer)
    }

    /// Reads section, number, page, date.
    public init(from reader: inout ByteReader) throws(CodecError) {
        notarialSection = try reader.readString()
        number = try reader.readString()
        page = try reader.readString()
        date = try GregorianDate(from: &reader)
    }
}

extension ProcureurAuthorisation: CanonicalCodable {
    /// Writes court, number, date.
    public func encode(to writer: inout ByteWriter) {
        writer.write(court)
        writer.write(number)
        date.encode(to: &writer)
    }

    /// Reads court, number, date.
    public init(from reader: inout ByteReader) throws(CodecError) {
        court = try reader.readString()
        number = try reader.readString()
        date = try GregorianDate(from: &reader)
    }
}

extension LegalReference: CanonicalCodable {
    /// Writes a tag (1 judgment, 2 adoul deed, 3 procureur, 4 mother's declaration) then the body.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .judgment(let value):
            writer.write(UInt8(1))
            value.encode(to: &writer)
        case .adoulDeed(let value):
            writer.write(UInt8(2))
            value.encode(to: &writer)
        case .procureurAuthorisation(let value):
            writer.write(UInt8(3))
            value.encode(to: &writer)
        case .motherDeclaration(let date):
            writer.write(UInt8(4))
            date.encode(to: &writer)
        }
    }

    /// Reads the tag and body.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .judgment(try JudgmentReference(from: &reader))
        case 2: self = .adoulDeed(try AdoulDeedReference(from: &reader))
        case 3: self = .procureurAuthorisation(try ProcureurAuthorisation(from: &reader))
        case 4: self = .motherDeclaration(date: try GregorianDate(from: &reader))
        default: throw .invalidTag(offset: at)
        }
    }
}
