import Registry

/// Valid registry requests for the node tests; each test changes only what it is about.
enum RegistryFixtures {
    static let office = OfficeCode(401003)
    static let officer = OfficerRef(identifier: "OEC-0401003-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")
    static let recordedAt = Timestamp(date: GregorianDate(year: 2026, month: 1, day: 10), time: TimeOfDay(hour: 10, minute: 30))

    static func requestID(_ n: UInt64) -> RequestID { RequestID(high: 0x4E43, low: n) }

    static func birth(given: Name = Name(arabic: "ياسين", latin: "Yassine")) -> BirthDeclaration {
        let father = PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"), familyName: Name(arabic: "العلوي", latin: "El Alaoui"))
        let mother = PersonName(givenName: Name(arabic: "فاطمة", latin: "Fatima"), familyName: Name(arabic: "بناني", latin: "Bennani"))
        return BirthDeclaration(
            office: office,
            child: PersonName(givenName: given, familyName: Name(arabic: "العلوي", latin: "El Alaoui")),
            sex: .male,
            birthDate: DualDate(gregorian: GregorianDate(year: 2026, month: 1, day: 5)),
            birthTime: TimeOfDay(hour: 4, minute: 15),
            birthPlace: Place(arabic: "مستشفى ابن سينا، الرباط", latin: "Hôpital Ibn Sina, Rabat"),
            father: ParentRecord(name: father, nationality: "مغربية / marocaine"),
            mother: ParentRecord(name: mother, nationality: "مغربية / marocaine"),
            declarant: Declarant(name: father, relation: .father))
    }

    static func registerBirth(_ n: UInt64, _ birth: BirthDeclaration = birth()) -> RegistryCommand {
        .single(RegistryRequest(requestID: requestID(n), recordedAt: recordedAt, officer: officer, operation: .registerBirth(birth)))
    }

    /// A correction of the Latin transcription of the child's given name, authorised by the
    /// procureur du Roi: the usual first mention on a newborn's act.
    static func transcriptionCorrection(_ n: UInt64, on act: ActID, to latin: String = "Yassin") -> RegistryCommand {
        let authorisation = ProcureurAuthorisation(court: "المحكمة الابتدائية بالرباط", number: "77/2026", date: recordedAt.date)
        let body = MentionBody.latinTranscriptionCorrection(CorrectionMention(
            field: .givenNameLatin, newValue: .text(latin), reference: .procureurAuthorisation(authorisation)))
        return .single(RegistryRequest(requestID: requestID(n), recordedAt: recordedAt, officer: officer,
                                       operation: .appendMention(target: act, body: body)))
    }
}
