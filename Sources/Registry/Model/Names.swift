/// One name (a given name or a family name) in the scripts the register keeps: Arabic and
/// Latin always, Tifinagh optionally since law 36-21.
public struct Name: Hashable, Sendable, Codable {
    /// The name in Arabic script.
    public var arabic: String
    /// The name in Latin script (the official transcription).
    public var latin: String
    /// The name in Tifinagh, when given.
    public var tifinagh: String?

    /// Creates a name.
    public init(arabic: String, latin: String, tifinagh: String? = nil) {
        self.arabic = arabic
        self.latin = latin
        self.tifinagh = tifinagh
    }
}

extension Name: CanonicalCodable {
    /// Writes Arabic, Latin, then the optional Tifinagh.
    public func encode(to writer: inout ByteWriter) {
        writer.write(arabic)
        writer.write(latin)
        writer.writeOptional(tifinagh)
    }

    /// Reads Arabic, Latin, then the optional Tifinagh.
    public init(from reader: inout ByteReader) throws(CodecError) {
        arabic = try reader.readString()
        latin = try reader.readString()
        tifinagh = try reader.readOptionalString()
    }
}

/// A person's given name (الاسم الشخصي, prénom) and family name (الاسم العائلي, nom).
public struct PersonName: Hashable, Sendable, Codable {
    /// The given name.
    public var givenName: Name
    /// The family name.
    public var familyName: Name

    /// Creates a person's name.
    public init(givenName: Name, familyName: Name) {
        self.givenName = givenName
        self.familyName = familyName
    }

    /// "Given Family" in Latin script.
    public var latinText: String { "\(givenName.latin) \(familyName.latin)" }
    /// "Given Family" in Arabic script.
    public var arabicText: String { "\(givenName.arabic) \(familyName.arabic)" }
}

extension PersonName: CanonicalCodable {
    /// Writes the given then the family name.
    public func encode(to writer: inout ByteWriter) {
        givenName.encode(to: &writer)
        familyName.encode(to: &writer)
    }

    /// Reads the given then the family name.
    public init(from reader: inout ByteReader) throws(CodecError) {
        givenName = try Name(from: &reader)
        familyName = try Name(from: &reader)
    }
}

/// A place written in Arabic and Latin script (a city, a hospital, a foreign town).
public struct Place: Hashable, Sendable, Codable {
    /// In Arabic script.
    public var arabic: String
    /// In Latin script.
    public var latin: String

    /// Creates a place.
    public init(arabic: String, latin: String) {
        self.arabic = arabic
        self.latin = latin
    }
}

extension Place: CanonicalCodable {
    /// Writes Arabic then Latin.
    public func encode(to writer: inout ByteWriter) {
        writer.write(arabic)
        writer.write(latin)
    }

    /// Reads Arabic then Latin.
    public init(from reader: inout ByteReader) throws(CodecError) {
        arabic = try reader.readString()
        latin = try reader.readString()
    }
}

/// Sex as recorded on the act (الجنس).
public enum Sex: UInt8, NamedByteEnum, CanonicalCodable {
    /// ذكر, masculin.
    case male = 1
    /// أنثى, féminin.
    case female = 2

    /// The JSON name.
    public var name: String {
        switch self {
        case .male: "male"
        case .female: "female"
        }
    }
}
