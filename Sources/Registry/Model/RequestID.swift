/// A client-chosen request id (16 bytes). The outcome of an accepted command is stored under
/// it, so a retried request returns the original outcome and never creates a second act.
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Always 16 bytes.
    public let bytes: [UInt8]

    /// The length of a request id.
    public static let byteCount = 16

    /// Creates a request id; `bytes` must be 16 bytes long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// A request id from two integers (tests and simulations).
    public init(high: UInt64, low: UInt64) {
        var writer = ByteWriter()
        writer.write(high)
        writer.write(low)
        self.bytes = writer.bytes
    }

    /// Parses 32 lowercase or uppercase hex digits.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// 32 lowercase hex digits.
    public var description: String { Hex.encode(bytes) }

    /// Orders bytewise.
    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

extension RequestID: CanonicalCodable {
    /// Writes the 16 bytes.
    public func encode(to writer: inout ByteWriter) { writer.writeRaw(bytes) }

    /// Reads 16 bytes.
    public init(from reader: inout ByteReader) throws(CodecError) {
        bytes = try reader.readRaw(Self.byteCount)
    }
}

extension RequestID: Codable {
    /// Decodes from 32 hex digits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let id = RequestID(hex: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 32 hex digits")
        }
        self = id
    }

    /// Encodes as 32 hex digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
