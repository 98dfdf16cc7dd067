/// The code of one of the 12 regions (جهة), in the official numbering 01 to 12.
public struct RegionCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 1 to 12.
    public let rawValue: UInt8

    /// Creates a region code, without checking that the region exists.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// Two digits, e.g. `04`.
    public var description: String { GregorianDate.pad(Int(rawValue), 2) }

    /// Orders by number.
    public static func < (lhs: RegionCode, rhs: RegionCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The code of a province or prefecture (إقليم / عمالة): the region code followed by two digits,
/// e.g. `0401` for the prefecture of Rabat. Sijil allocates these codes; once issued a code
/// never changes meaning.
public struct ProvinceCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Region × 100 + sequence.
    public let rawValue: UInt16

    /// Creates a province code, without checking that the province exists.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The region the code belongs to.
    public var region: RegionCode { RegionCode(UInt8(rawValue / 100)) }

    /// Four digits, e.g. `0401`.
    public var description: String { GregorianDate.pad(Int(rawValue), 4) }

    /// Orders by number.
    public static func < (lhs: ProvinceCode, rhs: ProvinceCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The code of a civil-status office (مكتب الحالة المدنية): the province code followed by
/// three digits, e.g. `0401003` for the office of the arrondissement Hassan in Rabat. Seven
/// digits hold 99 provinces × 999 offices per region, far above the 1,821 offices of the
/// Kingdom. Once issued a code never changes meaning; a closed office keeps its code, retired.
public struct OfficeCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Province × 1000 + sequence.
    public let rawValue: UInt32

    /// Creates an office code, without checking that the office exists.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Parses seven digits.
    public init?(_ text: String) {
        guard text.utf8.count == 7, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = UInt32(text) else { return nil }
        self.init(value)
    }

    /// The province or prefecture of the office.
    public var province: ProvinceCode { ProvinceCode(UInt16(rawValue / 1000)) }

    /// The region of the office.
    public var region: RegionCode { province.region }

    /// Seven digits, e.g. `0401003`.
    public var description: String { GregorianDate.pad(Int(rawValue), 7) }

    /// Orders by number.
    public static func < (lhs: OfficeCode, rhs: OfficeCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension OfficeCode: Codable {
    /// Decodes from the seven-digit string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = OfficeCode(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 7 digits, got \(text)")
        }
        self = code
    }

    /// Encodes as the seven-digit string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension OfficeCode: CanonicalCodable {
    /// Writes the code as a `UInt32`.
    public func encode(to writer: inout ByteWriter) { writer.write(rawValue) }

    /// Reads the code; whether the office exists is a validation question.
    public init(from reader: inout ByteReader) throws(CodecError) {
        self.init(try reader.readUInt32())
    }
}
