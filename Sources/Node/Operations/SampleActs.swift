import Foundation
import Registry

/// The small set of acts `sijil dev` loads: births, deaths and mentions from real offices of
/// Rabat-Salé-Kénitra, with names in Arabic, Latin and Tifinagh. Dates are relative to the day
/// of loading, so every declaration is within its legal delay (or carries its judgment).
public enum SampleActs {
    static let officer = OfficerRef(identifier: "OEC-0401003-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")
    static let moroccan = "مغربية / marocaine"

    static func name(_ arabic: String, _ latin: String, _ tifinagh: String? = nil) -> Name { Name(arabic: arabic, latin: latin, tifinagh: tifinagh) }
    static func person(_ given: Name, _ family: Name) -> PersonName { PersonName(givenName: given, familyName: family) }

    static func birth(office: UInt32, child: PersonName, sex: Sex, born: GregorianDate, place: Place,
                      father: PersonName?, mother: PersonName, declarant: Declarant, judgment: JudgmentReference? = nil) -> BirthDeclaration {
        BirthDeclaration(
            office: OfficeCode(office), child: child, sex: sex, birthDate: DualDate(gregorian: born), birthTime: TimeOfDay(hour: 9, minute: 40),
            birthPlace: place, father: father.map { ParentRecord(name: $0, nationality: moroccan) },
            mother: ParentRecord(name: mother, nationality: moroccan), declarant: declarant, declaratoryJudgment: judgment)
    }

    /// A registration to send: its path, body and idempotency key, and the mentions to append
    /// to the act it creates.
    public struct Sample: Sendable {
        /// What the sample is, for people.
        public var label: String
        /// The route it is sent to.
        public var path: String
        /// The whole body.
        public var body: [UInt8]
        /// Marginal mentions.
        public var mentions: [(label: String, body: [UInt8])]
    }

    /// The samples, dated relative to the day of `recordedAt`, which every request carries (so a
    /// retry resends the same bytes).
    public static func samples(recordedAt: Timestamp) throws -> [Sample] {
        let today = recordedAt.date
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func days(_ n: Int) -> GregorianDate { GregorianDate(daysSinceEpoch: today.daysSinceEpoch - n) }
        let alaoui = name("العلوي", "El Alaoui", "ⵍⵄⵍⴰⵡⵉ")
        let ahmed = person(name("أحمد", "Ahmed"), alaoui)
        let fatima = person(name("فاطمة", "Fatima"), name("بناني", "Bennani"))
        let rabat = Place(arabic: "مستشفى ابن سينا، الرباط", latin: "Hôpital Ibn Sina, Rabat")
        let sale = Place(arabic: "مستشفى مولاي عبد الله، سلا", latin: "Hôpital Moulay Abdellah, Salé")
        let khemisset = Place(arabic: "المستشفى الإقليمي، الخميسات", latin: "Hôpital provincial, Khémisset")
        let temara = Place(arabic: "تمارة", latin: "Témara")

        var samples: [Sample] = []
        func addBirth(_ label: String, _ declaration: BirthDeclaration, mentions: [(String, MentionBody)] = []) throws {
            let body = try encoder.encode(RegisterBirthBody(officer: officer, declaration: declaration, recordedAt: recordedAt))
            samples.append(Sample(label: label, path: "/v1/acts/births", body: Array(body),
                                  mentions: try mentions.map { ($0.0, Array(try encoder.encode(AppendMentionBody(officer: officer, mention: $0.1, recordedAt: recordedAt)))) }))
        }
        func addDeath(_ label: String, _ declaration: DeathDeclaration) throws {
            let body = try encoder.encode(RegisterDeathBody(officer: officer, declaration: declaration, recordedAt: recordedAt))
            samples.append(Sample(label: label, path: "/v1/acts/deaths", body: Array(body), mentions: []))
        }

        try addBirth("birth of Yassine El Alaoui (Rabat-Hassan)", birth(
            office: 401003, child: person(name("ياسين", "Yassine", "ⵢⴰⵙⵉⵏ"), alaoui), sex: .male, born: days(3), place: rabat,
            father: ahmed, mother: fatima, declarant: Declarant(name: ahmed, relation: .father)))
        let karim = person(name("كريم", "Karim"), name("بنيس", "Bennis"))
        try addBirth("birth of Tilelli Bennis (Rabat-Agdal-Riyad)", birth(
            office: 401001, child: person(name("تيليلي", "Tilelli", "ⵜⵉⵍⵍⵉ"), name("بنيس", "Bennis", "ⴱⵏⵏⵉⵙ")), sex: .female, born: days(6), place: rabat,
            father: karim, mother: person(name("نادية", "Nadia"), name("الشرقاوي", "Cherkaoui")), declarant: Declarant(name: karim, relation: .father)))
        let rachid = person(name("رشيد", "Rachid"), name("التازي", "Tazi"))
        try addBirth("birth of Amine Tazi (Salé-Bab Lamrissa)", birth(
            office: 402001, child: person(name("أمين", "Amine"), name("التازي", "Tazi")), sex: .male, born: days(10), place: sale,
            father: rachid, mother: person(name("سعاد", "Souad"), name("العمراني", "Amrani")), declarant: Declarant(name: rachid, relation: .father)))
        let hind = person(name("هند", "Hind"), name("برادة", "Berrada"))
        try addBirth("birth of Imane Berrada (Témara)", birth(
            office: 403001, child: person(name("إيمان", "Imane"), name("برادة", "Berrada")), sex: .female, born: days(2), place: temara,
            father: person(name("يوسف", "Youssef"), name("برادة", "Berrada")), mother: hind, declarant: Declarant(name: hind, relation: .mother)))
        let omar = person(name("عمر", "Omar"), name("الزياني", "Zayani", "ⵣⴰⵢⴰⵏⵉ"))
        try addBirth("birth of Idir Zayani (Khémisset)", birth(
            office: 405001, child: person(name("إدير", "Idir", "ⵉⴷⵉⵔ"), name("الزياني", "Zayani", "ⵣⴰⵢⴰⵏⵉ")), sex: .male, born: days(12), place: khemisset,
            father: omar, mother: person(name("مليكة", "Malika"), name("أوعلي", "Ouali")), declarant: Declarant(name: omar, relation: .father)))
        let khadija = person(name("خديجة", "Khadija"), name("السلاوي", "Slaoui"))
        try addBirth("birth of Aya Slaoui, father unknown (Rabat-Souissi)", birth(
            office: 401004, child: person(name("آية", "Aya"), name("السلاوي", "Slaoui")), sex: .female, born: days(8), place: rabat,
            father: nil, mother: khadija, declarant: Declarant(name: khadija, relation: .mother)),
            mentions: [("names chosen by the mother (art. 16)", .singleMotherChosenName(ChosenNameMention(
                fatherGivenName: name("عبد الله", "Abdellah"), familyName: name("السلاوي", "Slaoui"),
                reference: .motherDeclaration(date: days(1)))))])
        let latifa = person(name("لطيفة", "Latifa"), name("المريني", "Merini"))
        let born1992 = GregorianDate(year: 1992, month: 4, day: 18)
        try addBirth("late birth of Hamza Merini by judgment, then his marriage (Rabat-Yacoub El Mansour)", birth(
            office: 401005, child: person(name("حمزة", "Hamza"), name("المريني", "Merini")), sex: .male, born: born1992, place: rabat,
            father: person(name("إدريس", "Driss"), name("المريني", "Merini")), mother: latifa, declarant: Declarant(name: latifa, relation: .mother),
            judgment: JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "812/1611/2024", date: days(20))),
            mentions: [("marriage of Hamza Merini", .marriage(MarriageMention(
                spouse: person(name("سلمى", "Salma"), name("الفاسي", "El Fassi")), marriageDate: days(4),
                reference: .adoulDeed(AdoulDeedReference(notarialSection: "قسم التوثيق بالمحكمة الابتدائية بالرباط", number: "412", page: "318", date: days(4))))))])
        let son = person(name("عمر", "Omar"), name("التازي", "Tazi"))
        try addDeath("death of Mohamed Tazi (Rabat-Hassan)", DeathDeclaration(
            office: OfficeCode(401003), deceased: person(name("محمد", "Mohamed"), name("التازي", "Tazi")), sex: .male,
            birthDate: GregorianDate(year: 1940, month: 1, day: 15), birthPlace: Place(arabic: "سلا", latin: "Salé"), birthAct: nil,
            fatherName: person(name("عبد الله", "Abdellah"), name("التازي", "Tazi")), motherName: khadija,
            deathDate: DualDate(gregorian: days(2)), deathTime: TimeOfDay(hour: 23, minute: 5), deathPlace: Place(arabic: "الرباط", latin: "Rabat"),
            declarant: Declarant(name: son, relation: .child)))
        let nephew = person(name("مصطفى", "Mustapha"), name("أمزيان", "Amezian", "ⴰⵎⵣⵢⴰⵏ"))
        try addDeath("death of Itto Amezian (Salé-Tabriquet)", DeathDeclaration(
            office: OfficeCode(402005), deceased: person(name("إطو", "Itto", "ⵉⵟⵟⵓ"), name("أمزيان", "Amezian", "ⴰⵎⵣⵢⴰⵏ")), sex: .female,
            birthDate: GregorianDate(year: 1936, month: 6, day: 1), birthPlace: Place(arabic: "خنيفرة", latin: "Khénifra"), birthAct: nil,
            fatherName: nil, motherName: nil, deathDate: DualDate(gregorian: days(5)), deathTime: TimeOfDay(hour: 6, minute: 30),
            deathPlace: Place(arabic: "سلا", latin: "Salé"), declarant: Declarant(name: nephew, relation: .otherRelative)))
        return samples
    }
}
