/// Words and date formats of copies, written out by hand so that a copy reads the same on every
/// machine (no locale, no ICU). Moroccan usage: Gregorian months in Arabic are the Maghreb
/// names (يناير … دجنبر), digits are the Western ones used on Moroccan civil-status forms.
public enum CopyText {
    static let gregorianMonthsArabic = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
                                        "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"]
    static let gregorianMonthsFrench = ["janvier", "février", "mars", "avril", "mai", "juin",
                                        "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
    static let hijriMonthsArabic = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
                                    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
    static let hijriMonthsFrench = ["Moharram", "Safar", "Rabia I", "Rabia II", "Joumada I", "Joumada II",
                                    "Rajab", "Chaabane", "Ramadan", "Chaoual", "Dou al-qiida", "Dou al-hijja"]

    private static func name(_ names: [String], _ month: Int) -> String {
        (1...12).contains(month) ? names[month - 1] : "?"
    }

    /// `7 juillet 2024`.
    public static func frenchDate(_ date: GregorianDate) -> String {
        "\(date.day == 1 ? "1er" : String(date.day)) \(name(gregorianMonthsFrench, date.month)) \(date.year)"
    }

    /// `7 يوليوز 2024`.
    public static func arabicDate(_ date: GregorianDate) -> String {
        "\(date.day) \(name(gregorianMonthsArabic, date.month)) \(date.year)"
    }

    /// `1 Moharram 1446`.
    public static func frenchHijriDate(_ date: HijriDate) -> String {
        "\(date.day) \(name(hijriMonthsFrench, date.month)) \(date.year)"
    }

    /// `1 محرم 1446`.
    public static func arabicHijriDate(_ date: HijriDate) -> String {
        "\(date.day) \(name(hijriMonthsArabic, date.month)) \(date.year)"
    }

    /// `7 juillet 2024 (1 Moharram 1446 H)`.
    public static func frenchDate(_ date: DualDate) -> String {
        "\(frenchDate(date.gregorian)) (\(frenchHijriDate(date.hijri)) H)"
    }

    /// `1 محرم 1446 هـ الموافق 7 يوليوز 2024 م`.
    public static func arabicDate(_ date: DualDate) -> String {
        "\(arabicHijriDate(date.hijri)) هـ الموافق \(arabicDate(date.gregorian)) م"
    }
}
