import Registry
import Services
import Testing

@Suite struct AuditChainTests {
    static func filled(_ count: Int) throws -> ServiceHarness {
        var harness = ServiceHarness()
        for n in 0..<count {
            try harness.apply(.recordAudit([ServiceFixtures.audit("read_act", at: ServiceFixtures.at(2025, 3, 3), subject: "0401003/2025/birth/\(n + 1)")]),
                              at: ServiceFixtures.at(2025, 3, 3))
        }
        return harness
    }

    @Test func appendedRecordsAreNumberedInOrderAndTheChainVerifies() throws {
        let harness = try Self.filled(5)
        guard case .auditEntries(let entries, let length) = try harness.query(.auditLog(after: 0, limit: 10)) else { Issue.record("no entries"); return }
        #expect(length == 5)
        #expect(entries.map(\.position) == [1, 2, 3, 4, 5])
        #expect(entries.map(\.record.subject).last == "0401003/2025/birth/5")
        guard case .auditVerification(.intact(let verified, _)) = try harness.query(.verifyAudit) else { Issue.record("not intact"); return }
        #expect(verified == 5)
    }

    @Test func anAlteredRecordBreaksTheChainAtItsPosition() throws {
        var harness = try Self.filled(4)
        let key = ServiceKeys.auditEntry(3)
        var entry = try AuditEntry.decode(canonical: try #require(harness.store.get(key)))
        entry.record.actor = "someone else"
        harness.store.put(key, entry.canonicalBytes)
        #expect(try harness.query(.verifyAudit) == .auditVerification(.broken(position: 3, reason: "the record or its link was altered")))
    }

    @Test func aRemovedEntryBreaksTheChain() throws {
        var harness = try Self.filled(4)
        harness.store.delete(ServiceKeys.auditEntry(2))
        guard case .auditVerification(.broken(let position, _)) = try harness.query(.verifyAudit) else { Issue.record("removal not detected"); return }
        #expect(position == 2)
    }

    @Test func aTruncatedLogIsDetectedAgainstItsState() throws {
        var harness = try Self.filled(3)
        harness.store.delete(ServiceKeys.auditEntry(3))
        guard case .auditVerification(.broken(let position, _)) = try harness.query(.verifyAudit) else { Issue.record("truncation not detected"); return }
        #expect(position == 3)
    }

    @Test func aWriteIsAuditedInTheSameEntryAndARejectedWriteIsNot() throws {
        var harness = ServiceHarness()
        _ = try harness.birthAct()
        var invalid = ServiceFixtures.birth()
        invalid.child.givenName.latin = ""
        _ = try harness.register(RegistryRequest(requestID: ServiceFixtures.id(2), recordedAt: ServiceFixtures.at(2025, 3, 3),
                                                 officer: ServiceFixtures.officer, operation: .registerBirth(invalid)))
        guard case .auditEntries(let entries, _) = try harness.query(.auditLog(after: 0, limit: 10)) else { Issue.record("no entries"); return }
        #expect(entries.map(\.record.action) == ["register"])
    }

    @Test func twoReplicasApplyingTheSameCommandsHoldTheSameBytes() throws {
        let first = try Self.filled(6)
        let second = try Self.filled(6)
        #expect(first.store == second.store)
    }

    @Test func anEmptyOrOversizedAuditBatchIsRejectedAndWritesNothing() throws {
        var harness = ServiceHarness()
        let empty = try harness.apply(.recordAudit([]), at: ServiceFixtures.at(2025, 3, 3))
        let many = Array(repeating: ServiceFixtures.audit("x", at: ServiceFixtures.at(2025, 3, 3)), count: ServiceLimits.auditRecordsPerCommandMax + 1)
        let big = try harness.apply(.recordAudit(many), at: ServiceFixtures.at(2025, 3, 3))
        #expect(empty.violationCodes == ["audit.batch_size"])
        #expect(big.violationCodes == ["audit.batch_size"])
        #expect(harness.store.count == 0)
    }
}
