import NodeCore
import Raft
import Registry
import Testing

/// A node forwards writes to the leader and matches the leader's replies to its clients by
/// forward id. After a restart it must not take a late reply to a forward of its previous life
/// for the answer to a new one.
@Suite struct ForwardAfterRestartTests {
    @Test func lateReplyToAForwardOfAPreviousLifeIsNotGivenToANewRequest() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()

        // Node 2 is unreachable and node 3 gets no entries: node 3's forwarded write is
        // proposed by the leader but cannot commit.
        cluster.drop = { from, to, description in
            (from == 1 && to == 2) || (from == 1 && to == 3 && !description.contains("forwardReply"))
        }
        let old = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(1).encode()), to: 3)
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        #expect(cluster.answers[old] == nil)
        #expect(cluster.raft(1).lastIndex > cluster.raft(1).commitIndex, "the forwarded write must be pending at the leader")

        // Node 3 restarts and learns the leader from a heartbeat whose answer is lost, so the
        // old write still cannot commit; a client then asks node 3 for another registration.
        try cluster.restart(3, seed: 0x5EC0_4D5E_ED00_0003)
        cluster.drop = { from, to, description in
            (from == 1 && to == 2) || (from == 1 && to == 3 && description.contains("append"))
                || (from == 3 && to == 1 && !description.contains("forward"))
        }
        cluster.tick(1)
        try cluster.run { cluster.raft(3).leader == 1 }
        let new = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(2, F.birth(given: Name(arabic: "سلمى", latin: "Salma"))).encode()), to: 3)
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        #expect(cluster.answers[new] == nil)

        // Node 3 receives both entries; the leader commits them and answers both forwards.
        cluster.drop = { from, to, _ in from == 1 && to == 2 }
        for _ in 0..<ThreeNodes.stepsMax where cluster.answers[new] == nil {
            cluster.tick(1)
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
        guard case .applied = cluster.answers[new], case .accepted(let entry)? = cluster.answers[new]?.commandOutcome else {
            Issue.record("expected the new request accepted, got \(String(describing: cluster.answers[new]))")
            return
        }
        #expect(entry.requestID == F.requestID(2), "the new request was answered with the entry of request \(entry.requestID)")
    }
}
