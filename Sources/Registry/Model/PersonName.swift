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
