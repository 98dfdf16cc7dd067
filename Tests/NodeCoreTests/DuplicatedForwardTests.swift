import NodeCore
import Raft
import Registry
import Testing

/// The network may deliver a frame twice. A write forwarded to the leader must be handled once:
/// when the first copy is refused (`not_leader`), a late copy must not be proposed behind the
/// client's back.
@Suite struct DuplicatedForwardTests {
    @Test func lateCopyOfARefusedForwardIsNotProposed() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let lastIndex = cluster.raft(1).lastIndex

        // Node 1 starts handing leadership to node 2, which never hears of it: meanwhile it
        // refuses proposals.
        cluster.drop = { _, to, _ in to == 2 }
        _ = cluster.submit(.transferLeadership(group: ThreeNodes.group, to: 2), to: 1)
        try cluster.run { cluster.raft(1).leadershipTransferTarget == 2 }

        var forwardCopy: [UInt8]?
        cluster.tap = { from, to, frame in
            if from == 3 && to == 1 && NodeCore.describe(frame: frame).contains(".forward") { forwardCopy = frame }
        }
        let write = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(1).encode()), to: 3)
        try cluster.run { cluster.answers[write] != nil }
        // The leader's refusal is relayed as an unknown outcome: the forwarding node cannot know
        // that no other copy was proposed, so the client is told to retry with the same id.
        guard case .failed(.outcomeUnknown(let why)) = cluster.answers[write] else {
            Issue.record("expected the relayed not_leader as outcome_unknown, got \(String(describing: cluster.answers[write]))")
            return
        }
        #expect(why.contains("not_leader"), "\(why)")
        let copy = try #require(forwardCopy, "the forward from node 3 was not seen")

        // The transfer times out; node 1 leads on. Then the network delivers the forward again.
        cluster.tap = { _, _, _ in }
        for _ in 0..<(2 * NodeCoreOptions(nodeID: 1, randomSeed: 0).electionTicks) where cluster.raft(1).leadershipTransferTarget != nil {
            cluster.tick(1)
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
        #expect(cluster.raft(1).role == .leader && cluster.raft(1).leadershipTransferTarget == nil)
        cluster.cores[1]!.receive(from: 3, frame: copy)
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }

        #expect(cluster.raft(1).lastIndex == lastIndex, "the duplicate forward reached the log")
        let stats = cluster.submit(.read(group: ThreeNodes.group, query: RegistryQuery.stats.encode()), to: 1)
        try cluster.run { cluster.answers[stats] != nil }
        guard case .stats(let counts)? = cluster.answers[stats]?.registryAnswer else {
            Issue.record("expected stats, got \(String(describing: cluster.answers[stats]))")
            return
        }
        #expect(counts.birthActs == 0, "a write answered not_leader took effect")
    }
}
