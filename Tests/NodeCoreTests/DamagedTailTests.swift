import NodeCore
import Raft
import Registry
import Testing

/// A follower that restarts with a damaged last log record drops it and must get it back from
/// the leader, even when nothing new is written: the leader still believes the follower holds
/// it, and only heartbeats flow.
@Suite struct DamagedTailTests {
    @Test func followerThatLostItsTailCatchesUpInAnIdleGroup() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        // Node 3 receives the act's entry but not its commit, then loses the entry's record.
        cluster.drop = { from, to, description in
            from == 1 && to == 3 && (description.contains("heartbeat") || description.contains("n=0"))
        }
        let birth = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(1).encode()), to: 1)
        try cluster.run { cluster.answers[birth] != nil }
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        let last = cluster.raft(1).lastIndex
        #expect(cluster.raft(3).lastIndex == last && cluster.raft(3).appliedIndex < last)
        #expect(cluster.disks[3]!.damageLastRecord(in: .log) != nil)
        try cluster.restart(3, seed: 0x5EC0_4D5E_ED00_0033)
        #expect(cluster.raft(3).lastIndex == last - 1, "the damaged record must be dropped at load")
        #expect(cluster.raft(3).lostLogFloor != nil, "the member must vote as if it still held what it lost")

        // No new write: the leader only sends heartbeats.
        cluster.drop = { _, _, _ in false }
        for _ in 0..<(3 * NodeCoreOptions(nodeID: 1, randomSeed: 0).electionTicks) where cluster.raft(3).appliedIndex < last {
            cluster.tick(1)
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
        #expect(cluster.raft(3).lastIndex == last, "node 3 never got its lost entry back")
        #expect(cluster.raft(3).appliedIndex == last)
        #expect(cluster.raft(3).lostLogFloor == nil)
        let stats = try cluster.cores[3]!.stateReader(for: ThreeNodes.group).map { try RegistryQuery.stats.evaluate(in: $0) }
        guard case .stats(let counts)? = stats else {
            Issue.record("expected stats from node 3")
            return
        }
        #expect(counts.birthActs == 1)
    }
}
