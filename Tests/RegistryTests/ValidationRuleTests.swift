import Testing
@testable import Registry

/// One failing input per rule; each test also checks the rule names the right field.
@Suite struct ValidationRuleTests {
    typealias F = Fixtures

    func violations(_ request: RegistryRequest, on replica: Replica = Replica()) throws -> [RuleViolation] {
        try replica.machine.validate(.single(request), against: replica.store)
    }

    func expect(_ rule: Rule, at field: Field, in violations: [RuleViolation], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(violations.contains { $0.rule == rule && $0.field == field },
                "expected \(rule.code) at \(field.rawValue), got \(violations)", sourceLocation: sourceLocation)
    }

    func birthRequest(_ birth: BirthDeclaration, at time: Timestamp = F.at(2024, 7, 10)) -> RegistryRequest {
        F.request(1, at: time, .registerBirth(birth))
    }

    /// A replica holding one birth act (0401003/2024/birth/1), returned with its id.
    func replicaWithBirth() throws -> (Replica, ActID) {
        var replica = Replica()
        let outcome = try replica.apply(birthRequest(F.birth()))
        return (replica, try #require(outcome.acceptedEntry).actID)
    }

    func mention(_ n: UInt64, _ target: ActID, _ body: MentionBody, at time: Timestamp = F.at(2025, 6, 1)) -> RegistryRequest {
        F.request(n, at: time, .appendMention(target: target, body: body))
    }

    @Test func validBirthHasNoViolations() throws {
        #expect(try violations(birthRequest(F.birth())).isEmpty)
    }

    @Test func emptyLatinGivenNameIsRejected() throws {
        var birth = F.birth()
        birth.child.givenName.latin = ""
        expect(.requiredFieldEmpty, at: .childGivenNameLatin, in: try violations(birthRequest(birth)))
    }

    @Test func overlongArabicNameIsRejected() throws {
        var birth = F.birth()
        birth.child.givenName.arabic = String(repeating: "م", count: 101)  // 202 bytes
        expect(.fieldTooLong, at: .childGivenNameArabic, in: try violations(birthRequest(birth)))
    }

    @Test func latinLettersInAnArabicNameAreRejected() throws {
        var birth = F.birth()
        birth.child.familyName.arabic = "Alaoui"
        expect(.wrongScript, at: .childFamilyNameArabic, in: try violations(birthRequest(birth)))
    }

    @Test func bidirectionalOverrideInAPlaceIsRejected() throws {
        var birth = F.birth()
        birth.birthPlace.arabic = "الرباط\u{202E}"
        expect(.wrongScript, at: .birthPlaceArabic, in: try violations(birthRequest(birth)))
    }

    @Test func doubledSpacesInANameAreRejected() throws {
        var birth = F.birth()
        birth.child.givenName.latin = "Mohamed  Amine"
        expect(.wrongScript, at: .childGivenNameLatin, in: try violations(birthRequest(birth)))
    }

    @Test func thirtiethOfFebruaryIsRejected() throws {
        var birth = F.birth()
        birth.birthDate = DualDate(gregorian: F.date(2024, 2, 30), hijri: HijriDate(year: 1445, month: 8, day: 20))
        expect(.invalidGregorianDate, at: .birthDateGregorian, in: try violations(birthRequest(birth)))
    }

    @Test func thirteenthHijriMonthIsRejected() throws {
        var birth = F.birth()
        birth.birthDate.hijri = HijriDate(year: 1446, month: 13, day: 1)
        expect(.invalidHijriDate, at: .birthDateHijri, in: try violations(birthRequest(birth)))
    }

    @Test func hijriDateTwoDaysOffIsRejectedAsCalendarMismatch() throws {
        var birth = F.birth()  // 7 July 2024 = 30 Dhu al-Hijja 1445 (tabular)
        birth.birthDate.hijri = HijriDate(year: 1446, month: 1, day: 2)
        expect(.calendarMismatch, at: .birthDateHijri, in: try violations(birthRequest(birth)))
    }

    @Test func hijriDateOneDayOffIsAccepted() throws {
        var birth = F.birth()
        birth.birthDate.hijri = HijriDate(year: 1446, month: 1, day: 1)
        #expect(try violations(birthRequest(birth)).isEmpty)
    }

    @Test func hourTwentyFourIsRejected() throws {
        var birth = F.birth()
        birth.birthTime = TimeOfDay(hour: 24, minute: 0)
        expect(.invalidTime, at: .birthTime, in: try violations(birthRequest(birth)))
    }

    @Test func minuteSixtyInRecordedAtIsRejected() throws {
        expect(.invalidRecordedAt, at: .recordedAt, in: try violations(birthRequest(F.birth(), at: F.at(2024, 7, 10, 10, 60))))
    }

    @Test func unknownOfficeIsRejected() throws {
        expect(.unknownOffice, at: .office, in: try violations(birthRequest(F.birth(office: OfficeCode(401999)))))
    }

    @Test func retiredOfficeIsRejected() throws {
        let embedded = ReferenceData.embedded
        var offices = Array(embedded.offices.values)
        let index = try #require(offices.firstIndex { $0.code == F.rabatHassan })
        let old = offices[index]
        offices[index] = CivilStatusOffice(code: old.code, kind: old.kind, status: .retired, communeFrench: old.communeFrench,
                                           communeArabic: old.communeArabic, province: old.province)
        let reference = try ReferenceData(regions: Array(embedded.regions.values), provinces: Array(embedded.provinces.values), offices: offices)
        let machine = RegistryStateMachine(reference: reference)
        let found = try machine.validate(.single(birthRequest(F.birth())), against: InMemoryKeyValueStore())
        expect(.retiredOffice, at: .office, in: found)
    }

    @Test func birthAfterTheDeclarationIsRejected() throws {
        expect(.eventInFuture, at: .birthDateGregorian, in: try violations(birthRequest(F.birth(born: F.date(2024, 7, 11)))))
    }

    @Test func birthDeclaredAfterThirtyDaysWithoutJudgmentIsRejected() throws {
        let late = birthRequest(F.birth(born: F.date(2024, 6, 9)), at: F.at(2024, 7, 10))  // 31 days
        expect(.lateDeclarationWithoutJudgment, at: .declaratoryJudgment, in: try violations(late))
        let onTime = birthRequest(F.birth(born: F.date(2024, 6, 10)), at: F.at(2024, 7, 10))  // 30 days
        #expect(try violations(onTime).isEmpty)
    }

    @Test func lateBirthWithAJudgmentIsAccepted() throws {
        var birth = F.birth(born: F.date(2023, 1, 5))
        birth.declaratoryJudgment = JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "77/2024", date: F.date(2024, 6, 1))
        #expect(try violations(birthRequest(birth)).isEmpty)
    }

    @Test func birthAbroadHasOneYearToBeDeclared() throws {
        var within = F.birth(born: F.date(2023, 8, 1))
        within.occurredAbroad = true
        #expect(try violations(birthRequest(within)).isEmpty)
        var beyond = F.birth(born: F.date(2023, 7, 1))
        beyond.occurredAbroad = true
        expect(.lateDeclarationWithoutJudgment, at: .declaratoryJudgment, in: try violations(birthRequest(beyond)))
    }

    @Test func judgmentDatedAfterTheRequestIsRejected() throws {
        var birth = F.birth(born: F.date(2023, 1, 5))
        birth.declaratoryJudgment = JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "77/2024", date: F.date(2024, 8, 1))
        expect(.referenceDateOutOfOrder, at: .declaratoryJudgment, in: try violations(birthRequest(birth)))
    }

    @Test func deathActBeforeTheBirthIsRejected() throws {
        let request = F.request(1, at: F.at(2024, 8, 2), .registerDeath(F.death(died: F.date(2024, 8, 1), born: F.date(2024, 9, 1))))
        expect(.deathBeforeBirth, at: .deathDateGregorian, in: try violations(request))
    }

    @Test func deathMentionBeforeTheBirthIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.death(DeathMention(deathDate: DualDate(gregorian: F.date(2024, 7, 1)),
                                                  deathPlace: Place(arabic: "الرباط", latin: "Rabat"), deathAct: nil))
        expect(.deathBeforeBirth, at: .mentionDeathDateGregorian, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func secondDeathMentionIsRejectedAsAlreadyDeceased() throws {
        var (replica, act) = try replicaWithBirth()
        let body = MentionBody.death(DeathMention(deathDate: DualDate(gregorian: F.date(2025, 1, 3)),
                                                  deathPlace: Place(arabic: "الرباط", latin: "Rabat"), deathAct: nil))
        #expect(try replica.apply(mention(2, act, body)).acceptedEntry != nil)
        expect(.alreadyDeceased, at: .mentionDeathDateGregorian, in: try violations(mention(3, act, body), on: replica))
    }

    @Test func deathActOfAPersonAlreadyRecordedDeadIsRejected() throws {
        var (replica, act) = try replicaWithBirth()
        let body = MentionBody.death(DeathMention(deathDate: DualDate(gregorian: F.date(2025, 1, 3)),
                                                  deathPlace: Place(arabic: "الرباط", latin: "Rabat"), deathAct: nil))
        try replica.apply(mention(2, act, body))
        let death = F.death(died: F.date(2025, 1, 4), birthAct: act, born: F.date(2024, 7, 7))
        expect(.alreadyDeceased, at: .deceasedBirthAct, in: try violations(F.request(3, at: F.at(2025, 1, 5), .registerDeath(death)), on: replica))
    }

    @Test func divorceWithNoMarriageIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.divorce(DivorceMention(marriageSequence: 1, divorceDate: F.date(2025, 4, 1), reference: .judgment(F.judgment)))
        expect(.divorceWithoutMarriage, at: .divorcedMarriage, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func secondDivorceOfTheSameMarriageIsRejected() throws {
        var (replica, act) = try replicaWithBirth()
        try replica.apply(mention(2, act, F.marriage(on: F.date(2025, 3, 1))))
        let divorce = MentionBody.divorce(DivorceMention(marriageSequence: 1, divorceDate: F.date(2025, 5, 20), reference: .judgment(F.judgment)))
        #expect(try replica.apply(mention(3, act, divorce)).acceptedEntry != nil)
        expect(.marriageAlreadyDissolved, at: .divorcedMarriage, in: try violations(mention(4, act, divorce), on: replica))
    }

    @Test func divorceBeforeItsMarriageIsRejected() throws {
        var (replica, act) = try replicaWithBirth()
        try replica.apply(mention(2, act, F.marriage(on: F.date(2025, 3, 1))))
        let divorce = MentionBody.divorce(DivorceMention(marriageSequence: 1, divorceDate: F.date(2025, 2, 1),
                                                         reference: .judgment(JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "1/2025", date: F.date(2025, 2, 1)))))
        expect(.divorceBeforeMarriage, at: .divorceDate, in: try violations(mention(3, act, divorce), on: replica))
    }

    @Test func marriageAfterDeathIsRejected() throws {
        var (replica, act) = try replicaWithBirth()
        let death = MentionBody.death(DeathMention(deathDate: DualDate(gregorian: F.date(2025, 1, 3)),
                                                   deathPlace: Place(arabic: "الرباط", latin: "Rabat"), deathAct: nil))
        try replica.apply(mention(2, act, death))
        expect(.eventAfterDeath, at: .marriageDate, in: try violations(mention(3, act, F.marriage(on: F.date(2025, 3, 1))), on: replica))
    }

    @Test func marriageBeforeBirthIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        expect(.eventBeforeBirth, at: .marriageDate, in: try violations(mention(2, act, F.marriage(on: F.date(2024, 1, 1))), on: replica))
    }

    @Test func mentionOnAMissingActIsRejected() throws {
        let missing = ActID(register: RegisterID(office: F.rabatHassan, year: 2024, kind: .birth), number: 9)
        expect(.actNotFound, at: .mentionTarget, in: try violations(mention(2, missing, F.marriage())))
    }

    @Test func marriageMentionOnADeathActIsRejected() throws {
        var replica = Replica()
        let outcome = try replica.apply(F.request(1, at: F.at(2024, 8, 2), .registerDeath(F.death())))
        let act = try #require(outcome.acceptedEntry).actID
        expect(.mentionNotAllowedOnAct, at: .mentionKind, in: try violations(mention(2, act, F.marriage(on: F.date(2024, 3, 1)), at: F.at(2024, 8, 3)), on: replica))
    }

    @Test func rectificationWithoutAJudgmentIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.rectification(CorrectionMention(field: .givenNameLatin, newValue: .text("Yacine"), reference: F.adoulDeed))
        expect(.legalReferenceKindNotAllowed, at: .legalReference, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func correctionOfAnAbsentFatherIsRejected() throws {
        var replica = Replica()
        let act = try #require(try replica.apply(birthRequest(F.birth(withFather: false))).acceptedEntry).actID
        let body = MentionBody.rectification(CorrectionMention(field: .fatherGivenNameLatin, newValue: .text("Ahmad"), reference: .judgment(F.judgment)))
        expect(.fieldNotOnAct, at: .correctedField, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func textValueForTheSexFieldIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.rectification(CorrectionMention(field: .sex, newValue: .text("F"), reference: .judgment(F.judgment)))
        expect(.valueKindMismatch, at: .correctedValue, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func singleMotherNamesOnAnActWithAFatherAreRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.singleMotherChosenName(ChosenNameMention(
            fatherGivenName: Name(arabic: "عمر", latin: "Omar"), familyName: Name(arabic: "النوري", latin: "Nouri"),
            reference: .motherDeclaration(date: F.date(2024, 7, 10))))
        expect(.fatherAlreadyRecorded, at: .chosenFatherGivenName, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func mentionBeyondTheLimitIsRejected() throws {
        var (replica, act) = try replicaWithBirth()
        let authorisation = LegalReference.procureurAuthorisation(ProcureurAuthorisation(court: "المحكمة الابتدائية بالرباط", number: "5/2025", date: F.date(2025, 5, 1)))
        for n in 0..<RegistryLimits.mentionsPerActMax {
            let body = MentionBody.latinTranscriptionCorrection(CorrectionMention(
                field: .givenNameLatin, newValue: .text(n % 2 == 0 ? "Yacine" : "Yassine"), reference: authorisation))
            #expect(try replica.apply(mention(UInt64(100 + n), act, body)).acceptedEntry != nil)
        }
        let body = MentionBody.latinTranscriptionCorrection(CorrectionMention(field: .givenNameLatin, newValue: .text("Yassin"), reference: authorisation))
        expect(.tooManyMentions, at: .mentionTarget, in: try violations(mention(9_999, act, body), on: replica))
    }

    @Test func requestIDReusedWithAnotherBodyIsRejected() throws {
        var (replica, _) = try replicaWithBirth()
        let other = birthRequest(F.birth(given: Name(arabic: "سلمى", latin: "Salma")))  // same request id 1
        let outcome = try replica.apply(other)
        #expect(outcome.violations.map(\.rule) == [.requestIDReused])
        #expect(outcome.violations.first?.field == .requestID)
    }

    @Test func fullRegisterIsRejected() throws {
        var replica = Replica()
        let register = RegisterID(office: F.rabatHassan, year: 2024, kind: .birth)
        var state = RegisterState(register: register, mode: .live)
        state.actCount = RegistryLimits.actNumberMax
        state.highestNumber = RegistryLimits.actNumberMax
        replica.store.put(StateKeys.register(register), state.canonicalBytes)
        expect(.registerFull, at: .office, in: try violations(birthRequest(F.birth()), on: replica))
    }

    func importRequest(_ n: UInt64, number: UInt64, year: Int = 1985, drawnUpOn: GregorianDate? = nil,
                       at time: Timestamp = F.at(2025, 2, 1)) -> RegistryRequest {
        F.request(n, at: time, .importHistoricalAct(F.historicalBirth(year: year, number: number, drawnUpOn: drawnUpOn)))
    }

    @Test func importOfATakenNumberIsRejected() throws {
        var replica = Replica()
        #expect(try replica.apply(importRequest(1, number: 12)).acceptedEntry != nil)
        expect(.importNumberTaken, at: .importNumber, in: try violations(importRequest(2, number: 12), on: replica))
    }

    @Test func importIntoALiveRegisterIsRejected() throws {
        let (replica, _) = try replicaWithBirth()  // live register 0401003/2024/birth
        expect(.importIntoLiveRegister, at: .importRegisterYear, in: try violations(importRequest(2, number: 12, year: 2024), on: replica))
    }

    @Test func liveActIntoAHistoricalRegisterIsRejected() throws {
        var replica = Replica()
        try replica.apply(importRequest(1, number: 12, year: 2019))
        let live = F.request(2, at: F.at(2019, 7, 10), .registerBirth(F.birth(born: F.date(2019, 7, 7))))
        expect(.liveIntoHistoricalRegister, at: .recordedAt, in: try violations(live, on: replica))
    }

    @Test func importIntoTheCurrentYearIsRejected() throws {
        expect(.importRegisterNotClosed, at: .importRegisterYear,
               in: try violations(importRequest(1, number: 3, year: 2025, at: F.at(2025, 6, 1))))
    }

    @Test func importNumberZeroIsRejected() throws {
        expect(.importNumberOutOfRange, at: .importNumber, in: try violations(importRequest(1, number: 0)))
    }

    @Test func importDrawnUpInAnotherYearThanItsRegisterIsRejected() throws {
        expect(.importYearMismatch, at: .importRegisterYear, in: try violations(importRequest(1, number: 3, year: 1985, drawnUpOn: F.date(1986, 1, 2))))
    }

    @Test func deathActNamingADeathActAsBirthActIsRejected() throws {
        let wrong = ActID(register: RegisterID(office: F.rabatHassan, year: 2024, kind: .death), number: 1)
        let request = F.request(1, at: F.at(2024, 8, 2), .registerDeath(F.death(birthAct: wrong)))
        expect(.inconsistentActReference, at: .deceasedBirthAct, in: try violations(request))
    }

    @Test func correctionToTheCurrentValueIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.rectification(CorrectionMention(field: .givenNameLatin, newValue: .text("Yassine"), reference: .judgment(F.judgment)))
        expect(.correctionChangesNothing, at: .correctedValue, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func transcriptionCorrectionOfAnArabicNameIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        let body = MentionBody.latinTranscriptionCorrection(CorrectionMention(field: .givenNameArabic, newValue: .text("يسين"), reference: .judgment(F.judgment)))
        expect(.fieldNotCorrectableThisWay, at: .correctedField, in: try violations(mention(2, act, body), on: replica))
    }

    @Test func fatherAsDeclarantWithoutARecordedFatherIsRejected() throws {
        var birth = F.birth(withFather: false)
        birth.declarant.relation = .father
        expect(.fieldNotOnAct, at: .declarantRelation, in: try violations(birthRequest(birth)))
    }

    @Test func marriageToOneselfIsRejected() throws {
        let (replica, act) = try replicaWithBirth()
        guard case .marriage(var marriage) = F.marriage() else { return }
        marriage.spouseCivilDigitalID = CivilDigitalID(birthAct: act)
        expect(.inconsistentActReference, at: .spouseCivilDigitalID, in: try violations(mention(2, act, .marriage(marriage)), on: replica))
    }

    @Test func everyRuleHasAStableDistinctCode() {
        let codes = Rule.allCases.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(Set(Rule.allCases.map(\.rawValue)).count == Rule.allCases.count)
        #expect(Field.allCases.allSatisfy { !$0.frenchLabel.isEmpty && !$0.arabicLabel.isEmpty })
    }

    @Test func requestBreakingSeveralRulesGetsEveryViolationAtOnce() throws {
        var birth = F.birth(office: OfficeCode(401999), born: F.date(2024, 5, 1))
        birth.child.givenName.latin = ""
        birth.birthDate.hijri = HijriDate(year: 1440, month: 1, day: 1)
        birth.birthTime = TimeOfDay(hour: 25, minute: 0)
        let found = try violations(birthRequest(birth))
        expect(.unknownOffice, at: .office, in: found)
        expect(.requiredFieldEmpty, at: .childGivenNameLatin, in: found)
        expect(.calendarMismatch, at: .birthDateHijri, in: found)
        expect(.invalidTime, at: .birthTime, in: found)
        expect(.lateDeclarationWithoutJudgment, at: .declaratoryJudgment, in: found)
        #expect(found.count == 5, "\(found)")
    }

    @Test func rejectedRequestWritesNothing() throws {
        let replica = Replica()
        var tx = Transaction(base: replica.store)
        var birth = F.birth()
        birth.child.givenName.latin = ""
        let outcome = try replica.machine.apply(.single(birthRequest(birth)), context: ApplyContext(logIndex: 1, logTerm: 1), into: &tx)
        #expect(!outcome.violations.isEmpty)
        #expect(tx.writes.isEmpty)
    }
}
