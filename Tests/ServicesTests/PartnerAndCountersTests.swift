import Foundation
import NodeCore
import Raft
import Registry
import Services
import Testing

/// Field minimisation for partners, and the counters the shard machine derives from the register.
@Suite struct PartnerAndCountersTests {
    @Test func vitalStatusDisclosesOnlyAliveOrNot() throws {
        var harness = ServiceHarness()
        let entry = try harness.birthAct()
        let civilID = try #require(entry.civilDigitalID)
        let record = try RegistryQueries.record(entry.actID, in: harness.store)
        #expect(PartnerDisclosure.vitalStatus(civilID, record: record) == VitalStatusAnswer(civilDigitalID: civilID.digits, found: true, alive: true))
        try harness.register(RegistryRequest(requestID: ServiceFixtures.id(50), recordedAt: ServiceFixtures.at(2025, 3, 10), officer: ServiceFixtures.officer,
                                             operation: .appendMention(target: entry.actID, body: .death(DeathMention(
                                                deathDate: DualDate(gregorian: ServiceFixtures.date(2025, 3, 9)), deathPlace: Place(arabic: "الرباط", latin: "Rabat"), deathAct: nil)))))
        let after = try RegistryQueries.record(entry.actID, in: harness.store)
        #expect(PartnerDisclosure.vitalStatus(civilID, record: after).alive == false)
        #expect(PartnerDisclosure.vitalStatus(civilID, record: nil) == VitalStatusAnswer(civilDigitalID: civilID.digits, found: false, alive: nil))
        let pension = PartnerDisclosure.pensionFile(civilID, record: after)
        #expect(pension.deathDate == ServiceFixtures.date(2025, 3, 9))
        #expect(pension.maritalStatus == "single")
        #expect(pension.nameLatin == "Yassine El Alaoui")
    }

    @Test func theVitalStatusAnswerCarriesNoOtherField() throws {
        let civilID = (CivilDigitalID(birthAct: ActID(register: RegisterID(office: ServiceFixtures.rabatHassan, year: 2025, kind: .birth), number: 1)))
        let json = try String(decoding: JSONEncoderForTests.encode(PartnerDisclosure.vitalStatus(civilID, record: nil)), as: UTF8.self)
        #expect(json == "{\"civilDigitalID\":\"\(civilID.digits)\",\"found\":false}")
    }

    @Test func registeredActsAreCountedByOfficeAndMonthOfTheEventAndDeathsFeedTheNotices() throws {
        var harness = ServiceHarness()
        _ = try harness.birthAct(ServiceFixtures.birth(born: ServiceFixtures.date(2025, 2, 20)), n: 1)
        _ = try harness.birthAct(ServiceFixtures.birth(born: ServiceFixtures.date(2025, 3, 1)), n: 2)
        try harness.register(RegistryRequest(requestID: ServiceFixtures.id(3), recordedAt: ServiceFixtures.at(2025, 3, 3), officer: ServiceFixtures.officer,
                                             operation: .registerDeath(ServiceFixtures.death(died: ServiceFixtures.date(2025, 3, 2)))))
        guard case .vitalCounts(let counts) = try harness.query(.vitalCounts) else { Issue.record("no counts"); return }
        #expect(Set(counts.map { "\($0.year)-\($0.month)-\($0.kind.name)=\($0.count)" }) == ["2025-2-birth=1", "2025-3-birth=1", "2025-3-death=1"])
        guard case .deathNotices(let notices, let length) = try harness.query(.deathNotices(after: 0, limit: 10)) else { Issue.record("no feed"); return }
        #expect(length == 1)
        #expect(notices.first?.deathDate == ServiceFixtures.date(2025, 3, 2))
        guard case .deathNotices(let none, _) = try harness.query(.deathNotices(after: 1, limit: 10)) else { Issue.record("no feed"); return }
        #expect(none.isEmpty)
    }

    @Test func theShardMachineCountsPlainRegisterCommandsAndLeavesTheRegistersOutcomeUnchanged() throws {
        let shard = ShardMachine()
        let registry = RegistryMachine()
        let command = RegistryCommand.single(RegistryRequest(requestID: ServiceFixtures.id(1), recordedAt: ServiceFixtures.at(2025, 3, 3),
                                                             officer: ServiceFixtures.officer, operation: .registerBirth(ServiceFixtures.birth()))).encode()
        let context = CommandContext(group: 4001, index: 1, term: 1, position: 0)
        var shardTx = Transaction(base: InMemoryKeyValueStore())
        var registryTx = Transaction(base: InMemoryKeyValueStore())
        let shardOutcome = try shard.apply(command, context: context, state: &shardTx)
        let registryOutcome = try registry.apply(command, context: context, state: &registryTx)
        #expect(shardOutcome == registryOutcome)
        let extra = shardTx.writes.operations.map(\.key).filter { key in !registryTx.writes.operations.contains { $0.key == key } }
        #expect(!extra.isEmpty)
        #expect(extra.allSatisfy { (0x60...0x6F).contains($0.first ?? 0) })
        #expect(ShardMachine.touchedActs(command: command, outcome: shardOutcome).count == 1)
    }

    @Test func theShardMachineRefusesAMalformedServiceCommandTheSameWayOnEveryReplica() throws {
        let shard = ShardMachine()
        let garbage: [UInt8] = [ServiceCommand.marker, 1, 0xFF, 0xFF]
        let refusal = try #require(try shard.precheck(garbage, state: InMemoryKeyValueStore()))
        var tx = Transaction(base: InMemoryKeyValueStore())
        let applied = try shard.apply(garbage, context: CommandContext(group: 1, index: 1, term: 1, position: 0), state: &tx)
        #expect(refusal == applied)
        #expect(tx.writes.isEmpty)
        #expect(try ServiceOutcome.decode(applied).violationCodes == ["service.malformed_command"])
    }

    @Test func serviceCommandsRoundTripThroughTheirBinaryForm() throws {
        let reference = ServiceReference(office: ServiceFixtures.rabatHassan, id: ServiceFixtures.id(4))
        let commands: [ServiceOperation] = [
            .recordAudit([ServiceFixtures.audit("read_act", at: ServiceFixtures.at(2025, 1, 1))]),
            .openPayment(reference), .recordPayment(reference, attempt: 2, result: .declined(reason: "no")),
            .recordIssue(reference, verificationCode: "ABCDE12345", copy: [1, 2], issuedBy: "x"),
            .recordDispatch(reference, trackingNumber: "RR"), .recordDelivery(reference),
            .registerDeclaration(reference, officer: ServiceFixtures.officer, judgment: ServiceFixtures.judgment),
            .rejectDeclaration(reference, reason: "r"),
        ]
        for operation in commands {
            let command = ServiceCommand(at: ServiceFixtures.at(2025, 1, 2), audit: ServiceFixtures.audit("a", at: ServiceFixtures.at(2025, 1, 2)), operation: operation)
            #expect(try ServiceCommand.decode(command.encode()) == command)
        }
    }
}

enum JSONEncoderForTests {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }
}
