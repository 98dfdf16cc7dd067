import NodeCore
import Raft
import Registry
import Testing

/// When a turn hands out its answers, and what it writes around them.
@Suite struct TurnAnswerTests {
    @Test func aWriteIsAnsweredOnceAppliedBeforeTheTurnWritesTheStateInOneWrite() throws {
        let node = try SingleNode()
        try node.elect()
        let ticket: ClientTicket = 1_000
        node.core.submit(ticket, .write(group: SingleNode.group, command: F.registerBirth(1).encode()), nowMs: 1_767_225_600_000)

        var answered: ClientResult?
        var stateWhenAnswered: Int?
        var writesWhenAnswered: Int?
        var writesBeforeTurn = 0
        for _ in 0..<SingleNode.stepsMax where answered == nil {
            writesBeforeTurn = node.disk.writes
            try node.core.runTurn { responses in
                guard let response = responses.first(where: { $0.ticket == ticket }) else { return }
                answered = response.result
                stateWhenAnswered = (try? node.statePairs().count) ?? -1
                writesWhenAnswered = node.disk.writes
            }
        }
        guard case .applied? = answered, case .accepted(let entry)? = answered?.commandOutcome else {
            Issue.record("expected an applied, accepted outcome, got \(String(describing: answered))")
            return
        }
        // The answer came before the applied state was written: the act was not on the disk yet.
        #expect(writesWhenAnswered == writesBeforeTurn, "nothing was written in the applying turn before the answer")
        let stateAfter = try node.statePairs()
        #expect(stateWhenAnswered! < stateAfter.count)
        // The new commit index and the applied state went to the disk in one write.
        #expect(node.disk.writes == writesBeforeTurn + 1)
        // And a read after the answer sees the act.
        let read = try node.read(.act(entry.actID))
        guard case .record(let record?)? = read.registryAnswer else {
            Issue.record("expected the act, got \(read)")
            return
        }
        #expect(record.act.requestID == F.requestID(1))
    }
}
