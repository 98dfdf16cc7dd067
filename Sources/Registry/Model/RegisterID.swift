/// A register (سجل): the acts of one kind drawn up by one office in one year. Acts are numbered
/// per register, consecutively, and each register is one hash chain.
public struct RegisterID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The office that keeps the register.
    public var office: OfficeCode
    /// The year of the register (the year the act was drawn up, not of the event).
    public var year: Int
    /// Birth or death.
    public var kind: ActKind

    /// Creates a register id.
    public init(office: OfficeCode, year: Int, kind: ActKind) {
        self.office = office
        self.year = year
        self.kind = kind
    }

    /// `0401003/2024/birth`.
    public var description: String { "\(office)/\(year)/\(kind.name)" }

    /// Orders by office, year, kind (the order of their keys).
    public static func < (lhs: RegisterID, rhs: RegisterID) -> Bool {
        (lhs.office, lhs.year, lhs.kind) < (rhs.office, rhs.year, rhs.kind)
    }
}

extension RegisterID: CanonicalCodable {
    /// Writes office, year (`UInt16`), kind.
    public func encode(to writer: inout ByteWriter) {
        office.encode(to: &writer)
        writer.write(UInt16(clamping: year))
        kind.encode(to: &writer)
    }

    /// Reads office, year, kind.
    public init(from reader: inout ByteReader) throws(CodecError) {
        office = try OfficeCode(from: &reader)
        year = Int(try reader.readUInt16())
        kind = try ActKind(from: &reader)
    }
}
