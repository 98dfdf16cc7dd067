/// A date in the proleptic Gregorian calendar (التاريخ الميلادي).
///
/// The value may be invalid (for example 30 February) because it often comes straight from a
/// form: ``isValid`` says so, and validation turns an invalid date into a rule violation that
/// names the field. Day arithmetic is done here, by hand, with the days-from-civil algorithm,
/// because the apply path must not depend on Foundation's `Calendar` or on ICU.
public struct GregorianDate: Hashable, Comparable, Sendable {
    /// The year, e.g. 2024.
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int

    /// Creates a date from its parts, without checking them.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Years the register accepts. Civil status started in Morocco in 1915; 1850 leaves room
    /// for the birth dates of parents of the earliest acts. The upper bound keeps day counts small.
    public static let supportedYears = 1850...2200

    /// Whether `year` is a leap year of the Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` in `year`, or 0 for a month outside 1...12.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    /// Whether the parts form a real date within ``supportedYears``.
    public var isValid: Bool {
        Self.supportedYears.contains(year) && (1...12).contains(month)
            && day >= 1 && day <= Self.daysInMonth(year: year, month: month)
    }

    /// Days since 1970-01-01 (negative before). Only meaningful for a valid date.
    ///
    /// Howard Hinnant's `days_from_civil`: shifts the year to start in March so the leap day
    /// is last, then counts 400-year eras of 146,097 days.
    public var daysSinceEpoch: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` days after 1970-01-01 (Hinnant's `civil_from_days`).
    public init(daysSinceEpoch days: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// The date `count` days later (earlier when negative).
    public func adding(days count: Int) -> GregorianDate {
        GregorianDate(daysSinceEpoch: daysSinceEpoch + count)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: GregorianDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// Compares by calendar order (year, then month, then day).
    public static func < (lhs: GregorianDate, rhs: GregorianDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var isoString: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    /// Parses `YYYY-MM-DD` (digits only, exact widths); the result may still be invalid.
    public init?(isoString: String) {
        let parts = isoString.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension GregorianDate: CanonicalCodable {
    /// Writes year (`UInt16`), month and day (one byte each); out-of-range parts are clamped to
    /// the field width, which validation has already rejected.
    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt16(clamping: year))
        writer.write(UInt8(clamping: month))
        writer.write(UInt8(clamping: day))
    }

    /// Reads the three parts; an invalid date is representable and left to validation.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let year = Int(try reader.readUInt16())
        let month = Int(try reader.readUInt8())
        let day = Int(try reader.readUInt8())
        self.init(year: year, month: month, day: day)
    }
}

extension GregorianDate: Codable {
    /// Decodes from a `"YYYY-MM-DD"` string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = GregorianDate(isoString: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected YYYY-MM-DD, got \(text)")
        }
        self = date
    }

    /// Encodes as a `"YYYY-MM-DD"` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isoString)
    }
}
