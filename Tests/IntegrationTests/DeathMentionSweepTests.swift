import Foundation
import Node
import Registry
import Testing

/// `sijil cluster death-mentions` on a running cluster: a death act registered before its birth
/// act was in the register gets its mention once the birth act is there, and a second sweep
/// changes nothing.
@Suite(.serialized) struct DeathMentionSweepTests {
    /// The officer who draws up the test's death acts.
    static let officer = OfficerRef(identifier: "OEC-0401001-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")

    static func death(birthAct: ActID, recordedAt: Timestamp, office: UInt32 = 401001) throws -> [UInt8] {
        let yesterday = GregorianDate(daysSinceEpoch: recordedAt.date.daysSinceEpoch - 1)
        let family = Name(arabic: "العلوي", latin: "El Alaoui")
        let declaration = DeathDeclaration(
            office: OfficeCode(office), deceased: PersonName(givenName: Name(arabic: "سلمى", latin: "Salma"), familyName: family), sex: .female,
            birthDate: nil, birthPlace: nil, birthAct: birthAct, fatherName: nil, motherName: nil, deathDate: DualDate(gregorian: yesterday),
            deathTime: TimeOfDay(hour: 6, minute: 30), deathPlace: Place(arabic: "الرباط", latin: "Rabat"),
            declarant: Declarant(name: PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"), familyName: family), relation: .father))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(RegisterDeathBody(officer: officer, declaration: declaration, recordedAt: recordedAt)))
    }

    static func sweep(_ directory: String) throws -> DeathMentionSweep.Report {
        let run = try CommandLineErrorTests.run(["cluster", "death-mentions", "--dir", directory, "--json"])
        try #require(run.status == 0, "\(run.standardOutput) \(run.standardError)")
        let reports = try JSONDecoder().decode([DeathMentionSweep.Report].self, from: Data(run.standardOutput.utf8))
        #expect(reports.map(\.region) == ["RSK"], "every region of the cluster")
        return try #require(reports.first)
    }

    @Test func aMentionMissedAtRegistrationIsWrittenByTheSweepOnce() async throws {
        try await TestCluster.with { cluster in
            let now = Timestamp.minute(of: Date())
            let regional = cluster.layout.topology.nodes.filter { !$0.isCenter }.map(\.http)
            let client = RegistryClient(http: try cluster.http("registrar"), addresses: regional)
            let birthAct = ActID(register: RegisterID(office: OfficeCode(401003), year: now.date.year, kind: .birth), number: 1)
            let undigitised = ActID(register: RegisterID(office: OfficeCode(401003), year: 1961, kind: .birth), number: 7)

            // The death acts come first: their birth acts are not in the register yet.
            let early = try await client.write(path: "/v1/acts/deaths", body: try Self.death(birthAct: birthAct, recordedAt: now))
            try #require(early.wasWritten, "HTTP \(early.status) \(early.text)")
            let deathAct = try early.decode(WriteResponse.self)
            #expect(deathAct.deathMention?.written == false && deathAct.deathMention?.code == "registry.act_not_found", "\(String(describing: deathAct.deathMention))")
            let orphan = try await client.write(path: "/v1/acts/deaths", body: try Self.death(birthAct: undigitised, recordedAt: now))
            try #require(orphan.wasWritten, "HTTP \(orphan.status) \(orphan.text)")

            // Born two days ago: the register's first birth of the year, the act the death names.
            let birth = try await client.write(path: "/v1/acts/births", body: try TestActs.birth(office: 401003, writer: 0, n: 1, recordedAt: now))
            try #require(birth.wasWritten, "HTTP \(birth.status) \(birth.text)")
            #expect(try birth.decode(WriteResponse.self).actID == birthAct)

            let first = try Self.sweep(cluster.layout.directory)
            #expect(first.deathActsRead == 2)
            #expect(first.findings.map(\.outcome) == ["written", "not_written"], "\(first.findings)")
            #expect(first.findings.last?.code == "registry.act_not_found")
            let record = try await client.get("/v1/acts/\(birthAct.path)").decode(ActResponse.self).record
            guard case .death(let mention)? = record.mentions.first?.body, record.mentions.count == 1 else {
                Issue.record("the birth act's mentions: \(record.mentions.map(\.body))")
                return
            }
            #expect(mention.deathAct == deathAct.actID)

            // A second death act for the same person, drawn up in an office of the other shard
            // group, which cannot see the birth act: its mention is refused, the sweep says why.
            let otherOffice = try #require(cluster.layout.topology.regions[0].shards.last?.firstOffice)
            #expect(cluster.layout.topology.group(forOffice: otherOffice) != cluster.layout.topology.group(forOffice: 401003))
            let twice = try await client.write(path: "/v1/acts/deaths", body: try Self.death(birthAct: birthAct, recordedAt: now, office: otherOffice))
            try #require(twice.wasWritten, "HTTP \(twice.status) \(twice.text)")
            #expect(try twice.decode(WriteResponse.self).deathMention?.written == false)

            let second = try Self.sweep(cluster.layout.directory)
            #expect(second.findings.map(\.outcome) == ["present", "not_written", "other"], "\(second.findings)")
            #expect(second.findings.last?.message?.contains(deathAct.actPath) == true, "names the death act whose mention is there")
            #expect(try await client.get("/v1/acts/\(birthAct.path)").decode(ActResponse.self).record.mentions.count == 1)
        }
    }
}
