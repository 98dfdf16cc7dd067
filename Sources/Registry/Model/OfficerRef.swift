/// The civil-status officer (ضابط الحالة المدنية) who drew up or signed an entry.
public struct OfficerRef: Hashable, Sendable, Codable {
    /// The officer's identifier in the ministry's directory.
    public var identifier: String
    /// The officer's name in Arabic.
    public var nameArabic: String
    /// The officer's name in Latin script.
    public var nameLatin: String

    /// Creates an officer reference.
    public init(identifier: String, nameArabic: String, nameLatin: String) {
        self.identifier = identifier
        self.nameArabic = nameArabic
        self.nameLatin = nameLatin
    }
}

extension OfficerRef: CanonicalCodable {
    /// Writes identifier, Arabic name, Latin name.
    public func encode(to writer: inout ByteWriter) {
        writer.write(identifier)
        writer.write(nameArabic)
        writer.write(nameLatin)
    }

    /// Reads identifier, Arabic name, Latin name.
    public init(from reader: inout ByteReader) throws(CodecError) {
        identifier = try reader.readString()
        nameArabic = try reader.readString()
        nameLatin = try reader.readString()
    }
}
