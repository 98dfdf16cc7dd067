/// The civil and social digital identifier (المعرف الرقمي المدني والاجتماعي), law 36-21,
/// assigned when a birth act is drawn up.
///
/// Deterministic: it is derived from the birth act's identity, `office (7) | register year (4) |
/// act number (6)`, followed by two ISO 7064 MOD 97-10 check digits (the IBAN scheme), 19 digits
/// in all. Unique because act identities are unique and the number never exceeds six digits
/// (``RegistryLimits/actNumberMax``). Checkable: any single wrong digit and any swap of two
/// adjacent digits fails ``isWellFormed(_:)``.
public struct CivilDigitalID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The 19 digits.
    public let digits: String

    /// The number of digits.
    public static let length = 19

    /// Accepts a string only if it is 19 digits with valid check digits.
    public init?(_ digits: String) {
        guard Self.isWellFormed(digits) else { return nil }
        self.digits = digits
    }

    /// The identifier of the person whose birth act is `act`.
    public init(birthAct act: ActID) {
        precondition(act.register.kind == .birth, "a civil digital id is assigned by a birth act")
        precondition(act.number >= 1 && act.number <= RegistryLimits.actNumberMax, "act number out of range")
        let payload = act.register.office.description
            + GregorianDate.pad(act.register.year, 4)
            + GregorianDate.pad(Int(act.number), 6)
        let check = 98 - Self.mod97(payload + "00")
        digits = payload + GregorianDate.pad(check, 2)
    }

    /// Whether `text` is 19 ASCII digits whose MOD 97-10 remainder is 1.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && mod97(text) == 1
    }

    /// The birth act this identifier was derived from.
    public var birthAct: ActID {
        let utf8 = Array(digits.utf8)
        func number(_ range: Range<Int>) -> UInt64 {
            utf8[range].reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) }
        }
        let register = RegisterID(office: OfficeCode(UInt32(number(0..<7))), year: Int(number(7..<11)), kind: .birth)
        return ActID(register: register, number: number(11..<17))
    }

    private static func mod97(_ text: String) -> Int {
        text.utf8.reduce(0) { ($0 * 10 + Int($1 - 48)) % 97 }
    }

    /// The 19 digits.
    public var description: String { digits }

    /// Orders by digits.
    public static func < (lhs: CivilDigitalID, rhs: CivilDigitalID) -> Bool { lhs.digits < rhs.digits }

    /// Decodes and checks.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let id = CivilDigitalID(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a valid civil digital id")
        }
        self = id
    }

    /// Encodes the digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

extension CivilDigitalID: CanonicalCodable {
    /// Writes the digits as a string.
    public func encode(to writer: inout ByteWriter) { writer.write(digits) }

    /// Reads and checks the digits.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        let text = try reader.readString(maxBytes: Self.length)
        guard Self.isWellFormed(text) else { throw .invalidValue(offset: at, reason: "civil digital id check digits") }
        digits = text
    }
}
