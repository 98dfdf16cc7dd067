import Registry
import Services

/// Builders of valid values for the services' tests; each test changes only what it is about.
enum ServiceFixtures {
    static let rabatHassan = OfficeCode(401003)
    static let rabatAgdal = OfficeCode(401001)
    static let officer = OfficerRef(identifier: "OEC-0401003-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")

    static func date(_ y: Int, _ m: Int, _ d: Int) -> GregorianDate { GregorianDate(year: y, month: m, day: d) }

    static func at(_ y: Int, _ m: Int, _ d: Int, _ hour: Int = 10, _ minute: Int = 30) -> Timestamp {
        Timestamp(date: date(y, m, d), time: TimeOfDay(hour: hour, minute: minute))
    }

    static func id(_ n: UInt64) -> RequestID { RequestID(high: 0x5E5E, low: n) }

    static let fatherName = PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"), familyName: Name(arabic: "العلوي", latin: "El Alaoui"))
    static let motherName = PersonName(givenName: Name(arabic: "فاطمة", latin: "Fatima"), familyName: Name(arabic: "بناني", latin: "Bennani"))

    static func birth(office: OfficeCode = rabatHassan, born: GregorianDate = date(2025, 3, 1), abroad: Bool = false,
                      judgment: JudgmentReference? = nil) -> BirthDeclaration {
        BirthDeclaration(
            office: office, child: PersonName(givenName: Name(arabic: "ياسين", latin: "Yassine"), familyName: fatherName.familyName),
            sex: .male, birthDate: DualDate(gregorian: born), birthTime: TimeOfDay(hour: 4, minute: 15),
            birthPlace: Place(arabic: "الرباط", latin: "Rabat"), occurredAbroad: abroad,
            father: ParentRecord(name: fatherName, nationality: "مغربية / marocaine"),
            mother: ParentRecord(name: motherName, nationality: "مغربية / marocaine"),
            declarant: Declarant(name: fatherName, relation: .father), declaratoryJudgment: judgment)
    }

    static func death(office: OfficeCode = rabatHassan, died: GregorianDate = date(2025, 3, 1), civilID: CivilDigitalID? = nil) -> DeathDeclaration {
        DeathDeclaration(
            office: office, deceased: PersonName(givenName: Name(arabic: "محمد", latin: "Mohamed"), familyName: Name(arabic: "التازي", latin: "Tazi")),
            sex: .male, birthDate: date(1950, 1, 15), birthPlace: Place(arabic: "سلا", latin: "Salé"), civilDigitalID: civilID,
            fatherName: nil, motherName: nil, deathDate: DualDate(gregorian: died), deathTime: TimeOfDay(hour: 23, minute: 5),
            deathPlace: Place(arabic: "الرباط", latin: "Rabat"),
            declarant: Declarant(name: PersonName(givenName: Name(arabic: "عمر", latin: "Omar"), familyName: Name(arabic: "التازي", latin: "Tazi")),
                                 relation: .child))
    }

    static let address = DeliveryAddress(recipient: "Ahmed El Alaoui", street: "12 avenue Mohammed V", city: "Rabat", postalCode: "10000", country: "MA")

    static let judgment = JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "2025/118", date: date(2025, 6, 1))

    static func audit(_ action: String, at time: Timestamp, subject: String = "s") -> AuditRecord {
        AuditRecord(at: time, node: 1, actor: "OEC-0401003-01", role: "officer", tokenID: "t", office: rabatHassan,
                    purpose: "test", action: action, subject: subject)
    }
}

/// A shard's state in memory, driven through the services' machine as the node drives it: each
/// command applied in its own transaction, whose writes are then persisted.
struct ServiceHarness {
    var store = InMemoryKeyValueStore()
    let machine = ServicesStateMachine()
    var index: UInt64 = 0

    @discardableResult
    mutating func apply(_ operation: ServiceOperation, at time: Timestamp, audit: AuditRecord? = nil) throws -> ServiceOutcome {
        index += 1
        var tx = Transaction(base: store)
        let outcome = try machine.apply(ServiceCommand(at: time, audit: audit, operation: operation), context: ApplyContext(logIndex: index, logTerm: 1), into: &tx)
        store.apply(tx.writes)
        return outcome
    }

    @discardableResult
    mutating func register(_ request: RegistryRequest) throws -> CommandOutcome {
        guard case .registry(let outcome) = try apply(.registryWrite(.single(request)), at: request.recordedAt,
                                                       audit: ServiceFixtures.audit("register", at: request.recordedAt)) else {
            preconditionFailure("a register write answers a register outcome")
        }
        return outcome
    }

    /// Registers a birth and returns its act.
    mutating func birthAct(_ birth: BirthDeclaration = ServiceFixtures.birth(), n: UInt64 = 900, at time: Timestamp = ServiceFixtures.at(2025, 3, 3)) throws -> AcceptedEntry {
        guard case .accepted(let entry) = try register(RegistryRequest(requestID: ServiceFixtures.id(n), recordedAt: time,
                                                                       officer: ServiceFixtures.officer, operation: .registerBirth(birth))) else {
            throw HarnessError.notAccepted
        }
        return entry
    }

    func query(_ query: ServiceQuery) throws -> ServiceAnswer { try query.evaluate(in: store) }
}

enum HarnessError: Error { case notAccepted, unexpected(String) }

extension ServiceOutcome {
    /// The copy request, or a test failure.
    func request() throws -> CopyRequest {
        guard case .copyRequest(let request, _) = self else { throw HarnessError.unexpected("\(self)") }
        return request
    }

    /// The declaration, or a test failure.
    func declaration() throws -> PreliminaryDeclaration {
        guard case .declaration(let declaration, _) = self else { throw HarnessError.unexpected("\(self)") }
        return declaration
    }

    /// The violation codes of a rejection (empty when not rejected).
    var violationCodes: [String] {
        if case .rejected(let violations) = self { return violations.map(\.code) }
        return []
    }
}
