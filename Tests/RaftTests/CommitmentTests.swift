import Testing
@testable import Raft

/// Commitment (Raft paper §5.4.2 and Figure 8): a leader commits by counting replicas only for
/// entries of its own term; older entries commit indirectly, with the first current-term entry
/// after them.
///
/// The Figure 8 scenario, five members. Before the figure starts: S1 led term 2 and put entry 2
/// (term 2) on S2; S5 led term 3 and put a different entry 2 (term 3) on itself only.
/// (c) S1 leads term 4 and copies its term-2 entry to a majority: it must not commit it.
/// (d) S1 crashes; S5 can still be elected (its last term, 3, beats 2) and overwrites entry 2.
/// (e) Had S1 put an entry of term 4 on a majority, entry 2 would be committed and S5 could not
///     win.
@Suite struct CommitmentTests {
    static let members: Set<NodeID> = [1, 2, 3, 4, 5]

    /// The logs at the start of (c); terms are the members' current terms.
    static func figure8(faults: RaftFaults = RaftFaults(), context: String) -> TestNetwork {
        TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 2], currentTerm: 3, voters: members, commit: 1),
            2: Fixture.log(terms: [1, 2], currentTerm: 3, voters: members, commit: 1),
            3: Fixture.log(terms: [1], currentTerm: 3, voters: members, commit: 1),
            4: Fixture.log(terms: [1], currentTerm: 3, voters: members, commit: 1),
            5: Fixture.log(terms: [1, 3], currentTerm: 3, voters: members, commit: 1),
        ], context: context) { config in
            Fixture.paperRaft(&config)
            config.entriesPerMessageMax = 1
            config.faults = faults
        }
    }

    /// Stage (c): S5 is down, S1 is elected in term 4 and copies entry 2 to S2, S3 and S4, but
    /// no entry of term 4 reaches anyone.
    static func stageC(_ net: TestNetwork) {
        net.crash(5)
        // Drop exactly the appends that would put a term-4 entry into a follower's log.
        net.drop { message in
            guard let append = message.append, append.entries.contains(where: { $0.term == 4 }) else { return false }
            return net.members[message.to]?.raft?.term(at: append.prevIndex) == append.prevTerm
        }
        net.elect(1)
        #expect(net.raft(1).term == 4)
        net.tickAllAndDeliver(times: 3)
    }

    @Test func figure8cAnOldTermEntryOnAMajorityIsNotCommittedByCounting() {
        let net = Self.figure8(context: "Figure 8 (c)")
        Self.stageC(net)
        // S1, S3 and S4 are known to hold entry 2 (S2 holds it too, but every append to S2
        // would carry the term-4 entry, so the leader never hears from it).
        for id: NodeID in [2, 3, 4] { #expect(net.raft(id).term(at: 2) == 2, "member \(id)") }
        for id: NodeID in [3, 4] { #expect(net.raft(1).matchIndex(of: id) == 2, "member \(id)") }
        #expect(net.raft(1).commitIndex == 1)
        #expect(net.liveIDs.allSatisfy { net.raft($0).commitIndex == 1 })
        #expect(net.liveIDs.allSatisfy { net.store($0).stateMachine.count == 1 })
    }

    @Test func figure8dTheUncommittedOldTermEntryIsSafelyOverwrittenByALaterLeader() {
        let net = Self.figure8(context: "Figure 8 (d)")
        Self.stageC(net)
        net.crash(1)
        net.restart(5)
        net.heal()
        // S5 asks in term 4 (refused: S2-S4 voted for S1), then in term 5, and wins.
        net.campaign(5)
        net.campaign(5)
        #expect(net.raft(5).role == .leader)
        net.tickAllAndDeliver(times: 3)
        for id: NodeID in [2, 3, 4, 5] {
            #expect(net.raft(id).term(at: 2) == 3, "member \(id)")
            #expect(net.store(id).stateMachine.count == 3, "member \(id)")
        }
        // Entry 2 of term 2 was never applied anywhere, so nothing applied was lost.
        for id in net.ids {
            #expect(!net.store(id).stateMachine.contains { $0.index == 2 && $0.term == 2 }, "member \(id)")
        }
        #expect(net.violations.isEmpty)
    }

    @Test func figure8eOnceACurrentTermEntryIsOnAMajorityTheOldEntryCommitsWithItAndS5CannotWin() {
        let net = Self.figure8(context: "Figure 8 (e)")
        net.crash(5)
        net.elect(1)
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).commitIndex == 3)
        #expect(net.store(1).stateMachine.map(\.term) == [1, 2, 4])
        net.crash(1)
        net.restart(5)
        for _ in 0..<4 { net.campaign(5) }
        #expect(net.raft(5).role != .leader)
        // Another member wins, and entry 2 of term 2 stays.
        net.run { $0.leader != nil }
        let leader = try! #require(net.leader)
        #expect(leader != 5)
        net.tickAllAndDeliver(times: 3)
        for id: NodeID in [2, 3, 4, 5] {
            #expect(net.raft(id).term(at: 2) == 2, "member \(id)")
        }
    }

    @Test func withTheFigure8DefectSwitchedOnTheSafetyCheckerCatchesALostCommittedEntry() {
        // The deliberate defect commits an old-term entry as soon as a majority holds it. Keep the
        // followers from hearing that commit index, so that only S1 applies entry 2 (term 2),
        // then let S5 win and commit its own entry 2.
        let net = Self.figure8(faults: RaftFaults(commitsOldTermEntriesByCounting: true), context: "Figure 8 defect")
        net.failsOnViolation = false
        net.drop { message in
            if let append = message.append { return append.commit >= 2 }
            if case .heartbeat(let heartbeat) = message.body { return heartbeat.commit >= 2 }
            return false
        }
        Self.stageC(net)
        #expect(net.raft(1).commitIndex == 2)
        #expect(net.store(1).stateMachine.last?.term == 2)
        net.crash(1)
        net.restart(5)
        net.heal()
        net.campaign(5)
        net.campaign(5)
        net.tickAllAndDeliver(times: 3)
        #expect(net.violations.contains { $0.hasPrefix("state-machine safety") }, "violations: \(net.violations)")
    }

    @Test func aLeaderCountsOnlyCurrentTermEntriesEvenWhenEveryFollowerHasTheOldOnes() {
        // All five hold [1, 2(t2)]; the new leader's no-op is kept from everyone. Entry 2 is on
        // all five members and still must wait for the no-op.
        let net = TestNetwork(prepared: Dictionary(uniqueKeysWithValues: Self.members.map {
            ($0, Fixture.log(terms: [1, 2], voters: Self.members, commit: 1))
        }), configure: Fixture.paperRaft)
        net.drop { $0.append?.entries.contains { $0.term == 3 } == true }
        net.elect(1)
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).commitIndex == 1)
        net.heal()
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).commitIndex == 3)
        #expect(net.liveIDs.allSatisfy { net.store($0).stateMachine.map(\.term) == [1, 2, 3] })
    }

    @Test func theCommitIndexIsTheHighestIndexAMajorityHoldsDurably() {
        let net = TestNetwork(voters: [1, 2, 3, 4, 5])
        net.elect(1)
        // 4 and 5 are gone; 3 gets only the first of three entries.
        net.isolate(4)
        net.isolate(5)
        net.drop { $0.to == 3 && ($0.append?.entries.contains { $0.index > 3 } ?? false) }
        net.propose(1, "a")
        net.propose(1, "b")
        net.propose(1, "c")
        net.deliverAll()
        #expect(net.raft(1).matchIndex(of: 2) == 5)
        #expect(net.raft(1).matchIndex(of: 3) == 3)
        #expect(net.raft(1).commitIndex == 3)
    }
}
