import Testing
@testable import Node

/// The lost-region report reads every old disk it is given; the three replicas of a region hold
/// mostly the same writes, which the operator must see once each, with the surest reason.
@Suite struct LostWritesDistinctTests {
    static let qualifier = " (written by entry 9, after the commit index this replica knew: lost only if the region had committed it)"

    static func disk(_ directory: String, _ writes: [LostWrites.Write]) -> LostWrites {
        LostWrites(dataDirectory: directory, groups: [], appliedFromLog: 0, pastCommit: 0, notRead: [], writes: writes)
    }

    static func act(_ number: Int, request: String, pastCommit: Bool = false) -> LostWrites.Write {
        LostWrites.Write(act: "0401003/2026/birth/\(number)", requestID: request,
                         reason: "the centre has no act 0401003/2026/birth/\(number)" + (pastCommit ? qualifier : ""),
                         pastCommit: pastCommit ? true : nil)
    }

    @Test func aWriteOnSeveralDisksIsListedOnceWithTheDisksThatHoldIt() {
        let mention = LostWrites.Write(act: "0401003/2026/birth/10", mention: 1, requestID: "m1", reason: "the centre has no mention 1")
        let a = Self.disk("old/node-1", [Self.act(10, request: "r10"), mention, Self.act(9, request: "r9")])
        let b = Self.disk("old/node-2", [Self.act(9, request: "r9"), Self.act(10, request: "r10", pastCommit: true), Self.act(11, request: "r11", pastCommit: true)])
        let c = Self.disk("old/node-3", [Self.act(11, request: "r11", pastCommit: true), Self.act(10, request: "r10")])
        let distinct = LostWrites.distinct([a, b, c])

        #expect(distinct.map(\.write.act) == ["0401003/2026/birth/9", "0401003/2026/birth/10", "0401003/2026/birth/10", "0401003/2026/birth/11"],
                "by register, then by number read as a number (9 before 10)")
        #expect(distinct.map(\.write.mention) == [nil, nil, 1, nil])
        #expect(distinct.map(\.dataDirectories) == [["old/node-1", "old/node-2"], ["old/node-1", "old/node-2", "old/node-3"], ["old/node-1"],
                                                    ["old/node-2", "old/node-3"]])
        // Act 10 was past the commit index on node 2 only: nodes 1 and 3 knew it committed.
        #expect(distinct[1].write.pastCommit == nil && !distinct[1].write.reason.contains("lost only if"))
        // Act 11 was past the commit index everywhere it was seen.
        #expect(distinct[3].write.pastCommit == true && distinct[3].write.reason.hasSuffix(Self.qualifier))
    }

    @Test func theSameActNumberUnderAnotherRequestIsAnotherWrite() {
        let a = Self.disk("old/node-1", [Self.act(5, request: "first")])
        let b = Self.disk("old/node-2", [Self.act(5, request: "second")])
        let distinct = LostWrites.distinct([a, b])
        #expect(distinct.map(\.write.requestID) == ["first", "second"])
        #expect(distinct.map(\.dataDirectories) == [["old/node-1"], ["old/node-2"]])
        #expect(LostWrites.distinct([]).isEmpty)
    }
}
