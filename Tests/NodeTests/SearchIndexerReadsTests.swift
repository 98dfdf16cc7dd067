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
