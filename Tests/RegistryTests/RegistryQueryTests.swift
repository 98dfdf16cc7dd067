@testable import Registry
import Testing

private typealias F = Fixtures

/// The registry's query language: its codec and its evaluation against a replica's state.
@Suite struct RegistryQueryTests {
    private func replicaWithActs() throws -> (Replica, ActID) {
        var replica = Replica()
        let outcome = try replica.apply(F.request(1, .registerBirth(F.birth())))
        guard let act = outcome.acceptedEntry?.actID else { throw QueryTestError.setUp("\(outcome)") }
        try replica.apply(F.request(2, at: F.at(2024, 8, 5), .registerDeath(F.death())))
        try replica.apply(F.request(3, at: F.at(2025, 3, 5), .appendMention(target: act, body: F.marriage())))
        return (replica, act)
    }

    @Test func everyQueryRoundTripsThroughItsBinaryForm() throws {
        let register = RegisterID(office: F.rabatHassan, year: 2024, kind: .birth)
        let act = ActID(register: register, number: 3)
        let queries: [RegistryQuery] = [
            .act(act), .actByCivilID(CivilDigitalID(birthAct: act)), .register(register), .verifyRegister(register),
            .verifyAll(after: nil, limit: 1), .verifyAll(after: register, limit: RegistryQuery.verifyPageMax),
            .registers(after: register, limit: 7), .registers(after: nil, limit: RegistryQuery.registersPageMax), .stats,
        ]
        for query in queries {
            #expect(try RegistryQuery.decode(query.encode()) == query)
        }
    }

    @Test func malformedQueriesAreRefusedWithAStableCode() {
        let register = RegisterID(office: F.rabatHassan, year: 2024, kind: .birth)
        #expect(throws: CodecError.unsupportedVersion(9)) { try RegistryQuery.decode([9, 7]) }
        #expect(throws: CodecError.invalidTag(offset: 1)) { try RegistryQuery.decode([RegistryQuery.formatVersion, 0]) }
        #expect(throws: CodecError.trailingBytes(count: 1)) { try RegistryQuery.decode(RegistryQuery.stats.encode() + [0]) }
        #expect(throws: CodecError.truncated(offset: 2)) { try RegistryQuery.decode([RegistryQuery.formatVersion, 1]) }
        // Page limits outside 1...max would let one query read without bound.
        var zero = RegistryQuery.registers(after: register, limit: 1).encode()
        zero.replaceSubrange((zero.count - 4)..., with: [0, 0, 0, 0])
        #expect(throws: (any Error).self) { try RegistryQuery.decode(zero) }
        let over = RegistryQuery.verifyAll(after: nil, limit: RegistryQuery.verifyPageMax).encode()
        var tooMany = over
        tooMany[tooMany.count - 1] += 1
        let error = #expect(throws: CodecError.self) { try RegistryQuery.decode(tooMany) }
        #expect(error?.code == "codec.invalid_value")
    }

    @Test func answersRoundTripThroughTheirBinaryForm() throws {
        let (replica, act) = try replicaWithActs()
        let queries: [RegistryQuery] = [
            .act(act), .act(ActID(register: act.register, number: 99)), .actByCivilID(CivilDigitalID(birthAct: act)),
            .register(act.register), .verifyRegister(act.register), .verifyAll(after: nil, limit: 1),
            .registers(after: nil, limit: RegistryQuery.registersPageMax), .stats,
        ]
        for query in queries {
            let answer = try query.evaluate(in: replica.store)
            #expect(try RegistryAnswer.decode(answer.encode()) == answer, "\(query)")
        }
        let malformed = RegistryAnswer.malformedQuery(code: "codec.truncated", reason: "ended at 2")
        #expect(try RegistryAnswer.decode(malformed.encode()) == malformed)
        let broken = RegistryAnswer.verification(RegisterVerification(
            register: act.register, result: .broken(ChainBreak(position: 4, reason: .numberingBroken(expected: 4, found: 6)))))
        #expect(try RegistryAnswer.decode(broken.encode()) == broken)
    }

    @Test func actAndCivilIDQueriesReturnTheRecordWithItsMentions() throws {
        let (replica, act) = try replicaWithActs()
        guard case .record(let record?) = try RegistryQuery.act(act).evaluate(in: replica.store) else {
            Issue.record("expected the record")
            return
        }
        #expect(record == (try RegistryQueries.record(act, in: replica.store)))
        #expect(record.mentions.map(\.body.kind) == [.marriage])
        #expect(try RegistryQuery.actByCivilID(CivilDigitalID(birthAct: act)).evaluate(in: replica.store) == .record(record))
        #expect(try RegistryQuery.act(ActID(register: act.register, number: 2)).evaluate(in: replica.store) == .record(nil))
    }

    @Test func registersArePagedInKeyOrderWithACursor() throws {
        let (replica, _) = try replicaWithActs()
        let all = try RegistryQueries.registers(in: replica.store)
        #expect(all.count == 2)
        guard case .registers(let first, let next) = try RegistryQuery.registers(after: nil, limit: 1).evaluate(in: replica.store) else {
            Issue.record("expected a page")
            return
        }
        #expect(first.map(\.register) == [all[0]])
        #expect(next == all[0])
        guard case .registers(let second, let end) = try RegistryQuery.registers(after: next, limit: 1).evaluate(in: replica.store),
              case .registers(let rest, let none) = try RegistryQuery.registers(after: all[1], limit: 1).evaluate(in: replica.store) else {
            Issue.record("expected pages")
            return
        }
        #expect(second.map(\.register) == [all[1]])
        #expect(end == all[1])
        #expect(rest.isEmpty && none == nil)
    }

    @Test func verifyAllReportsEveryRegisterAndATamperedOne() throws {
        var (replica, act) = try replicaWithActs()
        guard case .verifications(let intact, nil) = try RegistryQuery.verifyAll(after: nil, limit: RegistryQuery.verifyPageMax).evaluate(in: replica.store) else {
            Issue.record("expected one page of verifications")
            return
        }
        #expect(intact.count == 2 && intact.allSatisfy(\.result.isIntact))
        var stored = try #require(replica.store.get(StateKeys.act(act)))
        stored[stored.count - 1] ^= 1
        replica.store.put(StateKeys.act(act), stored)
        guard case .verification(let tampered) = try RegistryQuery.verifyRegister(act.register).evaluate(in: replica.store) else {
            Issue.record("expected a verification")
            return
        }
        #expect(tampered.result == .broken(ChainBreak(position: 1, reason: .valueAltered)))
    }

    @Test func statsCountActsByKindAndMentionsAndDigestTheHeads() throws {
        let (replica, act) = try replicaWithActs()
        guard case .stats(let stats) = try RegistryQuery.stats.evaluate(in: replica.store) else {
            Issue.record("expected stats")
            return
        }
        #expect(stats.registers == 2 && stats.birthActs == 1 && stats.deathActs == 1 && stats.mentions == 1)
        // Another replica that applied one more mention ends at another heads digest.
        var other = replica
        try other.apply(F.request(4, at: F.at(2025, 6, 1), .appendMention(target: act, body: .rectification(CorrectionMention(
            field: .givenNameLatin, newValue: .text("Yassin"), reference: .judgment(F.judgment))))))
        guard case .stats(let later) = try RegistryQuery.stats.evaluate(in: other.store) else {
            Issue.record("expected stats")
            return
        }
        #expect(later.mentions == 2)
        #expect(later.chainHeadsDigest != stats.chainHeadsDigest)
        guard case .stats(let again) = try RegistryQuery.stats.evaluate(in: replica.store) else { return }
        #expect(again == stats)
    }
}

private enum QueryTestError: Error {
    case setUp(String)
}
