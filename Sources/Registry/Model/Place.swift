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
