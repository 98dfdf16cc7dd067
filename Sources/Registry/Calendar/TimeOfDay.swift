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
