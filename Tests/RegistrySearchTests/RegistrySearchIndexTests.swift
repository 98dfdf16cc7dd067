import Foundation
import GRDB
import Registry
import Testing
@testable import RegistrySearch

@Suite struct RegistrySearchIndexTests {
    static let officer = OfficerRef(identifier: "OEC-1", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")

    static func birth(_ given: (String, String), _ family: (String, String), father: (String, String), mother: (String, String),
                      office: OfficeCode = OfficeCode(401003), born: GregorianDate) -> BirthDeclaration {
        BirthDeclaration(
            office: office,
            child: PersonName(givenName: Name(arabic: given.0, latin: given.1), familyName: Name(arabic: family.0, latin: family.1)),
            sex: .male, birthDate: DualDate(gregorian: born), birthTime: TimeOfDay(hour: 8, minute: 0),
            birthPlace: Place(arabic: "الرباط", latin: "Rabat"),
            father: ParentRecord(name: PersonName(givenName: Name(arabic: father.0, latin: father.1), familyName: Name(arabic: family.0, latin: family.1)),
                                 nationality: "مغربية"),
            mother: ParentRecord(name: PersonName(givenName: Name(arabic: mother.0, latin: mother.1), familyName: Name(arabic: "بناني", latin: "Bennani")),
                                 nationality: "مغربية"),
            declarant: Declarant(name: PersonName(givenName: Name(arabic: father.0, latin: father.1), familyName: Name(arabic: family.0, latin: family.1)),
                                 relation: .father))
    }

    struct World {
        var store = InMemoryKeyValueStore()
        var outcomes: [CommandOutcome] = []
        let machine = RegistryStateMachine()
        var next: UInt64 = 1

        mutating func apply(_ operation: RegistryOperation, at date: GregorianDate) throws -> CommandOutcome {
            let request = RegistryRequest(requestID: RequestID(high: 9, low: next), recordedAt: Timestamp(date: date, time: TimeOfDay(hour: 9, minute: 0)),
                                          officer: RegistrySearchIndexTests.officer, operation: operation)
            next += 1
            var tx = Transaction(base: store)
            let outcome = try machine.apply(.single(request), context: ApplyContext(logIndex: next, logTerm: 1), into: &tx)
            store.apply(tx.writes)
            outcomes.append(outcome)
            return outcome
        }
    }

    static func world() throws -> (World, RegistrySearchIndex) {
        var world = World()
        let index = try RegistrySearchIndex()
        let births = [
            birth(("محمد", "Mohammed"), ("العلوي", "El Alaoui"), father: ("أحمد", "Ahmed"), mother: ("فاطمة", "Fatima"), born: GregorianDate(year: 2024, month: 3, day: 1)),
            birth(("يوسف", "Youssef"), ("بنعلي", "Benali"), father: ("عبد الله", "Abdellah"), mother: ("خديجة", "Khadija"), born: GregorianDate(year: 2024, month: 3, day: 20)),
            birth(("سلمى", "Salma"), ("الفاسي", "El Fassi"), father: ("محمد", "Mohamed"), mother: ("عائشة", "Aicha"), office: OfficeCode(601001), born: GregorianDate(year: 2024, month: 4, day: 2)),
            birth(("أحمد", "Ahmed"), ("التازي", "Tazi"), father: ("إدريس", "Driss"), mother: ("فاطمة", "Fatima"), born: GregorianDate(year: 2024, month: 4, day: 10)),
        ]
        for birth in births {
            let outcome = try world.apply(.registerBirth(birth), at: birth.birthDate.gregorian.adding(days: 5))
            try index.update(with: outcome, from: world.store)
        }
        return (world, index)
    }

    func names(_ hits: [ActSearchHit]) -> [String] { hits.map(\.nameLatin) }

    @Test func findsByLatinNameAcrossTranscriptions() throws {
        let (_, index) = try Self.world()
        #expect(names(try index.search(ActSearchQuery(name: "Muhammad Alaoui"))) == ["Mohammed El Alaoui"])
        #expect(names(try index.search(ActSearchQuery(name: "yusuf ben ali"))) == ["Youssef Benali"])
    }

    @Test func findsByArabicNameAcrossSpellings() throws {
        let (_, index) = try Self.world()
        #expect(names(try index.search(ActSearchQuery(name: "مُحمّد علوي"))) == ["Mohammed El Alaoui"])
        #expect(names(try index.search(ActSearchQuery(name: "احمد"))) == ["Ahmed Tazi"])
    }

    @Test func findsByParentsNames() throws {
        let (_, index) = try Self.world()
        #expect(Set(names(try index.search(ActSearchQuery(motherName: "فاطمه")))) == ["Mohammed El Alaoui", "Ahmed Tazi"])
        #expect(names(try index.search(ActSearchQuery(fatherName: "Abdallah"))) == ["Youssef Benali"])
        #expect(names(try index.search(ActSearchQuery(fatherName: "Mohamed"))) == ["Salma El Fassi"])
    }

    @Test func filtersByDateAndOffice() throws {
        let (_, index) = try Self.world()
        let april = try index.search(ActSearchQuery(eventFrom: GregorianDate(year: 2024, month: 4, day: 1), eventTo: GregorianDate(year: 2024, month: 4, day: 30)))
        #expect(Set(names(april)) == ["Salma El Fassi", "Ahmed Tazi"])
        #expect(names(try index.search(ActSearchQuery(office: OfficeCode(601001)))) == ["Salma El Fassi"])
        #expect(try index.search(ActSearchQuery(name: "Salma", office: OfficeCode(401003))).isEmpty)
    }

    @Test func exactSpellingRanksFirst() throws {
        var (world, index) = try Self.world()
        let other = Self.birth(("محمد", "Mohamed"), ("العلوي", "Alaoui"), father: ("عمر", "Omar"), mother: ("سلمى", "Salma"),
                               born: GregorianDate(year: 2024, month: 5, day: 1))
        try index.update(with: try world.apply(.registerBirth(other), at: GregorianDate(year: 2024, month: 5, day: 3)), from: world.store)
        let hits = try index.search(ActSearchQuery(name: "Mohamed Alaoui"))
        #expect(names(hits) == ["Mohamed Alaoui", "Mohammed El Alaoui"])
    }

    @Test func correctionMakesTheNewNameSearchableAndKeepsTheOld() throws {
        var (world, index) = try Self.world()
        let act = try #require(world.outcomes[0].acceptedEntry).actID
        let correction = MentionBody.rectification(CorrectionMention(
            field: .givenNameLatin, newValue: .text("Amine"),
            reference: .judgment(JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "1/2024", date: GregorianDate(year: 2024, month: 6, day: 1)))))
        try index.update(with: try world.apply(.appendMention(target: act, body: correction), at: GregorianDate(year: 2024, month: 6, day: 2)), from: world.store)
        #expect(names(try index.search(ActSearchQuery(name: "Amine Alaoui"))) == ["Amine El Alaoui"])
        #expect(names(try index.search(ActSearchQuery(name: "Mohammed Alaoui"))) == ["Amine El Alaoui"])
        #expect(index.count() == 4)
    }

    @Test func rebuildFromTheStateEqualsTheIncrementalIndex() throws {
        let (world, index) = try Self.world()
        let rebuilt = try RegistrySearchIndex()
        try rebuilt.rebuild(from: world.store)
        let queries = [ActSearchQuery(), ActSearchQuery(name: "Mohamed"), ActSearchQuery(motherName: "Fatima"),
                       ActSearchQuery(name: "سلمى"), ActSearchQuery(eventFrom: GregorianDate(year: 2024, month: 3, day: 15))]
        for query in queries {
            #expect(try rebuilt.search(query) == (try index.search(query)))
        }
        #expect(rebuilt.count() == 4)
    }

    /// A rebuild reads a view of the state taken before; a mention applied since is indexed
    /// from a newer read. Whatever order the two reach the index in, the newer one stays.
    @Test func anOlderReadOfAnActNeverReplacesANewerOne() throws {
        var (world, index) = try Self.world()
        let act = try #require(world.outcomes[0].acceptedEntry).actID
        let before = try #require(try RegistryQueries.record(act, in: world.store))
        let correction = MentionBody.rectification(CorrectionMention(
            field: .givenNameLatin, newValue: .text("Amine"),
            reference: .judgment(JudgmentReference(court: "المحكمة الابتدائية بالرباط", number: "2/2024", date: GregorianDate(year: 2024, month: 6, day: 1)))))
        _ = try world.apply(.appendMention(target: act, body: correction), at: GregorianDate(year: 2024, month: 6, day: 2))
        let after = try #require(try RegistryQueries.record(act, in: world.store))
        try #require(after.mentions.count == before.mentions.count + 1)
        for order in [[after, before], [before, after]] {
            for record in order { try index.index(record) }
            #expect(names(try index.search(ActSearchQuery(name: "Amine Alaoui"))) == ["Amine El Alaoui"], "written in the order \(order.map(\.mentions.count))")
        }
        #expect(index.count() == 4)
    }

    /// A replacement keeps the acts it reads and those written meanwhile, and removes the rest.
    @Test func aReplacementRemovesOnlyWhatItDidNotFindOrWasNotWrittenDuringIt() throws {
        var (world, index) = try Self.world()
        let ids = world.outcomes.compactMap { $0.acceptedEntry?.actID }
        // An act the state does not hold (as if left by a group this node no longer hosts).
        var stray = try #require(try RegistryQueries.record(ids[3], in: world.store))
        stray.act.id = ActID(register: stray.act.id.register, number: 99)
        guard case .birth(var birth) = stray.act.content else { Issue.record("not a birth"); return }
        birth.child.familyName = Name(arabic: "الغريب", latin: "Gharib")
        stray.act.content = .birth(birth)
        try index.index(stray)
        #expect(index.count() == 5)

        let replacement = try index.beginReplacement()
        // The replacement's view: the first three acts.
        for id in ids[0..<3] { try index.index(try #require(try RegistryQueries.record(id, in: world.store))) }
        // Written meanwhile: the fourth act as read again after a turn, and a new act.
        try index.index(try #require(try RegistryQueries.record(ids[3], in: world.store)))
        let later = Self.birth(("إلياس", "Ilyas"), ("المريني", "Merini"), father: ("عمر", "Omar"), mother: ("سناء", "Sanae"), born: GregorianDate(year: 2024, month: 5, day: 1))
        try index.update(with: try world.apply(.registerBirth(later), at: GregorianDate(year: 2024, month: 5, day: 3)), from: world.store)
        #expect(try index.finishReplacement(replacement) == 1)
        #expect(index.count() == 5)
        #expect(try index.search(ActSearchQuery(name: "Gharib")).isEmpty, "the stray act is gone from the full-text index too")
        #expect(names(try index.search(ActSearchQuery(name: "Ilyas"))) == ["Ilyas Merini"])
        #expect(names(try index.search(ActSearchQuery(name: "Ahmed Tazi"))) == ["Ahmed Tazi"])
        #expect(try index.countedInTable() == index.count())
    }

    @Test func onlyTheLastReplacementBegunCanFinish() throws {
        let (_, index) = try Self.world()
        let first = try index.beginReplacement()
        let second = try index.beginReplacement()
        #expect(throws: (any Error).self) { try index.finishReplacement(first) }
        #expect(try index.finishReplacement(second) == 4, "nothing was written during the second: every act goes")
        #expect(index.count() == 0)
        #expect(try index.countedInTable() == 0)
    }

    @Test func rejectedOutcomeChangesNothing() throws {
        var (world, index) = try Self.world()
        var bad = Self.birth(("", "X"), ("Y", "Y"), father: ("A", "A"), mother: ("B", "B"), born: GregorianDate(year: 2024, month: 5, day: 1))
        bad.office = OfficeCode(401999)
        let outcome = try world.apply(.registerBirth(bad), at: GregorianDate(year: 2024, month: 5, day: 2))
        try index.update(with: outcome, from: world.store)
        #expect(index.count() == 4)
    }

    @Test func reindexingAnActDropsTheNamesItNoLongerCarries() throws {
        let (world, index) = try Self.world()
        let id = try #require(world.outcomes[1].acceptedEntry).actID
        var record = try #require(try RegistryQueries.record(id, in: world.store))
        #expect(names(try index.search(ActSearchQuery(name: "Youssef Benali"))) == ["Youssef Benali"])
        guard case .birth(var birth) = record.act.content else { Issue.record("not a birth"); return }
        birth.child = PersonName(givenName: Name(arabic: "إلياس", latin: "Ilyas"), familyName: birth.child.familyName)
        record.act.content = .birth(birth)
        try index.index(record)
        #expect(try index.search(ActSearchQuery(name: "Youssef")).isEmpty)
        #expect(names(try index.search(ActSearchQuery(name: "Ilyas Benali"))) == ["Ilyas Benali"])
        #expect(names(try index.search(ActSearchQuery(name: "الياس"))) == ["Ilyas Benali"])
        #expect(names(try index.search(ActSearchQuery(fatherName: "Abdellah"))) == ["Ilyas Benali"])
        #expect(index.count() == 4)
    }

    @Test func anIndexFileOfAnotherLayoutIsEmptiedAndReported() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-search-layout-\(ProcessInfo.processInfo.processIdentifier).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // The first layout: one row per name key, and no layout number.
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE act (act_key TEXT PRIMARY KEY, office INTEGER NOT NULL, register_year INTEGER NOT NULL, kind INTEGER NOT NULL,
                                      number INTEGER NOT NULL, event_day INTEGER NOT NULL, civil_id TEXT, name_latin TEXT NOT NULL, name_arabic TEXT NOT NULL);
                    CREATE TABLE name_key (act_key TEXT NOT NULL, role INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (key, role, act_key)) WITHOUT ROWID;
                    INSERT INTO act VALUES ('0401003/2024/birth/1', 401003, 2024, 1, 1, 19800, NULL, 'Old Layout', 'قديم');
                    """)
            }
        }
        let (world, _) = try Self.world()
        do {
            let index = try RegistrySearchIndex(path: path)
            #expect(index.replacedOtherLayout)
            #expect(index.count() == 0)
            try index.rebuild(from: world.store)
            #expect(names(try index.search(ActSearchQuery(name: "Tazi"))) == ["Ahmed Tazi"])
        }
        let reopened = try RegistrySearchIndex(path: path)
        #expect(!reopened.replacedOtherLayout)
        #expect(reopened.count() == 4)
    }

    @Test func onDiskIndexPersistsAcrossReopen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-search-\(ProcessInfo.processInfo.processIdentifier).sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (world, _) = try Self.world()
        do {
            let index = try RegistrySearchIndex(path: path)
            try index.rebuild(from: world.store)
        }
        let reopened = try RegistrySearchIndex(path: path)
        #expect(names(try reopened.search(ActSearchQuery(name: "Tazi"))) == ["Ahmed Tazi"])
    }
}
