import Registry

/// The public reference of a copy request or a declaration: the office whose shard holds it and
/// its 128-bit id, written `0401003-<32 hex digits>`. The id is random, so knowing a reference
/// is what lets a citizen follow their request (the e-window asks for no account).
public struct ServiceReference: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The office (its shard group holds the record).
    public var office: OfficeCode
    /// The id.
    public var id: RequestID

    /// Creates a reference.
    public init(office: OfficeCode, id: RequestID) {
        self.office = office
        self.id = id
    }

    /// Parses `office-hex`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let office = OfficeCode(String(parts[0])), let id = RequestID(hex: String(parts[1])) else { return nil }
        self.init(office: office, id: id)
    }

    /// `office-hex`.
    public var description: String { "\(office)-\(id)" }

    /// Orders by office then id.
    public static func < (lhs: ServiceReference, rhs: ServiceReference) -> Bool { (lhs.office, lhs.id) < (rhs.office, rhs.id) }
}

extension ServiceReference: CanonicalCodable {
    /// Writes office then id.
    public func encode(to writer: inout ByteWriter) {
        office.encode(to: &writer)
        id.encode(to: &writer)
    }

    /// Reads office then id.
    public init(from reader: inout ByteReader) throws(CodecError) {
        office = try OfficeCode(from: &reader)
        id = try RequestID(from: &reader)
    }
}

extension ServiceReference: Codable {
    /// Decodes from `office-hex`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = ServiceReference(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected <office>-<32 hex digits>")
        }
        self = value
    }

    /// Encodes as `office-hex`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
