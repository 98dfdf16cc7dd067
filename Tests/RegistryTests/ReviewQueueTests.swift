import Testing
@testable import Registry

/// The review queue of the digitisation campaign, as the state machine keeps it.
@Suite struct ReviewQueueTests {
    typealias F = Fixtures

    static let digest = String(repeating: "ab", count: 32)
    static let importTime = F.at(2026, 1, 5)

    static func item(number: UInt64 = 17, secondName: String = "Youssefe") -> ReviewItem {
        ReviewItem(register: RegisterID(office: F.rabatHassan, year: 1980, kind: .birth), number: number,
                   scanReference: "RSK-0401003-1980-B/p5", scanDigest: digest,
                   keyings: [Keying(keyer: "K01", fields: [KeyedField(name: "child.given.lat", value: "Youssef")]),
                             Keying(keyer: "K02", fields: [KeyedField(name: "child.given.lat", value: secondName)])])
    }

    static func request(_ n: UInt64, at time: Timestamp = importTime, _ operation: RegistryOperation) -> RegistryRequest {
        F.request(n, at: time, operation)
    }

    static func openPlaces(_ replica: Replica) throws -> [String] {
        guard case .reviews(let records, _) = try RegistryQuery.reviews(after: nil, limit: ReviewLimits.pageMax).evaluate(in: replica.store) else {
            Issue.record("not a review page")
            return []
        }
        return records.map(\.item.place.description)
    }

    @Test func disagreeingKeyingsAreQueuedOnceAndListedAsOpen() throws {
        var replica = Replica()
        let outcome = try replica.apply(Self.request(1, .submitForReview(Self.item())))
        guard case .review(let receipt) = outcome else { Issue.record("queued: \(outcome)"); return }
        #expect(receipt.isNew && receipt.status == .open && receipt.place.description == "0401003/1980/birth/17")
        #expect(try Self.openPlaces(replica) == ["0401003/1980/birth/17"])
        #expect(Self.item().disagreements == ["child.given.lat"])
    }

    @Test func resubmittingTheSameItemLaterWritesNothing() throws {
        var replica = Replica()
        try replica.apply(Self.request(1, .submitForReview(Self.item())))
        let before = replica.store
        // The same request a day later (another recordedAt): the same item, nothing new.
        let again = try replica.apply(Self.request(1, at: F.at(2026, 1, 6), .submitForReview(Self.item())))
        guard case .review(let receipt) = again else { Issue.record("\(again)"); return }
        #expect(!receipt.isNew)
        #expect(replica.store == before)
    }

    @Test func anotherRequestForAQueuedRecordIsRefused() throws {
        var replica = Replica()
        try replica.apply(Self.request(1, .submitForReview(Self.item())))
        let other = try replica.apply(Self.request(2, .submitForReview(Self.item(secondName: "Yousef"))))
        #expect(other.rules == [.reviewAlreadyRecorded])
    }

    @Test func malformedItemsAreRefusedWithTheirRule() throws {
        var replica = Replica()
        var sameKeyer = Self.item()
        sameKeyer.keyings[1].keyer = "K01"
        var agreeing = Self.item(secondName: "Youssef")
        agreeing.number = 18
        var badDigest = Self.item(number: 19)
        badDigest.scanDigest = "not-a-digest"
        #expect(try replica.apply(Self.request(1, .submitForReview(sameKeyer))).rules == [.reviewItemMalformed])
        #expect(try replica.apply(Self.request(2, .submitForReview(agreeing))).rules == [.reviewItemMalformed])
        #expect(try replica.apply(Self.request(3, .submitForReview(badDigest))).rules == [.reviewItemMalformed])
        let openYear = Self.request(4, at: F.at(1980, 6, 1), .submitForReview(Self.item(number: 20)))
        #expect(try replica.apply(openYear).rules.contains(.importRegisterNotClosed))
        #expect(try Self.openPlaces(replica).isEmpty)
    }

    @Test func anImportOfAQueuedRecordWaitsForTheReviewer() throws {
        var replica = Replica()
        try replica.apply(Self.request(1, .submitForReview(Self.item())))
        let direct = try replica.apply(Self.request(2, .importHistoricalAct(F.historicalBirth(year: 1980, number: 17))))
        #expect(direct.rules == [.importUnderReview])
    }

    @Test func aDecisionImportsTheActIntoTheChainAndClosesTheRecord() throws {
        var replica = Replica()
        try replica.apply(Self.request(1, .submitForReview(Self.item())))
        let decision = ReviewDecision(register: Self.item().register, number: 17, reviewer: "R07",
                                      resolution: .importAct(F.historicalBirth(year: 1980, number: 17)))
        let outcome = try replica.apply(Self.request(2, .settleReview(decision)))
        #expect(outcome.acceptedEntry?.actID.description == "0401003/1980/birth/17")
        #expect(try Self.openPlaces(replica).isEmpty)
        let register = Self.item().register
        #expect(try RegisterChainVerifier.verify(register, in: replica.store) == .intact(length: 1, head: outcome.acceptedEntry!.chainHead))
        let record = try ReviewRules.record(Self.item().place, in: replica.store)
        #expect(record?.status == .imported(reviewer: "R07", decidedBy: F.requestID(2)))
        // The same decision resent: the original outcome; another decision: already settled.
        #expect(try replica.apply(Self.request(2, .settleReview(decision))) == .duplicate(outcome.acceptedEntry!))
        let late = ReviewDecision(register: register, number: 17, reviewer: "R08", resolution: .discard(reason: "duplicate page"))
        #expect(try replica.apply(Self.request(3, .settleReview(late))).rules == [.reviewAlreadySettled])
    }

    @Test func aDecisionForAnotherNumberOrAnUnknownRecordIsRefused() throws {
        var replica = Replica()
        try replica.apply(Self.request(1, .submitForReview(Self.item())))
        let register = Self.item().register
        let wrong = ReviewDecision(register: register, number: 17, reviewer: "R07", resolution: .importAct(F.historicalBirth(year: 1980, number: 18)))
        #expect(try replica.apply(Self.request(2, .settleReview(wrong))).rules == [.reviewDecisionMismatch])
        let unknown = ReviewDecision(register: register, number: 99, reviewer: "R07", resolution: .discard(reason: "x"))
        #expect(try replica.apply(Self.request(3, .settleReview(unknown))).rules == [.reviewNotFound])
    }

    @Test func aDiscardedRecordLeavesTheQueueAndKeepsItsReason() throws {
        var replica = Replica()
        try replica.apply(Self.request(1, .submitForReview(Self.item())))
        let decision = ReviewDecision(register: Self.item().register, number: 17, reviewer: "R07", resolution: .discard(reason: "page illegible"))
        let outcome = try replica.apply(Self.request(2, .settleReview(decision)))
        guard case .review(let receipt) = outcome, receipt.isNew else { Issue.record("\(outcome)"); return }
        #expect(try Self.openPlaces(replica).isEmpty)
        #expect(replica.store.get(StateKeys.act(Self.item().place)) == nil)
        let again = try replica.apply(Self.request(2, .settleReview(decision)))
        guard case .review(let repeated) = again else { Issue.record("\(again)"); return }
        #expect(!repeated.isNew)
    }

    @Test func aCampaignImportResentLaterIsADuplicateNotAReusedID() throws {
        var replica = Replica()
        let item = F.historicalBirth(year: 1980, number: 40)
        let first = try replica.apply(Self.request(1, .importHistoricalAct(item)))
        let resent = try replica.apply(Self.request(1, at: F.at(2026, 2, 1), .importHistoricalAct(item)))
        #expect(resent == .duplicate(first.acceptedEntry!))
        // A live registration stays identified by all its bytes, its time included.
        let live = F.request(2, .registerBirth(F.birth()))
        try replica.apply(live)
        var moved = live
        moved.recordedAt = F.at(2024, 7, 11)
        #expect(try replica.apply(moved).rules == [.requestIDReused])
    }

    @Test func reviewOperationsSurviveTheCodec() throws {
        let decision = ReviewDecision(register: Self.item().register, number: 17, reviewer: "R07",
                                      resolution: .importAct(F.historicalBirth(year: 1980, number: 17)))
        let command = RegistryCommand.batch([Self.request(1, .submitForReview(Self.item())), Self.request(2, .settleReview(decision)),
                                             Self.request(3, .settleReview(ReviewDecision(register: Self.item().register, number: 18, reviewer: "R07",
                                                                                          resolution: .discard(reason: "x"))))])
        #expect(try RegistryCommand.decode(command.encode()) == command)
        let outcome = CommandOutcome.review(ReviewReceipt(requestID: F.requestID(1), place: Self.item().place, status: .open, isNew: true))
        #expect(try CommandOutcome.decode(outcome.encode()) == outcome)
    }

    @Test func precheckAnswersNilAtTheFirstAcceptedRequestAndApplysRefusalsOtherwise() throws {
        var replica = Replica()
        let accepted = F.request(1, .registerBirth(F.birth()))
        var bad = F.birth()
        bad.child.givenName.latin = ""
        let rejected = F.request(2, .registerBirth(bad))
        #expect(try replica.machine.precheck(.batch([rejected, accepted]), against: replica.store) == nil)
        try replica.apply(accepted)
        let refusal = try replica.machine.precheck(.batch([rejected, accepted]), against: replica.store)
        var scratch = replica
        let applied = try scratch.apply(.batch([rejected, accepted]))
        #expect(refusal == applied)
        #expect(scratch.store == replica.store)
    }
}
