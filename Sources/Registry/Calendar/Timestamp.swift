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
