import Registry

/// Builders of valid requests; each test changes only what it is about.
enum Fixtures {
    static let rabatHassan = OfficeCode(401003)
    static let casaAnfa = OfficeCode(601001)

    static let officer = OfficerRef(identifier: "OEC-0401003-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")

    static func date(_ y: Int, _ m: Int, _ d: Int) -> GregorianDate { GregorianDate(year: y, month: m, day: d) }

    static func at(_ y: Int, _ m: Int, _ d: Int, _ hour: Int = 10, _ minute: Int = 30) -> Timestamp {
        Timestamp(date: date(y, m, d), time: TimeOfDay(hour: hour, minute: minute))
    }

    static func requestID(_ n: UInt64) -> RequestID { RequestID(high: 0x5151, low: n) }

    static let fatherName = PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"),
                                       familyName: Name(arabic: "العلوي", latin: "El Alaoui"))
    static let motherName = PersonName(givenName: Name(arabic: "فاطمة", latin: "Fatima"),
                                       familyName: Name(arabic: "بناني", latin: "Bennani"))

    static func birth(office: OfficeCode = rabatHassan, born: GregorianDate = date(2024, 7, 7),
                      given: Name = Name(arabic: "ياسين", latin: "Yassine", tifinagh: "ⵢⴰⵙⵉⵏ"),
                      withFather: Bool = true) -> BirthDeclaration {
        BirthDeclaration(
            office: office,
            child: PersonName(givenName: given, familyName: Name(arabic: "العلوي", latin: "El Alaoui")),
            sex: .male,
            birthDate: DualDate(gregorian: born),
            birthTime: TimeOfDay(hour: 4, minute: 15),
            birthPlace: Place(arabic: "مستشفى ابن سينا، الرباط", latin: "Hôpital Ibn Sina, Rabat"),
            father: withFather ? ParentRecord(name: fatherName, birthDate: date(1990, 3, 12),
                                              birthPlace: Place(arabic: "فاس", latin: "Fès"), nationality: "مغربية / marocaine") : nil,
            mother: ParentRecord(name: motherName, birthDate: date(1993, 11, 2), nationality: "مغربية / marocaine"),
            declarant: Declarant(name: fatherName, relation: withFather ? .father : .mother))
    }

    static func death(office: OfficeCode = rabatHassan, died: GregorianDate = date(2024, 8, 1),
                      birthAct: ActID? = nil, born: GregorianDate? = date(1940, 1, 15)) -> DeathDeclaration {
        DeathDeclaration(
            office: office,
            deceased: PersonName(givenName: Name(arabic: "محمد", latin: "Mohamed"), familyName: Name(arabic: "التازي", latin: "Tazi")),
            sex: .male, birthDate: born, birthPlace: Place(arabic: "سلا", latin: "Salé"),
            birthAct: birthAct,
            fatherName: PersonName(givenName: Name(arabic: "عبد الله", latin: "Abdellah"), familyName: Name(arabic: "التازي", latin: "Tazi")),
            motherName: PersonName(givenName: Name(arabic: "خديجة", latin: "Khadija"), familyName: Name(arabic: "السلاوي", latin: "Slaoui")),
            deathDate: DualDate(gregorian: died), deathTime: TimeOfDay(hour: 23, minute: 5),
            deathPlace: Place(arabic: "الرباط", latin: "Rabat"),
            declarant: Declarant(name: PersonName(givenName: Name(arabic: "عمر", latin: "Omar"), familyName: Name(arabic: "التازي", latin: "Tazi")),
                                 relation: .child))
    }

    static func request(_ n: UInt64, at time: Timestamp = at(2024, 7, 10), _ operation: RegistryOperation) -> RegistryRequest {
        RegistryRequest(requestID: requestID(n), recordedAt: time, officer: officer, operation: operation)
    }

    static let adoulDeed = LegalReference.adoulDeed(AdoulDeedReference(
        notarialSection: "قسم التوثيق بالمحكمة الابتدائية بالرباط", number: "412", page: "318", date: date(2025, 3, 1)))

    static func marriage(on date: GregorianDate = date(2025, 3, 1)) -> MentionBody {
        .marriage(MarriageMention(
            spouse: PersonName(givenName: Name(arabic: "سلمى", latin: "Salma"), familyName: Name(arabic: "الفاسي", latin: "El Fassi")),
            marriageDate: date,
            reference: .adoulDeed(AdoulDeedReference(notarialSection: "قسم التوثيق بالمحكمة الابتدائية بالرباط",
                                                     number: "412", page: "318", date: date))))
    }

    /// A paper birth act of `year` (parents' birth dates unknown, as on many old registers).
    static func historicalBirth(year: Int, number: UInt64, drawnUpOn: GregorianDate? = nil) -> HistoricalActImport {
        var birth = birth(born: date(year, 3, 2))
        birth.father?.birthDate = nil
        birth.mother.birthDate = nil
        return HistoricalActImport(registerYear: year, number: number, drawnUpOn: drawnUpOn ?? date(year, 3, 10),
                                   sourceReference: "RSK-0401003-\(year)-B/p\(number)", content: .birth(birth))
    }

    static let judgment = JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "1234/1611/2025", date: date(2025, 5, 20))
}

/// A replica: a store, a state machine and a log position.
struct Replica {
    var store = InMemoryKeyValueStore()
    let machine = RegistryStateMachine()
    var logIndex: UInt64 = 0

    @discardableResult
    mutating func apply(_ command: RegistryCommand) throws -> CommandOutcome {
        logIndex += 1
        var tx = Transaction(base: store)
        let outcome = try machine.apply(command, context: ApplyContext(logIndex: logIndex, logTerm: 1), into: &tx)
        store.apply(tx.writes)
        return outcome
    }

    @discardableResult
    mutating func apply(_ request: RegistryRequest) throws -> CommandOutcome {
        try apply(.single(request))
    }
}

extension CommandOutcome {
    var violations: [RuleViolation] {
        if case .rejected(let v) = self { return v }
        return []
    }

    var rules: Set<Rule> { Set(violations.map(\.rule)) }
}
