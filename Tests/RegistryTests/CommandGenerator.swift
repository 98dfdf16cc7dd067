@testable import Registry

/// Generates random command sequences: valid and invalid births and deaths, mentions of every
/// kind (some breaking rules), historical imports (some colliding), retries of earlier
/// requests, request ids reused with another body, and batches of all of these.
struct CommandGenerator {
    var rng: SeededGenerator
    private var clock: Int  // days since 1970 of the next request
    private var nextRequest: UInt64 = 1
    private(set) var sent: [RegistryRequest] = []
    var knownActs: [ActID] = []

    static let offices = [OfficeCode(401003), OfficeCode(401001), OfficeCode(402002), OfficeCode(601001), OfficeCode(601012)]
    static let givenNames = [("محمد", "Mohamed"), ("ياسين", "Yassine"), ("فاطمة الزهراء", "Fatima Zahra"), ("يوسف", "Youssef"),
                             ("سلمى", "Salma"), ("إدريس", "Driss"), ("خديجة", "Khadija"), ("عمر", "Omar")]

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        clock = GregorianDate(year: 2024, month: 12, day: 1).daysSinceEpoch
    }

    private mutating func now() -> Timestamp {
        clock += Int.random(in: 0...3, using: &rng)
        return Timestamp(date: GregorianDate(daysSinceEpoch: clock),
                         time: TimeOfDay(hour: Int.random(in: 0...23, using: &rng), minute: Int.random(in: 0...59, using: &rng)))
    }

    private mutating func freshID() -> RequestID {
        defer { nextRequest += 1 }
        return Fixtures.requestID(nextRequest)
    }

    private mutating func birth(at time: Timestamp) -> BirthDeclaration {
        let name = rng.pick(Self.givenNames)
        var birth = Fixtures.birth(office: rng.pick(Self.offices),
                                   born: time.date.adding(days: -Int.random(in: 0...40, using: &rng)),
                                   given: Name(arabic: name.0, latin: name.1))
        if rng.chance(5) { birth.child.givenName.latin = "" }                       // rule violation
        if rng.chance(5) { birth.birthDate.hijri.day = birth.birthDate.hijri.day % 28 + 2 } // maybe a mismatch
        if rng.chance(5) { birth.office = OfficeCode(401999) }                     // unknown office
        return birth
    }

    private mutating func mentionBody(at time: Timestamp) -> MentionBody {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return Fixtures.marriage(on: time.date.adding(days: -Int.random(in: 0...10, using: &rng)))
        case 1:
            return .divorce(DivorceMention(marriageSequence: UInt32.random(in: 1...3, using: &rng), divorceDate: time.date,
                                           reference: .judgment(JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "\(clock)/1611", date: time.date))))
        case 2:
            return .death(DeathMention(deathDate: DualDate(gregorian: time.date.adding(days: -1)),
                                       deathPlace: Place(arabic: "الرباط", latin: "Rabat"), deathAct: nil))
        case 3:
            return .rectification(CorrectionMention(field: .givenNameLatin, newValue: .text(rng.pick(Self.givenNames).1),
                                                    reference: .judgment(JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "\(clock)/1402", date: time.date))))
        case 4:
            return .materialErrorCorrection(CorrectionMention(field: .eventTime, newValue: .time(TimeOfDay(hour: Int.random(in: 0...23, using: &rng), minute: 0)),
                                                              reference: .procureurAuthorisation(ProcureurAuthorisation(court: "المحكمة الابتدائية بالدار البيضاء", number: "\(clock)", date: time.date))))
        default:
            return .singleMotherChosenName(ChosenNameMention(fatherGivenName: Name(arabic: "عبد الله", latin: "Abdellah"),
                                                             familyName: Name(arabic: "النوري", latin: "Nouri"),
                                                             reference: .motherDeclaration(date: time.date)))
        }
    }

    private mutating func newRequest() -> RegistryRequest {
        let time = now()
        let operation: RegistryOperation
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...3:
            operation = .registerBirth(birth(at: time))
        case 4:
            operation = .registerDeath(Fixtures.death(office: rng.pick(Self.offices), died: time.date.adding(days: -Int.random(in: 0...5, using: &rng))))
        case 5...7 where !knownActs.isEmpty:
            operation = .appendMention(target: rng.pick(knownActs), body: mentionBody(at: time))
        case 8:
            let year = Int.random(in: 1960...1965, using: &rng)
            var item = Fixtures.historicalBirth(year: year, number: UInt64.random(in: 1...40, using: &rng))
            if case .birth(var b) = item.content {
                b.office = rng.pick(Self.offices)
                item.content = .birth(b)
            }
            operation = .importHistoricalAct(item)
        default:
            operation = .registerBirth(birth(at: time))
        }
        return RegistryRequest(requestID: freshID(), recordedAt: time, officer: Fixtures.officer, operation: operation)
    }

    /// One request: new (most of the time), a retry of an earlier one, or an earlier id with a new body.
    private mutating func request() -> RegistryRequest {
        if !sent.isEmpty && rng.chance(12) { return rng.pick(sent) }                 // client retry
        if !sent.isEmpty && rng.chance(3) {                                          // id reused, other body
            var reused = newRequest()
            reused.requestID = rng.pick(sent).requestID
            return reused
        }
        let request = newRequest()
        sent.append(request)
        return request
    }

    /// The next command: a single request or a batch.
    mutating func next() -> RegistryCommand {
        if rng.chance(15) {
            return .batch((0..<Int.random(in: 1...5, using: &rng)).map { _ in request() })
        }
        return .single(request())
    }
}
