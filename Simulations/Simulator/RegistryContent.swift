import Raft
import Registry

extension SplitMix64 {
    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        return Int(next() % UInt64(bound))
    }

    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

/// Generated but realistic civil-status content: Moroccan given and family names in Arabic and
/// Latin script (a few with their Tifinagh spelling), places named after the offices of the
/// reference data, officers, courts and notarial sections. Everything is drawn from a seeded
/// generator, so a seed always writes the same acts.
enum RegistryContent {
    struct NamePair {
        var arabic: String
        var latin: String
        var tifinagh: String? = nil
        var name: Name { Name(arabic: arabic, latin: latin, tifinagh: tifinagh) }
    }

    static let maleGiven: [NamePair] = [
        NamePair(arabic: "محمد", latin: "Mohamed"), NamePair(arabic: "ياسين", latin: "Yassine", tifinagh: "ⵢⴰⵙⵉⵏ"),
        NamePair(arabic: "يوسف", latin: "Youssef"), NamePair(arabic: "إدريس", latin: "Driss"),
        NamePair(arabic: "عمر", latin: "Omar"), NamePair(arabic: "حمزة", latin: "Hamza"),
        NamePair(arabic: "أيوب", latin: "Ayoub"), NamePair(arabic: "عبد الرحيم", latin: "Abderrahim"),
        NamePair(arabic: "إيدير", latin: "Idir", tifinagh: "ⵉⴷⵉⵔ"), NamePair(arabic: "يوبا", latin: "Youba", tifinagh: "ⵢⵓⴱⴰ"),
        NamePair(arabic: "المهدي", latin: "El Mehdi"), NamePair(arabic: "امحمد", latin: "M'hamed"),
    ]

    static let femaleGiven: [NamePair] = [
        NamePair(arabic: "فاطمة الزهراء", latin: "Fatima Zahra"), NamePair(arabic: "خديجة", latin: "Khadija"),
        NamePair(arabic: "سلمى", latin: "Salma"), NamePair(arabic: "مريم", latin: "Meryem"),
        NamePair(arabic: "نعيمة", latin: "Naima"), NamePair(arabic: "هاجر", latin: "Hajar"),
        NamePair(arabic: "تيزيري", latin: "Tiziri", tifinagh: "ⵜⵉⵣⵉⵔⵉ"), NamePair(arabic: "إيمان", latin: "Imane"),
        NamePair(arabic: "سكينة", latin: "Soukaina"), NamePair(arabic: "غيثة", latin: "Ghita"),
    ]

    static let family: [NamePair] = [
        NamePair(arabic: "العلوي", latin: "El Alaoui"), NamePair(arabic: "بناني", latin: "Bennani"),
        NamePair(arabic: "التازي", latin: "Tazi"), NamePair(arabic: "الإدريسي", latin: "El Idrissi"),
        NamePair(arabic: "بنجلون", latin: "Benjelloun"), NamePair(arabic: "الفاسي", latin: "El Fassi"),
        NamePair(arabic: "أمزيان", latin: "Amziane", tifinagh: "ⴰⵎⵣⵢⴰⵏ"), NamePair(arabic: "الصنهاجي", latin: "Sanhaji"),
        NamePair(arabic: "بوعزة", latin: "Bouazza"), NamePair(arabic: "الشرقاوي", latin: "Cherkaoui"),
        NamePair(arabic: "آيت الحاج", latin: "Aït El Haj"), NamePair(arabic: "الكتاني", latin: "Kettani"),
    ]

    /// Corrected spellings used by Latin-transcription corrections.
    static let latinRespellings = ["Mohammed", "Yassin", "Youssouf", "Idriss", "Fatima-Zahra", "Khadidja", "Meriem", "Naïma"]

    static let nationality = "مغربية / marocaine"

    static func person(_ sex: Sex, familyName: NamePair? = nil, using rng: inout SplitMix64) -> PersonName {
        let given = rng.pick(sex == .male ? maleGiven : femaleGiven)
        return PersonName(givenName: given.name, familyName: (familyName ?? rng.pick(family)).name)
    }

    static func office(_ code: OfficeCode) -> CivilStatusOffice {
        guard let office = ReferenceData.embedded.office(code) else { preconditionFailure("office \(code) is not in the reference data") }
        return office
    }

    /// Where a birth or death happened: the office's commune, a hospital of it, or home.
    static func place(in code: OfficeCode, using rng: inout SplitMix64) -> Place {
        let office = office(code)
        switch rng.below(3) {
        case 0: return Place(arabic: "المستشفى الإقليمي، \(office.communeArabic)", latin: "Hôpital provincial, \(office.communeFrench)")
        case 1: return Place(arabic: "مصحة الشفاء، \(office.communeArabic)", latin: "Clinique Achifaa, \(office.communeFrench)")
        default: return Place(arabic: office.communeArabic, latin: office.communeFrench)
        }
    }

    static func officer(of code: OfficeCode) -> OfficerRef {
        OfficerRef(identifier: "OEC-\(code)-01", nameArabic: "رشيد الوزاني", nameLatin: "Rachid Ouazzani")
    }

    static func court(of code: OfficeCode) -> String { "المحكمة الابتدائية بعمالة \(code.province)" }

    static func notarialSection(of code: OfficeCode) -> String { "قسم التوثيق بالمحكمة الابتدائية \(code.province)" }

    static func time(using rng: inout SplitMix64) -> TimeOfDay { TimeOfDay(hour: rng.below(24), minute: rng.below(60)) }
}
