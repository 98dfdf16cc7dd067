import Testing
@testable import Registry

@Suite struct StateMachineTests {
    typealias F = Fixtures

    @Test func actsAreNumberedPerOfficeYearAndKindFromOne() throws {
        var replica = Replica()
        let a = try replica.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry
        let b = try replica.apply(F.request(2, .registerBirth(F.birth()))).acceptedEntry
        let c = try replica.apply(F.request(3, .registerBirth(F.birth(office: F.casaAnfa)))).acceptedEntry
        let d = try replica.apply(F.request(4, at: F.at(2024, 8, 2), .registerDeath(F.death()))).acceptedEntry
        let e = try replica.apply(F.request(5, at: F.at(2025, 1, 2), .registerBirth(F.birth(born: F.date(2024, 12, 30))))).acceptedEntry
        #expect(a?.actID.description == "0401003/2024/birth/1")
        #expect(b?.actID.description == "0401003/2024/birth/2")
        #expect(c?.actID.description == "0601001/2024/birth/1")
        #expect(d?.actID.description == "0401003/2024/death/1")
        #expect(e?.actID.description == "0401003/2025/birth/1")
    }

    @Test func rejectedRequestDoesNotConsumeANumber() throws {
        var replica = Replica()
        var bad = F.birth()
        bad.child.givenName.latin = ""
        #expect(!(try replica.apply(F.request(1, .registerBirth(bad))).violations.isEmpty))
        #expect(try replica.apply(F.request(2, .registerBirth(F.birth()))).acceptedEntry?.actID.number == 1)
    }

    @Test func birthAssignsAWellFormedCivilDigitalIDIndexedToItsAct() throws {
        var replica = Replica()
        let entry = try #require(try replica.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry)
        let cdi = try #require(entry.civilDigitalID)
        #expect(CivilDigitalID.isWellFormed(cdi.digits))
        #expect(cdi.birthAct == entry.actID)
        #expect(try RegistryQueries.actID(forCivilID: cdi, in: replica.store) == entry.actID)
        #expect(try RegistryQueries.act(entry.actID, in: replica.store)?.civilDigitalID == cdi)
    }

    @Test func retriedRequestReturnsTheOriginalOutcomeAndWritesNothing() throws {
        var replica = Replica()
        let request = F.request(1, .registerBirth(F.birth()))
        let first = try #require(try replica.apply(request).acceptedEntry)
        let before = replica.store
        var tx = Transaction(base: replica.store)
        let retry = try replica.machine.apply(.single(request), context: ApplyContext(logIndex: 99, logTerm: 3), into: &tx)
        #expect(retry == .duplicate(first))
        #expect(tx.writes.isEmpty)
        #expect(replica.store == before)
    }

    @Test func mentionsAreAppendedInOrderAndTheSignedActNeverChanges() throws {
        var replica = Replica()
        let act = try #require(try replica.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry).actID
        let storedAct = try #require(replica.store.get(StateKeys.act(act)))
        let marriage = try replica.apply(F.request(2, at: F.at(2025, 3, 5), .appendMention(target: act, body: F.marriage())))
        let divorce = try replica.apply(F.request(3, at: F.at(2025, 6, 1), .appendMention(target: act, body:
            .divorce(DivorceMention(marriageSequence: 1, divorceDate: F.date(2025, 5, 25), reference: .judgment(F.judgment))))))
        #expect(marriage.acceptedEntry?.mentionSequence == 1)
        #expect(divorce.acceptedEntry?.mentionSequence == 2)
        #expect(replica.store.get(StateKeys.act(act)) == storedAct)
        let record = try #require(try RegistryQueries.record(act, in: replica.store))
        #expect(record.mentions.map(\.body.kind) == [.marriage, .divorce])
        #expect(ActView(record).marriages.first?.divorce?.divorceDate == F.date(2025, 5, 25))
    }

    @Test func chainHeadAdvancesWithEveryActAndMentionAndVerifies() throws {
        var replica = Replica()
        let register = RegisterID(office: F.rabatHassan, year: 2024, kind: .birth)
        #expect(RegisterChain.genesis(register) == RegisterState(register: register, mode: .live).chainHead)
        let first = try #require(try replica.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry)
        let mention = try #require(try replica.apply(F.request(2, at: F.at(2025, 3, 5), .appendMention(target: first.actID, body: F.marriage()))).acceptedEntry)
        #expect(first.chainPosition == 1 && mention.chainPosition == 2)
        #expect(first.chainHead != mention.chainHead)
        #expect(try RegisterChainVerifier.verify(register, in: replica.store) == .intact(length: 2, head: mention.chainHead))
    }

    @Test func importKeepsItsHistoricalNumberAndEntersTheChain() throws {
        var replica = Replica()
        let entry = try #require(try replica.apply(F.request(1, at: F.at(2025, 2, 1), .importHistoricalAct(F.historicalBirth(year: 1962, number: 317)))).acceptedEntry)
        #expect(entry.actID.description == "0401003/1962/birth/317")
        #expect(entry.civilDigitalID?.birthAct == entry.actID)
        let second = try #require(try replica.apply(F.request(2, at: F.at(2025, 2, 1), .importHistoricalAct(F.historicalBirth(year: 1962, number: 12)))).acceptedEntry)
        #expect(second.chainPosition == 2)
        let state = try #require(try RegistryQueries.registerState(entry.actID.register, in: replica.store))
        #expect(state.mode == .historical && state.actCount == 2 && state.highestNumber == 317)
        #expect(try RegisterChainVerifier.verify(entry.actID.register, in: replica.store).isIntact)
    }

    @Test func batchAppliesEachRequestInOrderWithItsOwnOutcome() throws {
        var replica = Replica()
        var bad = F.birth()
        bad.office = OfficeCode(401999)
        let outcome = try replica.apply(.batch([
            F.request(1, .registerBirth(F.birth())),
            F.request(2, .registerBirth(bad)),
            F.request(1, .registerBirth(F.birth())),
            F.request(3, .registerBirth(F.birth())),
        ]))
        guard case .batch(let outcomes) = outcome else {
            Issue.record("expected a batch outcome, got \(outcome)")
            return
        }
        #expect(outcomes.count == 4)
        #expect(outcomes[0].acceptedEntry?.actID.number == 1)
        #expect(outcomes[1].rules == [.unknownOffice])
        #expect(outcomes[2] == .duplicate(outcomes[0].acceptedEntry!))
        #expect(outcomes[3].acceptedEntry?.actID.number == 2)
    }

    @Test func laterRequestInABatchSeesTheEarlierOnes() throws {
        var replica = Replica()
        let first = try #require(try replica.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry).actID
        let batch = RegistryCommand.batch([
            F.request(2, at: F.at(2025, 3, 5), .appendMention(target: first, body: F.marriage())),
            F.request(3, at: F.at(2025, 6, 1), .appendMention(target: first, body:
                .divorce(DivorceMention(marriageSequence: 1, divorceDate: F.date(2025, 5, 25), reference: .judgment(F.judgment))))),
        ])
        #expect(try replica.machine.validate(batch, against: replica.store).isEmpty)
        guard case .batch(let outcomes) = try replica.apply(batch) else { Issue.record("not a batch"); return }
        #expect(outcomes.map { $0.acceptedEntry?.mentionSequence } == [1, 2])
    }

    @Test func provenanceIsStoredButDoesNotChangeNumbering() throws {
        var a = Replica()
        var b = Replica()
        b.logIndex = 1_000
        let x = try #require(try a.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry)
        let y = try #require(try b.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry)
        #expect(x.actID == y.actID && x.civilDigitalID == y.civilDigitalID)
        #expect(try RegistryQueries.act(x.actID, in: a.store)?.provenance.logIndex == 1)
        #expect(try RegistryQueries.act(y.actID, in: b.store)?.provenance.logIndex == 1_001)
    }

    @Test func storageErrorPropagatesFromApplyInsteadOfBeingTreatedAsAbsent() throws {
        struct FailingReader: KeyValueReader {
            struct Failure: Error {}
            func get(_ key: [UInt8]) throws -> [UInt8]? { throw Failure() }
            func scan(from start: [UInt8], to end: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])] { throw Failure() }
        }
        var tx = Transaction(base: FailingReader())
        #expect(throws: FailingReader.Failure.self) {
            try RegistryStateMachine().apply(.single(F.request(1, .registerBirth(F.birth()))), context: ApplyContext(logIndex: 1, logTerm: 1), into: &tx)
        }
    }

    @Test func singleMotherChosenNamesBecomeTheFatherAndFamilyNameInTheCurrentView() throws {
        var replica = Replica()
        let act = try #require(try replica.apply(F.request(1, .registerBirth(F.birth(withFather: false)))).acceptedEntry).actID
        let body = MentionBody.singleMotherChosenName(ChosenNameMention(
            fatherGivenName: Name(arabic: "عمر", latin: "Omar"), familyName: Name(arabic: "النوري", latin: "Nouri"),
            reference: .motherDeclaration(date: F.date(2024, 7, 20))))
        #expect(try replica.apply(F.request(2, at: F.at(2024, 7, 21), .appendMention(target: act, body: body))).acceptedEntry != nil)
        let view = ActView(try #require(try RegistryQueries.record(act, in: replica.store)))
        #expect(view.fatherName?.latinText == "Omar Nouri")
        #expect(view.person.familyName.latin == "Nouri")
        #expect(view.fatherNameChosen)
    }
}
