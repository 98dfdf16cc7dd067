/// Conversion between the arithmetic Islamic calendar and the Gregorian calendar.
///
/// Pure integer arithmetic (after Reingold and Dershowitz, *Calendrical Calculations*,
/// "arithmetic Islamic calendar"): no Foundation `Calendar`, no ICU, so every replica computes
/// the same day whatever its system libraries.
public enum HijriCalendar {
    /// How far, in days, a stated Hijri date may be from the computed one. Moroccan months begin
    /// on sighting of the crescent, which leads or lags the tabular calendar by at most one day
    /// in practice; two days or more is a clerical error.
    public static let toleranceDays = 1

    /// 1 Muharram 1 AH, civil epoch: Friday 16 July 622 (Julian) = 19 July 622 (proleptic
    /// Gregorian), as days since 1970-01-01.
    public static let epochDaysSince1970 = -492_148

    /// Days since 1970-01-01 of a Hijri date in the tabular calendar. Day 30 of a 29-day month
    /// is counted as the day after the 29th, which is what a sighted 30th day is.
    public static func daysSinceEpoch(of date: HijriDate) -> Int {
        let year = date.year
        return epochDaysSince1970 - 1
            + (year - 1) * 354
            + floorDiv(3 + 11 * year, 30)
            + 29 * (date.month - 1) + date.month / 2
            + date.day
    }

    /// The tabular Hijri date of a day (days since 1970-01-01), for days on or after the epoch.
    public static func hijriDate(daysSinceEpoch days: Int) -> HijriDate {
        precondition(days >= epochDaysSince1970, "Hijri conversion before 1 AH")
        let year = floorDiv(30 * (days - epochDaysSince1970) + 10_646, 10_631)
        let priorDays = days - daysSinceEpoch(of: HijriDate(year: year, month: 1, day: 1))
        let month = floorDiv(11 * priorDays + 330, 325)
        let day = days - daysSinceEpoch(of: HijriDate(year: year, month: month, day: 1)) + 1
        return HijriDate(year: year, month: month, day: day)
    }

    /// The tabular Hijri date of a Gregorian date.
    public static func hijriDate(of date: GregorianDate) -> HijriDate {
        hijriDate(daysSinceEpoch: date.daysSinceEpoch)
    }

    /// The Gregorian date of a Hijri date in the tabular calendar.
    public static func gregorianDate(of date: HijriDate) -> GregorianDate {
        GregorianDate(daysSinceEpoch: daysSinceEpoch(of: date))
    }

    /// Days between a stated Hijri date and a Gregorian date (0 when they name the same day in
    /// the tabular calendar; positive when the Hijri date is later).
    public static func offsetDays(stated hijri: HijriDate, gregorian: GregorianDate) -> Int {
        daysSinceEpoch(of: hijri) - gregorian.daysSinceEpoch
    }

    /// Whether a stated Hijri date and a Gregorian date name the same day, within
    /// ``toleranceDays``. Both must be valid.
    public static func matches(_ hijri: HijriDate, _ gregorian: GregorianDate) -> Bool {
        abs(offsetDays(stated: hijri, gregorian: gregorian)) <= toleranceDays
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
