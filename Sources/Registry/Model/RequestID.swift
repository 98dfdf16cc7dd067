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
        let digits = Array(hex.utf8)
        guard digits.count == Self.byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
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
