/// A parent as recorded on a birth act.
public struct ParentRecord: Hashable, Sendable, Codable {
    /// The parent's name.
    public var name: PersonName
    /// The parent's date of birth, when known.
    public var birthDate: GregorianDate?
    /// The parent's place of birth, when known.
    public var birthPlace: Place?
    /// The parent's nationality, e.g. "مغربية / marocaine".
    public var nationality: String
    /// The parent's civil digital identifier, when the parent has one.
    public var civilDigitalID: CivilDigitalID?

    /// Creates a parent record.
    public init(name: PersonName, birthDate: GregorianDate? = nil, birthPlace: Place? = nil,
                nationality: String, civilDigitalID: CivilDigitalID? = nil) {
        self.name = name
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.nationality = nationality
        self.civilDigitalID = civilDigitalID
    }
}

extension ParentRecord: CanonicalCodable {
    /// Writes name, birth date?, birth place?, nationality, civil digital id?.
    public func encode(to writer: inout ByteWriter) {
        name.encode(to: &writer)
        writer.writeOptional(birthDate) { $1.encode(to: &$0) }
        writer.writeOptional(birthPlace) { $1.encode(to: &$0) }
        writer.write(nationality)
        writer.writeOptional(civilDigitalID) { $1.encode(to: &$0) }
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        name = try PersonName(from: &reader)
        birthDate = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try GregorianDate(from: &r) }
        birthPlace = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try Place(from: &r) }
        nationality = try reader.readString()
        civilDigitalID = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
    }
}
