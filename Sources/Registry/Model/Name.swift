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
