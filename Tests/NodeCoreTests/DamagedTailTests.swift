import NodeCore
import Raft
import Registry
import Testing

/// A follower that restarts with a damaged last log record drops it and must get it back from
/// the leader, even when nothing new is written: the leader still believes the follower holds
/// it, and only heartbeats flow.
@Suite struct DamagedTailTests {
    /// Node 3 receives an act's entry but not its commit, then loses the entry's record while
    /// down. Returns the cluster and the entry's index.
    static func nodeThreeLosesItsLastEntry() throws -> (ThreeNodes, last: UInt64) {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        cluster.drop = { from, to, description in
            from == 1 && to == 3 && (description.contains("heartbeat") || description.contains("n=0"))
        }
        let birth = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(1).encode()), to: 1)
        try cluster.run { cluster.answers[birth] != nil }
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        let last = cluster.raft(1).lastIndex
        #expect(cluster.raft(3).lastIndex == last && cluster.raft(3).appliedIndex < last)
        #expect(cluster.disks[3]!.damageLastRecord(in: .log) != nil)
        return (cluster, last)
    }

    @Test func followerThatLostItsTailCatchesUpInAnIdleGroup() throws {
        let (cluster, last) = try Self.nodeThreeLosesItsLastEntry()
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

/// A member that dropped a damaged tail keeps voting as if it held it across further restarts,
/// also once the damaged records are deleted, until the lost entries come back.
@Suite struct DamagedTailAcrossRestartsTests {
    @Test func theLostLogFloorOutlivesASecondRestartBeforeTheEntriesComeBack() throws {
        let (cluster, last) = try DamagedTailTests.nodeThreeLosesItsLastEntry()
        let lastTerm = cluster.raft(1).term

        // Node 3 is cut off: it drops the damaged record at load, deletes it in its next turn,
        // and gets nothing back.
        cluster.drop = { from, to, _ in from == 3 || to == 3 }
        try cluster.restart(3, seed: 0x5EC0_4D5E_ED00_0034)
        #expect(cluster.raft(3).lostLogFloor.map { [$0.index, $0.term] } == [last, lastTerm])
        try cluster.run { !cluster.cores[3]!.hasWork }
        try cluster.restart(3, seed: 0x5EC0_4D5E_ED00_0035)
        #expect(cluster.raft(3).lastIndex == last - 1, "the damaged record is gone from the disk")
        #expect(cluster.raft(3).lostLogFloor.map { [$0.index, $0.term] } == [last, lastTerm],
                "the member must still vote as if it held the entry it acknowledged")

        // A third start that finds other damage, in the part already applied, keeps it too.
        try cluster.run { !cluster.cores[3]!.hasWork }
        #expect(cluster.disks[3]!.damageFirstRecord(in: .log) != nil)
        try cluster.restart(3, seed: 0x5EC0_4D5E_ED00_0037)
        #expect(cluster.raft(3).lastIndex == last - 1)
        #expect(cluster.raft(3).lostLogFloor.map { [$0.index, $0.term] } == [last, lastTerm])

        // Back in touch, it gets the entry again; a restart after that finds no floor to keep.
        cluster.drop = { _, _, _ in false }
        for _ in 0..<(3 * NodeCoreOptions(nodeID: 1, randomSeed: 0).electionTicks) where cluster.raft(3).lastIndex < last {
            cluster.tick(1)
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
        #expect(cluster.raft(3).lastIndex == last)
        #expect(cluster.raft(3).lostLogFloor == nil)
        try cluster.restart(3, seed: 0x5EC0_4D5E_ED00_0036)
        #expect(cluster.raft(3).lostLogFloor == nil)
    }
}
