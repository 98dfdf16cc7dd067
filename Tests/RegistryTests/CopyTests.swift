import Crypto
import Foundation
import Testing
@testable import Registry

enum CopyFixtures {
    typealias F = Fixtures
    /// A fixed signing key so that copies, and their goldens, are reproducible.
    static var signingKey: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x2A, count: 32))
    }
    static let issuedAt = F.at(2026, 1, 15, 9, 0)

    /// A birth act with a life of mentions: marriage, rectification, material error,
    /// transcription correction, divorce, death.
    static func richBirth() throws -> ActRecord {
        var replica = Replica()
        var birth = F.birth()
        birth.preDeclarationReference = "CHU-IBN-SINA-2024-000812"
        let act = try #require(try replica.apply(F.request(1, .registerBirth(birth))).acceptedEntry).actID
        let requests: [RegistryRequest] = [
            F.request(2, at: F.at(2025, 3, 5), .appendMention(target: act, body: F.marriage())),
            F.request(3, at: F.at(2025, 5, 21), .appendMention(target: act, body: .rectification(CorrectionMention(
                field: .givenNameLatin, newValue: .text("Yacine"), reference: .judgment(F.judgment))))),
            F.request(4, at: F.at(2025, 6, 2), .appendMention(target: act, body: .materialErrorCorrection(CorrectionMention(
                field: .eventTime, newValue: .time(TimeOfDay(hour: 5, minute: 15)),
                reference: .procureurAuthorisation(ProcureurAuthorisation(court: "المحكمة الابتدائية بالرباط", number: "88/2025", date: F.date(2025, 6, 1))))))),
            F.request(5, at: F.at(2025, 7, 1), .appendMention(target: act, body: .latinTranscriptionCorrection(CorrectionMention(
                field: .familyNameLatin, newValue: .text("Alaoui"),
                reference: .procureurAuthorisation(ProcureurAuthorisation(court: "المحكمة الابتدائية بالرباط", number: "91/2025", date: F.date(2025, 6, 30))))))),
            F.request(6, at: F.at(2025, 9, 10), .appendMention(target: act, body: .divorce(DivorceMention(
                marriageSequence: 1, divorceDate: F.date(2025, 9, 1),
                reference: .judgment(JudgmentReference(court: "قسم قضاء الأسرة بالرباط", number: "2210/1626/2025", date: F.date(2025, 9, 1))))))),
            F.request(7, at: F.at(2025, 12, 3), .appendMention(target: act, body: .death(DeathMention(
                deathDate: DualDate(gregorian: F.date(2025, 12, 1)), deathPlace: Place(arabic: "الدار البيضاء", latin: "Casablanca"),
                deathAct: ActID(register: RegisterID(office: F.casaAnfa, year: 2025, kind: .death), number: 211))))),
        ]
        for request in requests {
            #expect(try replica.apply(request).acceptedEntry != nil, "\(request.requestID)")
        }
        return try #require(try RegistryQueries.record(act, in: replica.store))
    }

    static func singleMotherBirth() throws -> ActRecord {
        var replica = Replica()
        let act = try #require(try replica.apply(F.request(1, .registerBirth(F.birth(withFather: false)))).acceptedEntry).actID
        try replica.apply(F.request(2, at: F.at(2024, 7, 21), .appendMention(target: act, body: .singleMotherChosenName(ChosenNameMention(
            fatherGivenName: Name(arabic: "عمر", latin: "Omar"), familyName: Name(arabic: "النوري", latin: "Nouri"),
            reference: .motherDeclaration(date: F.date(2024, 7, 20)))))))
        return try #require(try RegistryQueries.record(act, in: replica.store))
    }

    static func death() throws -> ActRecord {
        var replica = Replica()
        let birthAct = ActID(register: RegisterID(office: OfficeCode(402002), year: 1940, kind: .birth), number: 88)
        var death = F.death(office: F.casaAnfa, birthAct: birthAct)
        death.civilDigitalID = CivilDigitalID(birthAct: birthAct)
        let act = try #require(try replica.apply(F.request(1, at: F.at(2024, 8, 2), .registerDeath(death))).acceptedEntry).actID
        try replica.apply(F.request(2, at: F.at(2025, 2, 2), .appendMention(target: act, body: .rectification(CorrectionMention(
            field: .eventPlaceLatin, newValue: .text("Rabat, Hay Riad"), reference: .judgment(F.judgment))))))
        return try #require(try RegistryQueries.record(act, in: replica.store))
    }
}

@Suite struct CopyGoldenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    /// Goldens are rewritten only when this variable is set to 1; never automatically.
    static let regenerate = ProcessInfo.processInfo.environment["SIJIL_REGENERATE_GOLDEN"] == "1"

    func compare(_ rendered: String, golden name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.goldenDirectory.appendingPathComponent(name)
        if Self.regenerate {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: url)
            return
        }
        let expected = try Data(contentsOf: url)
        #expect(expected == Data(rendered.utf8), "\(name) differs; to accept the new output run SIJIL_REGENERATE_GOLDEN=1 swift test --filter CopyGoldenTests and review the diff",
                sourceLocation: sourceLocation)
    }

    static let cases: [(String, CopyForm, CopyLanguage)] = [
        ("full-fr", .fullCopy, .french), ("full-ar", .fullCopy, .arabic),
        ("extract-fr", .extract, .french), ("extract-ar", .extract, .arabic),
    ]

    func issue(_ record: ActRecord, _ form: CopyForm, _ language: CopyLanguage) throws -> CivilStatusCopy {
        try CopyIssuer(signingKey: CopyFixtures.signingKey).issue(
            record, form: form, language: language, issuedAt: CopyFixtures.issuedAt,
            requester: CopyRequester(relation: .authorised, evidenceReference: "AUT-2026-0001"))
    }

    @Test(arguments: cases)
    func birthCopyMatchesItsGoldenFiles(name: String, form: CopyForm, language: CopyLanguage) throws {
        let copy = try issue(try CopyFixtures.richBirth(), form, language)
        try compare(copy.plainText(), golden: "birth-\(name).txt")
        try compare(copy.html(), golden: "birth-\(name).html")
    }

    @Test(arguments: cases)
    func deathCopyMatchesItsGoldenFiles(name: String, form: CopyForm, language: CopyLanguage) throws {
        let copy = try issue(try CopyFixtures.death(), form, language)
        try compare(copy.plainText(), golden: "death-\(name).txt")
        try compare(copy.html(), golden: "death-\(name).html")
    }

    @Test(arguments: cases)
    func singleMotherBirthCopyMatchesItsGoldenFile(name: String, form: CopyForm, language: CopyLanguage) throws {
        let copy = try issue(try CopyFixtures.singleMotherBirth(), form, language)
        try compare(copy.plainText(), golden: "single-mother-\(name).txt")
    }
}

@Suite struct CopyContentTests {
    func issue(_ record: ActRecord, _ form: CopyForm, _ language: CopyLanguage = .french) throws -> CivilStatusCopy {
        try CopyIssuer(signingKey: CopyFixtures.signingKey).issue(
            record, form: form, language: language, issuedAt: CopyFixtures.issuedAt,
            requester: CopyRequester(relation: .authorised, evidenceReference: "AUT-2026-0001"))
    }

    @Test func fullCopyShowsTheActAsDrawnUpAndEveryMentionWithItsReference() throws {
        let copy = try issue(try CopyFixtures.richBirth(), .fullCopy)
        #expect(copy.lines.contains { $0.value.hasPrefix("Yassine") })       // as drawn up, not as rectified
        #expect(copy.mentions.count == 6)
        #expect(copy.mentions[1].contains("1234/1611/2025") && copy.mentions[1].contains("Yacine"))
        #expect(copy.mentions[0].contains("acte adoulaire n° 412"))
    }

    @Test func extractShowsCurrentDataAndOnlyCivilStatusMentions() throws {
        let copy = try issue(try CopyFixtures.richBirth(), .extract)
        #expect(copy.lines.contains(CopyLine(label: "Prénom", value: "Yacine")))  // rectified
        #expect(copy.lines.contains(CopyLine(label: "Nom", value: "Alaoui")))     // transcription corrected
        #expect(copy.mentions.count == 3)                                       // marriage, divorce, death
        #expect(!copy.mentions.joined().contains("1234/1611/2025"))             // no judgment references
        #expect(!copy.mentions.joined().contains("412"))                        // no adoul deed
    }

    @Test func extractOfASingleMothersChildDoesNotRevealTheChosenNames() throws {
        let copy = try issue(try CopyFixtures.singleMotherBirth(), .extract)
        #expect(copy.lines.contains(CopyLine(label: "Père", value: "Omar Nouri")))
        #expect(copy.mentions.isEmpty)
        let full = try issue(try CopyFixtures.singleMotherBirth(), .fullCopy)
        #expect(full.mentions.count == 1 && full.mentions[0].contains("article 16"))
    }

    @Test func issuingIsDeterministic() throws {
        let record = try CopyFixtures.richBirth()
        #expect(try issue(record, .fullCopy, .arabic) == (try issue(record, .fullCopy, .arabic)))
    }
}

@Suite struct CopyVerificationTests {
    var publicKey: Curve25519.Signing.PublicKey { CopyFixtures.signingKey.publicKey }

    func copy() throws -> CivilStatusCopy {
        try CopyIssuer(signingKey: CopyFixtures.signingKey).issue(
            try CopyFixtures.richBirth(), form: .extract, language: .arabic, issuedAt: CopyFixtures.issuedAt,
            requester: CopyRequester(relation: .other))
    }

    @Test func issuedCopyVerifies() throws {
        let copy = try copy()
        #expect(verify(copy, publicKey: publicKey) == .valid)
        #expect(copy.verificationCode.count == 10)
        #expect(copy.verificationCode.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
    }

    @Test func copyWithAChangedNameDoesNotVerify() throws {
        var copy = try copy()
        let index = try #require(copy.lines.firstIndex { $0.label == "الاسم الشخصي" })
        copy.lines[index].value = "يوسف"
        #expect(verify(copy, publicKey: publicKey) == .invalid(.signatureMismatch))
    }

    @Test func copyWithARemovedMentionDoesNotVerify() throws {
        var copy = try copy()
        copy.mentions.removeLast()
        #expect(verify(copy, publicKey: publicKey) == .invalid(.signatureMismatch))
    }

    @Test func copyWithAnotherIssueDateDoesNotVerify() throws {
        var copy = try copy()
        copy.issuedAt = Fixtures.at(2026, 1, 16, 9, 0)
        #expect(verify(copy, publicKey: publicKey) == .invalid(.signatureMismatch))
    }

    @Test func copyWithATamperedCodeDoesNotVerify() throws {
        var copy = try copy()
        copy.verificationCode = "0000000000"
        #expect(verify(copy, publicKey: publicKey) == .invalid(.verificationCodeMismatch))
    }

    @Test func copyCheckedWithAnotherKeyDoesNotVerify() throws {
        let other = Curve25519.Signing.PrivateKey().publicKey
        guard case .invalid(.wrongKey) = verify(try copy(), publicKey: other) else {
            Issue.record("expected wrongKey")
            return
        }
    }

    @Test func copySurvivesJSONAndStillVerifies() throws {
        let copy = try copy()
        let decoded = try JSONDecoder().decode(CivilStatusCopy.self, from: JSONEncoder().encode(copy))
        #expect(verify(decoded, publicKey: publicKey) == .valid)
    }
}

@Suite struct CopyEntitlementTests {
    func decide(_ requester: CopyRequester, _ record: ActRecord, form: CopyForm = .fullCopy) -> EntitlementDecision {
        CopyEntitlement.evaluate(requester, form: form, record: record)
    }

    @Test func anyoneMayObtainAnExtract() throws {
        #expect(decide(CopyRequester(relation: .other), try CopyFixtures.richBirth(), form: .extract) == .granted)
    }

    @Test func thePersonGetsTheFullCopyOnlyWithTheirOwnIdentifier() throws {
        let record = try CopyFixtures.richBirth()
        #expect(decide(CopyRequester(relation: .person, civilDigitalID: record.act.civilDigitalID), record) == .granted)
        let other = CivilDigitalID(birthAct: ActID(register: RegisterID(office: OfficeCode(401001), year: 2000, kind: .birth), number: 1))
        #expect(decide(CopyRequester(relation: .person, civilDigitalID: other), record) == .denied(.notThePerson))
    }

    @Test func relationsTheActCannotShowNeedEvidence() throws {
        let record = try CopyFixtures.richBirth()
        for relation: CopyRequester.Relation in [.ascendant, .descendant, .spouse, .guardian] {
            #expect(decide(CopyRequester(relation: relation), record) == .denied(.relationNotProven(relation)))
            #expect(decide(CopyRequester(relation: relation, evidenceReference: "LF-123456"), record) == .granted)
        }
    }

    @Test func parentNamedOnTheActIsRecognisedByIdentifier() throws {
        var record = try CopyFixtures.richBirth()
        let parentID = CivilDigitalID(birthAct: ActID(register: RegisterID(office: OfficeCode(402002), year: 1993, kind: .birth), number: 5))
        guard case .birth(var birth) = record.act.content else { return }
        birth.mother.civilDigitalID = parentID
        record.act.content = .birth(birth)
        #expect(decide(CopyRequester(relation: .ascendant, civilDigitalID: parentID), record) == .granted)
    }

    @Test func authorisedRequesterNeedsTheAuthorisationAndOthersAreDenied() throws {
        let record = try CopyFixtures.richBirth()
        #expect(decide(CopyRequester(relation: .authorised), record) == .denied(.authorisationMissing))
        #expect(decide(CopyRequester(relation: .other, evidenceReference: "x"), record) == .denied(.notEntitled))
    }

    @Test func issuerRefusesADeniedFullCopy() throws {
        #expect(throws: CopyRefusal.denied(.notEntitled)) {
            try CopyIssuer(signingKey: CopyFixtures.signingKey).issue(
                try CopyFixtures.richBirth(), form: .fullCopy, language: .french, issuedAt: CopyFixtures.issuedAt,
                requester: CopyRequester(relation: .other))
        }
    }
}
