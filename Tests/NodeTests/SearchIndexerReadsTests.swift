import NodeCore
import Registry
import Testing
@testable import Node

/// Which touched acts the search indexer reads with their mentions after a turn.
@Suite struct SearchIndexerReadsTests {
    static func act(_ number: UInt64) -> ActID {
        ActID(register: RegisterID(office: OfficeCode(401003), year: 1980, kind: .birth), number: number)
    }

    @Test func anActDrawnUpInTheTurnIsReadWithoutItsMentions() {
        let reads = SearchIndexer.reads([TouchedAct(id: Self.act(1), created: true), TouchedAct(id: Self.act(2), created: true)])
        #expect(reads.map(\.id) == [Self.act(1), Self.act(2)])
        #expect(reads.map(\.withMentions) == [false, false])
    }

    @Test func aMentionInTheSameTurnOrLaterReadsThemOncePerAct() {
        let reads = SearchIndexer.reads([
            TouchedAct(id: Self.act(1), created: true), TouchedAct(id: Self.act(2), created: false),
            TouchedAct(id: Self.act(1), created: false), TouchedAct(id: Self.act(3), created: true),
            TouchedAct(id: Self.act(2), created: false),
        ])
        #expect(reads.map(\.id) == [Self.act(1), Self.act(2), Self.act(3)])
        #expect(reads.map(\.withMentions) == [true, true, false])
    }
}

/// How the writer merges the records queued by several turns before one SQLite transaction.
@Suite struct SearchIndexWriterMergeTests {
    static func record(_ number: UInt64, given: String) -> ActRecord {
        let id = SearchIndexerReadsTests.act(number)
        let act = Act(id: id, civilDigitalID: nil, content: .birth(Bodies.birth(given: given)),
                      recordedAt: Timestamp(date: GregorianDate(year: 1980, month: 1, day: 2), time: TimeOfDay(hour: 9, minute: 0)),
                      officer: Bodies.officer, requestID: RequestID(high: 1, low: number), origin: .live,
                      provenance: Provenance(logIndex: number, logTerm: 1))
        return ActRecord(act: act, mentions: [])
    }

    static func givenNames(_ records: [ActRecord]) -> [String] {
        records.map { record in
            guard case .birth(let birth) = record.act.content else { return "?" }
            return birth.child.givenName.latin
        }
    }

    @Test func distinctActsAreKeptInOrder() {
        let records = SearchIndexWriter.lastOfEach([Self.record(1, given: "Amine"), Self.record(2, given: "Yassine"), Self.record(3, given: "Salma")])
        #expect(records.map(\.act.id.number) == [1, 2, 3])
    }

    @Test func theLastRecordOfAnActWinsAtItsLastPlace() {
        let records = SearchIndexWriter.lastOfEach([Self.record(1, given: "Amine"), Self.record(2, given: "Yassine"),
                                                    Self.record(1, given: "Ilyas"), Self.record(3, given: "Salma")])
        #expect(records.map(\.act.id.number) == [2, 1, 3])
        #expect(Self.givenNames(records) == ["Yassine", "Ilyas", "Salma"])
    }
}
