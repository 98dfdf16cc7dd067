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
