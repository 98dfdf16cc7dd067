/// The two kinds of act (law 37-99, article 1): birth and death. Marriage and divorce are not
/// acts but marginal mentions.
public enum ActKind: UInt8, NamedByteEnum, CanonicalCodable, Comparable {
    /// رسم الولادة, acte de naissance.
    case birth = 1
    /// رسم الوفاة, acte de décès.
    case death = 2

    /// The JSON name.
    public var name: String {
        switch self {
        case .birth: "birth"
        case .death: "death"
        }
    }

    /// Orders birth before death.
    public static func < (lhs: ActKind, rhs: ActKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

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

/// The identity of an act: its register and its number in that register.
public struct ActID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The register.
    public var register: RegisterID
    /// The number, from 1, consecutive in live registers.
    public var number: UInt64

    /// Creates an act id.
    public init(register: RegisterID, number: UInt64) {
        self.register = register
        self.number = number
    }

    /// `0401003/2024/birth/17`.
    public var description: String { "\(register)/\(number)" }

    /// Orders by register then number.
    public static func < (lhs: ActID, rhs: ActID) -> Bool {
        (lhs.register, lhs.number) < (rhs.register, rhs.number)
    }
}

extension ActID: CanonicalCodable {
    /// Writes the register then the number.
    public func encode(to writer: inout ByteWriter) {
        register.encode(to: &writer)
        writer.write(number)
    }

    /// Reads the register then the number.
    public init(from reader: inout ByteReader) throws(CodecError) {
        register = try RegisterID(from: &reader)
        number = try reader.readUInt64()
    }
}

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

/// Lowercase hexadecimal.
public enum Hex {
    /// The lowercase hex digits of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

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
