/// An enum stored as one byte in the canonical encoding and as a lowerCamelCase name in JSON.
///
/// The byte is the stable on-disk identity (never reused); the name is the API spelling.
public protocol NamedByteEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == UInt8 {
    /// The JSON name of the case.
    var name: String { get }
}

extension NamedByteEnum {
    /// Decodes from the case's name.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self.allCases.first(where: { $0.name == text }) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown value \(text)")
        }
        self = value
    }

    /// Encodes as the case's name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// Writes the byte.
    public func encode(to writer: inout ByteWriter) { writer.write(rawValue) }

    /// Reads the byte; an unknown byte is an error.
    public init(from reader: inout ByteReader) throws(CodecError) {
        self = try reader.readEnum(Self.self)
    }
}
