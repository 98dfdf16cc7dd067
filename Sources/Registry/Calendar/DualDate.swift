/// A date given in both calendars, as law 37-99 requires on an act: the Hijri and the
/// Gregorian date of the event. Neither is trusted: validation recomputes one from the other.
public struct DualDate: Hashable, Sendable, Codable {
    /// The Gregorian date.
    public var gregorian: GregorianDate
    /// The Hijri date as stated (moon sighting may put it one day off the tabular calendar).
    public var hijri: HijriDate

    /// Creates a dual date from both parts.
    public init(gregorian: GregorianDate, hijri: HijriDate) {
        self.gregorian = gregorian
        self.hijri = hijri
    }

    /// A dual date whose Hijri part is the tabular conversion of `gregorian`.
    public init(gregorian: GregorianDate) {
        self.init(gregorian: gregorian, hijri: HijriCalendar.hijriDate(of: gregorian))
    }
}

extension DualDate: CanonicalCodable {
    /// Writes the Gregorian then the Hijri date.
    public func encode(to writer: inout ByteWriter) {
        gregorian.encode(to: &writer)
        hijri.encode(to: &writer)
    }

    /// Reads the Gregorian then the Hijri date.
    public init(from reader: inout ByteReader) throws(CodecError) {
        gregorian = try GregorianDate(from: &reader)
        hijri = try HijriDate(from: &reader)
    }
}

/// An hour and minute of the day (the time of a birth or death).
public struct TimeOfDay: Hashable, Sendable, Codable {
    /// 0 to 23.
    public var hour: Int
    /// 0 to 59.
    public var minute: Int

    /// Creates a time from its parts, without checking them.
    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Whether the parts are in range.
    public var isValid: Bool { (0...23).contains(hour) && (0...59).contains(minute) }

    /// `HH:MM`.
    public var text: String { "\(GregorianDate.pad(hour, 2)):\(GregorianDate.pad(minute, 2))" }
}

extension TimeOfDay: CanonicalCodable {
    /// Writes hour and minute, one byte each.
    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt8(clamping: hour))
        writer.write(UInt8(clamping: minute))
    }

    /// Reads hour and minute; range checks are left to validation.
    public init(from reader: inout ByteReader) throws(CodecError) {
        hour = Int(try reader.readUInt8())
        minute = Int(try reader.readUInt8())
    }
}

/// The instant a command was drawn up, in UTC, to the minute. Set by the proposing node and
/// carried in the command, so that every rule about elapsed time ("within 30 days") gives the
/// same answer on every replica, whenever it applies the command.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// The UTC date.
    public var date: GregorianDate
    /// The UTC time of day.
    public var time: TimeOfDay

    /// Creates a timestamp from a date and a time.
    public init(date: GregorianDate, time: TimeOfDay) {
        self.date = date
        self.time = time
    }

    /// Whether both parts are valid.
    public var isValid: Bool { date.isValid && time.isValid }

    /// Orders by date then time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.date, lhs.time.hour, lhs.time.minute) < (rhs.date, rhs.time.hour, rhs.time.minute)
    }

    /// `YYYY-MM-DDTHH:MMZ`.
    public var isoString: String { "\(date.isoString)T\(time.text)Z" }
}

extension Timestamp: CanonicalCodable {
    /// Writes the date then the time.
    public func encode(to writer: inout ByteWriter) {
        date.encode(to: &writer)
        time.encode(to: &writer)
    }

    /// Reads the date then the time.
    public init(from reader: inout ByteReader) throws(CodecError) {
        date = try GregorianDate(from: &reader)
        time = try TimeOfDay(from: &reader)
    }
}

extension Timestamp: Codable {
    /// Decodes from `"YYYY-MM-DDTHH:MMZ"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let parts = text.split(separator: "T")
        guard parts.count == 2, parts[1].hasSuffix("Z"),
              let date = GregorianDate(isoString: String(parts[0])) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected YYYY-MM-DDTHH:MMZ")
        }
        let clock = parts[1].dropLast().split(separator: ":")
        guard clock.count == 2, clock.allSatisfy({ $0.count == 2 }),
              let hour = Int(clock[0]), let minute = Int(clock[1]) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected YYYY-MM-DDTHH:MMZ")
        }
        self.init(date: date, time: TimeOfDay(hour: hour, minute: minute))
    }

    /// Encodes as `"YYYY-MM-DDTHH:MMZ"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isoString)
    }
}
