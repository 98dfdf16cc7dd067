import NodeCore
import Raft
import Registry
import Testing

typealias F = RegistryFixtures

/// The registry state machine hosted by a real `NodeCore`: one member, one group, every request
/// through `submit` and `runTurn`, as the HTTP layer will use it.
@Suite struct RegistryMachineNodeTests {
    private func acceptedEntry(_ result: ClientResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> AcceptedEntry {
        guard case .applied = result, case .accepted(let entry)? = result.commandOutcome else {
            Issue.record("expected an applied, accepted outcome, got \(result)", sourceLocation: sourceLocation)
            throw RegistryMachineTestError.unexpected
        }
        return entry
    }

    @Test func birthThenMentionThenLinearizableReadSeesBoth() throws {
        let node = try SingleNode()
        try node.elect()
        let birth = try acceptedEntry(try node.write(F.registerBirth(1)))
        #expect(birth.actID == ActID(register: RegisterID(office: F.office, year: 2026, kind: .birth), number: 1))
        #expect(birth.civilDigitalID == CivilDigitalID(birthAct: birth.actID))

        let mention = try acceptedEntry(try node.write(F.transcriptionCorrection(2, on: birth.actID)))
        #expect(mention.actID == birth.actID)
        #expect(mention.mentionSequence == 1)
        #expect(mention.chainPosition == 2)

        let read = try node.read(.act(birth.actID))
        guard case .answered(let index, let behind, _, _) = read, case .record(let record?)? = read.registryAnswer else {
            Issue.record("expected the act, got \(read)")
            return
        }
        #expect(behind == 0)
        #expect(index >= node.raft.commitIndex)
        #expect(record.act.requestID == F.requestID(1))
        #expect(record.act.provenance.logIndex > 0)
        #expect(record.mentions.map(\.sequence) == [1])
        #expect(record.mentions.first?.requestID == F.requestID(2))

        let byCivilID = try node.read(.actByCivilID(birth.civilDigitalID!)).registryAnswer
        #expect(byCivilID == .record(record))
        guard case .verification(let verification)? = try node.read(.verifyRegister(birth.actID.register)).registryAnswer else {
            Issue.record("expected a verification")
            return
        }
        #expect(verification.result == .intact(length: 2, head: mention.chainHead))
    }

    @Test func invalidActIsRefusedBeforeTheLogAndWritesNothing() throws {
        let node = try SingleNode()
        try node.elect()
        let lastIndex = node.raft.lastIndex
        let stateBefore = try node.statePairs()
        var birth = F.birth()
        birth.child.givenName.latin = "Yass1ne"
        let result = try node.write(F.registerBirth(1, birth))
        guard case .refused = result, case .rejected(let violations)? = result.commandOutcome else {
            Issue.record("expected a refusal with violations, got \(result)")
            return
        }
        #expect(violations.map(\.rule) == [.wrongScript])
        #expect(violations.map(\.field) == [.childGivenNameLatin])
        #expect(node.raft.lastIndex == lastIndex, "a refused command must not reach the log")
        let stateAfter = try node.statePairs()
        #expect(stateAfter.map(\.key) == stateBefore.map(\.key))
    }

    @Test func mentionOnAnAbsentActIsRefusedBeforeTheLog() throws {
        let node = try SingleNode()
        try node.elect()
        let lastIndex = node.raft.lastIndex
        let absent = ActID(register: RegisterID(office: F.office, year: 2026, kind: .birth), number: 7)
        let result = try node.write(F.transcriptionCorrection(1, on: absent))
        guard case .refused = result, case .rejected(let violations)? = result.commandOutcome else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(violations.map(\.rule) == [.actNotFound])
        #expect(node.raft.lastIndex == lastIndex)
    }

    @Test func retriedRequestIDReturnsTheOriginalOutcomeAndNoSecondAct() throws {
        let node = try SingleNode()
        try node.elect()
        let first = try acceptedEntry(try node.write(F.registerBirth(1)))
        let lastIndex = node.raft.lastIndex
        let retry = try node.write(F.registerBirth(1))
        guard case .refused = retry, case .duplicate(let original)? = retry.commandOutcome else {
            Issue.record("expected the duplicate refused before the log, got \(retry)")
            return
        }
        #expect(original == first)
        #expect(node.raft.lastIndex == lastIndex, "a duplicate must not reach the log")
        guard case .register(let state?)? = try node.read(.register(first.actID.register)).registryAnswer else {
            Issue.record("expected the register state")
            return
        }
        #expect(state.actCount == 1)

        // The same id with another body is refused and names the rule.
        let reused = try node.write(F.registerBirth(1, F.birth(given: Name(arabic: "يوسف", latin: "Youssef"))))
        guard case .rejected(let violations)? = reused.commandOutcome else {
            Issue.record("expected a rejection, got \(reused)")
            return
        }
        #expect(violations.map(\.rule) == [.requestIDReused])
    }

    @Test func batchOfOnlyRefusedRequestsNeverReachesTheLog() throws {
        let node = try SingleNode()
        try node.elect()
        let accepted = try acceptedEntry(try node.write(F.registerBirth(1)))
        let lastIndex = node.raft.lastIndex
        var invalid = F.birth()
        invalid.birthTime = TimeOfDay(hour: 24, minute: 0)
        guard case .single(let retried) = F.registerBirth(1), case .single(let broken) = F.registerBirth(2, invalid) else { return }
        let result = try node.write(.batch([retried, broken]))
        guard case .refused = result, case .batch(let outcomes)? = result.commandOutcome, outcomes.count == 2 else {
            Issue.record("expected a refused batch, got \(result)")
            return
        }
        #expect(outcomes[0] == .duplicate(accepted))
        #expect(outcomes[1].acceptedEntry == nil)
        #expect(node.raft.lastIndex == lastIndex)
    }

    @Test func undecodableCommandIsRefusedAndTheGroupKeepsWorking() throws {
        let node = try SingleNode()
        try node.elect()
        let lastIndex = node.raft.lastIndex
        let result = try node.perform(.write(group: SingleNode.group, command: [0x01, 0x09, 0xFF]))
        guard case .refused = result, case .rejected(let violations)? = result.commandOutcome else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(violations.map(\.rule) == [.malformedCommand])
        #expect(violations.map(\.field) == [.command])
        #expect(node.raft.lastIndex == lastIndex)
        _ = try acceptedEntry(try node.write(F.registerBirth(1)))
        #expect(node.core.haltReason(of: SingleNode.group) == nil)
    }

    @Test func malformedQueryIsAnsweredWithoutHaltingTheGroup() throws {
        let node = try SingleNode()
        try node.elect()
        let result = try node.perform(.read(group: SingleNode.group, query: [RegistryQuery.formatVersion, 0x63]))
        guard case .malformedQuery(let code, _)? = result.registryAnswer else {
            Issue.record("expected a malformed-query answer, got \(result)")
            return
        }
        #expect(code == "codec.invalid_tag")
        #expect(node.core.haltReason(of: SingleNode.group) == nil)
        #expect(try node.read(.stats).registryAnswer != nil)
    }

    @Test func restartOnTheSameDiskRecoversTheSameState() throws {
        let node = try SingleNode()
        try node.elect()
        let birth = try acceptedEntry(try node.write(F.registerBirth(1)))
        _ = try acceptedEntry(try node.write(F.registerBirth(2, F.birth(given: Name(arabic: "سلمى", latin: "Salma")))))
        _ = try acceptedEntry(try node.write(F.transcriptionCorrection(3, on: birth.actID)))
        let statsBefore = try node.read(.stats).registryAnswer
        let stateBefore = try node.statePairs()
        let appliedBefore = node.raft.appliedIndex

        let reopened = try SingleNode(disk: node.disk)
        #expect(reopened.raft.appliedIndex == appliedBefore)
        let stateAfter = try reopened.statePairs()
        #expect(stateAfter.map(\.key) == stateBefore.map(\.key))
        #expect(stateAfter.map(\.value) == stateBefore.map(\.value))
        try reopened.elect()
        #expect(try reopened.read(.stats).registryAnswer == statsBefore)
        guard case .stats(let stats)? = statsBefore else {
            Issue.record("expected stats, got \(String(describing: statsBefore))")
            return
        }
        #expect(stats.birthActs == 2 && stats.deathActs == 0 && stats.mentions == 1 && stats.registers == 1)

        // Numbering continues densely after the restart.
        let third = try acceptedEntry(try reopened.write(F.registerBirth(4, F.birth(given: Name(arabic: "عمر", latin: "Omar")))))
        #expect(third.actID.number == 3)
        let retry = try reopened.write(F.registerBirth(1))
        #expect(retry.commandOutcome == .duplicate(birth))
    }
}

enum RegistryMachineTestError: Error {
    case unexpected
}

/// `RegistryMachine` driven directly, for what cannot be reached through a node that prechecks.
@Suite struct RegistryMachineApplyTests {
    @Test func undecodableCommandInTheLogIsADeterministicRejectionThatWritesNothing() throws {
        let machine = RegistryMachine()
        let store = InMemoryKeyValueStore()
        let context = CommandContext(group: 1, index: 9, term: 2, position: 0)
        var first = Transaction(base: store)
        var second = Transaction(base: store)
        let garbage: [UInt8] = [0x02, 0x01]
        let a = try machine.apply(garbage, context: context, state: &first)
        let b = try machine.apply(garbage, context: context, state: &second)
        #expect(a == b)
        #expect(first.writes.isEmpty)
        guard case .rejected(let violations) = try CommandOutcome.decode(a) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(violations.map(\.rule) == [.malformedCommand])
        #expect(violations[0].reason.contains("codec.unsupported_version"))
    }

    @Test func applyRecordsTheLogPositionAsProvenance() throws {
        let machine = RegistryMachine()
        var store = InMemoryKeyValueStore()
        var tx = Transaction(base: store)
        let outcome = try CommandOutcome.decode(try machine.apply(F.registerBirth(1).encode(), context: CommandContext(group: 1, index: 17, term: 3, position: 2), state: &tx))
        store.apply(tx.writes)
        guard let id = outcome.acceptedEntry?.actID, let act = try RegistryQueries.act(id, in: store) else {
            Issue.record("expected an accepted act, got \(outcome)")
            return
        }
        #expect(act.provenance == Provenance(logIndex: 17, logTerm: 3))
    }

    @Test func precheckOnTheAppliedStateAnswersWhatApplyWouldAnswer() throws {
        let machine = RegistryMachine()
        var store = InMemoryKeyValueStore()
        #expect(try machine.precheck(F.registerBirth(1).encode(), state: store) == nil)
        var tx = Transaction(base: store)
        let applied = try machine.apply(F.registerBirth(1).encode(), context: CommandContext(group: 1, index: 1, term: 1, position: 0), state: &tx)
        store.apply(tx.writes)
        guard case .accepted(let entry) = try CommandOutcome.decode(applied) else {
            Issue.record("expected acceptance")
            return
        }
        var again = Transaction(base: store)
        let reapplied = try machine.apply(F.registerBirth(1).encode(), context: CommandContext(group: 1, index: 2, term: 1, position: 0), state: &again)
        #expect(try machine.precheck(F.registerBirth(1).encode(), state: store) == reapplied)
        #expect(try CommandOutcome.decode(reapplied) == .duplicate(entry))
        #expect(again.writes.isEmpty)
    }
}
