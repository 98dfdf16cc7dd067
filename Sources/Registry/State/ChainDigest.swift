import Crypto

/// A SHA-256 digest (32 bytes): a chain head, a link or the digest of a stored value.
public struct ChainDigest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// The SHA-256 of `data`.
    public static func sha256(_ data: [UInt8]) -> ChainDigest {
        ChainDigest(unchecked: Array(SHA256.hash(data: data)))
    }

    init(unchecked bytes: [UInt8]) {
        precondition(bytes.count == 32, "a digest is 32 bytes")
        self.bytes = bytes
    }

    /// Lowercase hex.
    public var description: String { Hex.encode(bytes) }
}

extension ChainDigest: CanonicalCodable {
    /// Writes the 32 bytes, unprefixed.
    public func encode(to writer: inout ByteWriter) { writer.writeRaw(bytes) }

    /// Reads 32 bytes.
    public init(from reader: inout ByteReader) throws(CodecError) {
        bytes = try reader.readRaw(32)
    }
}

extension ChainDigest: Codable {
    /// Decodes from 64 hex digits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let bytes = Hex.decode(text), bytes.count == 32 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 64 hex digits")
        }
        self.init(unchecked: bytes)
    }

    /// Encodes as 64 hex digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
