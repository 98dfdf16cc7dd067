/// A date in the Hijri calendar (التاريخ الهجري), as stated on an act.
///
/// Morocco starts each Hijri month when the new crescent is sighted, so the official date can
/// differ by one day from any computation. Sijil computes the arithmetic (tabular) Islamic
/// calendar, civil epoch, leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29 of each 30-year
/// cycle (the "Kuwaiti" variant), and accepts a stated Hijri date within
/// ``HijriCalendar/toleranceDays`` of the computed one. See docs/REGISTRY.md.
public struct HijriDate: Hashable, Sendable {
    /// The Hijri year, e.g. 1446.
    public var year: Int
    /// The month, 1 (Muharram) to 12 (Dhu al-Hijja).
    public var month: Int
    /// The day, 1 to 30.
    public var day: Int

    /// Creates a date from its parts, without checking them.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Hijri years the register accepts (1266 AH is 1850, 1623 AH is 2200).
    public static let supportedYears = 1266...1623

    /// Whether the parts are in range. Day 30 is accepted in every month: a sighted month
    /// can have 30 days where the tabular calendar gives 29.
    public var isValid: Bool {
        Self.supportedYears.contains(year) && (1...12).contains(month) && (1...30).contains(day)
    }

    /// `YYYY-MM-DD` with Hijri parts.
    public var isoString: String {
        "\(GregorianDate.pad(year, 4))-\(GregorianDate.pad(month, 2))-\(GregorianDate.pad(day, 2))"
    }
}

extension HijriDate: CanonicalCodable {
    /// Writes year (`UInt16`), month and day (one byte each).
    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt16(clamping: year))
        writer.write(UInt8(clamping: month))
        writer.write(UInt8(clamping: day))
    }

    /// Reads the three parts; range checks are left to validation.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let year = Int(try reader.readUInt16())
        let month = Int(try reader.readUInt8())
        let day = Int(try reader.readUInt8())
        self.init(year: year, month: month, day: day)
    }
}

extension HijriDate: Codable {
    /// Decodes from a `"YYYY-MM-DD"` string of Hijri parts.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = GregorianDate(isoString: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected YYYY-MM-DD, got \(text)")
        }
        self.init(year: parsed.year, month: parsed.month, day: parsed.day)
    }

    /// Encodes as a `"YYYY-MM-DD"` string of Hijri parts.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isoString)
    }
}
