import NodeCore
import Raft
import Registry
import Services
import Testing

/// The digitisation import as the shard machine sees it: a batch of historical acts and review
/// operations inside one audited service command, its precheck, its audit record and the
/// counters it feeds.
@Suite struct ImportThroughServicesTests {
    static let digest = String(repeating: "ab", count: 32)

    /// A shard's state in memory driven through `ShardMachine` by command bytes, as a node does.
    struct Shard {
        var store = InMemoryKeyValueStore()
        let machine = ShardMachine()
        var index: UInt64 = 0

        var context: CommandContext { CommandContext(group: 4001, index: index, term: 1, position: 0) }

        /// Applies and persists, as a committed entry.
        @discardableResult
        mutating func apply(_ bytes: [UInt8]) throws -> ServiceOutcome {
            index += 1
            var tx = Transaction(base: store)
            let outcome = try machine.apply(bytes, context: context, state: &tx)
            store.apply(tx.writes)
            return try ServiceOutcome.decode(outcome)
        }

        /// What applying would answer and whether it would write, without keeping anything.
        func trial(_ bytes: [UInt8]) throws -> (outcome: [UInt8], writes: Bool) {
            var tx = Transaction(base: store)
            let outcome = try machine.apply(bytes, context: CommandContext(group: 4001, index: index + 1, term: 1, position: 0), state: &tx)
            return (outcome, !tx.writes.isEmpty)
        }

        func auditLength() throws -> UInt64 {
            guard case .auditEntries(_, let length) = try ServiceQuery.auditLog(after: 0, limit: 10).evaluate(in: store) else { return .max }
            return length
        }

        func births(_ year: Int) throws -> UInt64 {
            guard case .vitalCounts(let counts) = try ServiceQuery.vitalCounts.evaluate(in: store) else { return .max }
            return counts.filter { $0.year == year && $0.kind == .birth }.reduce(0) { $0 + $1.count }
        }
    }

    static func historical(number: UInt64, given: String = "Yassine") -> HistoricalActImport {
        var birth = ServiceFixtures.birth(born: ServiceFixtures.date(1980, 3, 2))
        birth.child.givenName.latin = given
        return HistoricalActImport(registerYear: 1980, number: number, drawnUpOn: ServiceFixtures.date(1980, 3, 10),
                                   sourceReference: "RSK-0401003-1980-B/p\(number)", content: .birth(birth))
    }

    static func reviewItem(number: UInt64) -> ReviewItem {
        ReviewItem(register: RegisterID(office: ServiceFixtures.rabatHassan, year: 1980, kind: .birth), number: number,
                   scanReference: "RSK-0401003-1980-B/p\(number)", scanDigest: digest,
                   keyings: [Keying(keyer: "K01", fields: [KeyedField(name: "child.given.lat", value: "Youssef")]),
                             Keying(keyer: "K02", fields: [KeyedField(name: "child.given.lat", value: "Youssefe")])])
    }

    /// The request id of a campaign operation: from what it is about, so a re-run repeats it
    /// (the import derives it from the record's content).
    static func requestID(_ operation: RegistryOperation) -> RequestID {
        switch operation {
        case .importHistoricalAct(let item): RequestID(high: 0x1A, low: item.number)
        case .submitForReview(let item): RequestID(high: 0x1B, low: item.number)
        case .settleReview(let decision): RequestID(high: 0x1C, low: decision.number)
        case .registerBirth, .registerDeath, .appendMention: RequestID(high: 0x1D, low: 0)
        }
    }

    /// A batch of campaign operations stamped at `at`, with the caller's audit record, as the
    /// import route proposes it.
    static func batch(_ operations: [RegistryOperation], at: Timestamp = ServiceFixtures.at(2026, 1, 5)) -> [UInt8] {
        let requests = operations.map { operation in
            RegistryRequest(requestID: requestID(operation), recordedAt: at, officer: ServiceFixtures.officer, operation: operation)
        }
        let audit = AuditRecord(at: at, node: 1, actor: "OPS-01", role: "operator", tokenID: "t", office: nil,
                                purpose: "digitisation", action: "import_records", subject: "\(requests.count) records")
        return ServiceCommand(at: at, audit: audit, operation: .registryWrite(.batch(requests))).encode()
    }

    @Test func anAuditedImportBatchAppendsOneAuditRecordAndCountsEveryAct() throws {
        var shard = Shard()
        let outcome = try shard.apply(Self.batch((1...3).map { .importHistoricalAct(Self.historical(number: $0)) }))
        guard case .registry(.batch(let outcomes)) = outcome else { Issue.record("\(outcome)"); return }
        #expect(outcomes.count == 3)
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } })
        #expect(try shard.auditLength() == 1)
        #expect(try shard.births(1980) == 3)
    }

    @Test func aReRunOfTheSameRecordsDaysLaterIsRefusedBeforeTheLogAndWritesNoAuditRecord() throws {
        var shard = Shard()
        let operations: [RegistryOperation] = (1...3).map { .importHistoricalAct(Self.historical(number: $0)) }
        try shard.apply(Self.batch(operations))
        let rerun = Self.batch(operations, at: ServiceFixtures.at(2026, 1, 9))
        let refusal = try #require(try shard.machine.precheck(rerun, state: shard.store))
        let trial = try shard.trial(rerun)
        #expect(refusal == trial.outcome)
        #expect(!trial.writes)
        guard case .registry(.batch(let outcomes)) = try ServiceOutcome.decode(refusal) else { Issue.record("not a batch"); return }
        #expect(outcomes.allSatisfy { if case .duplicate = $0 { true } else { false } })
        #expect(try shard.auditLength() == 1)
    }

    @Test func thePrecheckOfAnAuditedBatchAnswersWhatApplyingItWould() throws {
        var shard = Shard()
        try shard.apply(Self.batch([.importHistoricalAct(Self.historical(number: 1))]))
        // A repeat and a record of a register still open (this year's): nothing would be written.
        var open = Self.historical(number: 2)
        open.registerYear = 2026
        let refused = Self.batch([.importHistoricalAct(Self.historical(number: 1)), .importHistoricalAct(open)])
        let refusal = try #require(try shard.machine.precheck(refused, state: shard.store))
        let trial = try shard.trial(refused)
        #expect(refusal == trial.outcome && !trial.writes)
        guard case .registry(.batch(let outcomes)) = try ServiceOutcome.decode(refusal), outcomes.count == 2 else { Issue.record("not a batch of 2"); return }
        #expect(outcomes[0].acceptedEntry != nil)
        if case .rejected(let violations) = outcomes[1] { #expect(!violations.isEmpty) } else { Issue.record("\(outcomes[1])") }
        // The same repeat with a new record: it would write, so it is proposed.
        let mixed = Self.batch([.importHistoricalAct(Self.historical(number: 1)), .importHistoricalAct(Self.historical(number: 3))])
        #expect(try shard.machine.precheck(mixed, state: shard.store) == nil)
        #expect(try shard.trial(mixed).writes)
    }

    @Test func aQueuedRecordIsNotCountedUntilAReviewerImportsItAndADiscardIsNeverCounted() throws {
        var shard = Shard()
        try shard.apply(Self.batch([.submitForReview(Self.reviewItem(number: 17)), .submitForReview(Self.reviewItem(number: 18))]))
        #expect(try shard.births(1980) == 0)
        #expect(try shard.auditLength() == 1)
        // Queued again by a re-run: nothing new, refused before the log.
        let requeue = Self.batch([.submitForReview(Self.reviewItem(number: 17)), .submitForReview(Self.reviewItem(number: 18))],
                                 at: ServiceFixtures.at(2026, 1, 9))
        #expect(try shard.machine.precheck(requeue, state: shard.store) != nil)
        #expect(!(try shard.trial(requeue).writes))

        let take = ReviewDecision(register: Self.reviewItem(number: 17).register, number: 17, reviewer: "REV-01",
                                  resolution: .importAct(Self.historical(number: 17, given: "Youssef")))
        let discard = ReviewDecision(register: Self.reviewItem(number: 18).register, number: 18, reviewer: "REV-01",
                                     resolution: .discard(reason: "page illegible, to scan again"))
        let settled = try shard.apply(Self.batch([.settleReview(take), .settleReview(discard)]))
        guard case .registry(.batch(let outcomes)) = settled, outcomes.count == 2 else { Issue.record("\(settled)"); return }
        #expect(outcomes[0].acceptedEntry?.actID == ActID(register: take.register, number: 17))
        if case .review(let receipt) = outcomes[1] { #expect(receipt.isNew) } else { Issue.record("\(outcomes[1])") }
        #expect(try shard.births(1980) == 1)
        #expect(try shard.auditLength() == 2)
        guard case .officeActivity(let activity) = try ServiceQuery.officeActivity.evaluate(in: shard.store) else { Issue.record("no activity"); return }
        #expect(activity.first { $0.office == ServiceFixtures.rabatHassan }?.actsRegistered == 1)
    }

    @Test func theReviewQueuesKeysStayOutOfTheServicesNamespace() throws {
        var shard = Shard()
        let take = ReviewDecision(register: Self.reviewItem(number: 17).register, number: 17, reviewer: "REV-01",
                                  resolution: .importAct(Self.historical(number: 17)))
        for operations: [RegistryOperation] in [[.submitForReview(Self.reviewItem(number: 17))], [.settleReview(take)]] {
            let requests = operations.map { RegistryRequest(requestID: Self.requestID($0), recordedAt: ServiceFixtures.at(2026, 1, 5),
                                                            officer: ServiceFixtures.officer, operation: $0) }
            var tx = Transaction(base: shard.store)
            _ = try RegistryMachine().apply(RegistryCommand.batch(requests).encode(), context: shard.context, state: &tx)
            #expect(!tx.writes.isEmpty)
            // 0x60-0x6F is the services' (audit log, declarations, counters): a register key there
            // would be read as one of theirs.
            #expect(tx.writes.operations.allSatisfy { !(0x60...0x6F).contains($0.key.first ?? 0) }, "\(tx.writes.operations.map(\.key))")
            shard.store.apply(tx.writes)
        }
    }
}
