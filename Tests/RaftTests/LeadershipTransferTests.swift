import Testing
@testable import Raft

/// Leadership transfer (Raft dissertation §3.10): the leader brings the target up to date,
/// refuses proposals meanwhile, then tells it to campaign at once; the target's vote requests
/// override leader stickiness. The transfer is abandoned after an election timeout.
@Suite struct LeadershipTransferTests {
    @Test func anUpToDateTargetBecomesLeaderInTheNextTermWithoutAnyTick() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.clearTrace()
        #expect(net.with(1) { $0.transferLeadership(to: 3) }.succeeded)
        net.deliverAll()
        #expect(net.raft(3).role == .leader)
        #expect(net.raft(3).term == term + 1)
        #expect(net.raft(1).role == .follower)
        #expect(net.raft(1).leader == 3)
        #expect(net.sentMessages { $0.to == 3 && $0.body == .timeoutNow }.count == 1)
        // The vote requests were real (not pre-votes) and marked as a transfer.
        #expect(net.sentMessages { $0.from == 3 && $0.voteRequest != nil }.allSatisfy { $0.voteRequest!.transfer && !$0.voteRequest!.preVote })
    }

    @Test func aLaggingTargetIsCaughtUpBeforeBeingToldToCampaign() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(3)
        for n in 0..<5 { net.propose(1, "act \(n)") }
        net.deliverAll()
        net.heal()
        net.clearTrace()
        net.with(1) { _ = $0.transferLeadership(to: 3) }
        #expect(net.queue.allSatisfy { $0.message.body != .timeoutNow })
        net.deliverAll()
        #expect(net.raft(3).role == .leader)
        #expect(net.applied(3).count == 5)
        let timeoutNow = net.sentMessages { $0.body == .timeoutNow }.first
        #expect(timeoutNow != nil)
    }

    @Test func proposalsAreRefusedWhileATransferIsInProgress() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(3)
        net.with(1) { _ = $0.transferLeadership(to: 3) }
        #expect(net.raft(1).leadershipTransferTarget == 3)
        #expect(net.propose(1, "x") == .failure(.transferInProgress(to: 3)))
        #expect(net.proposeConfigChange(1, .membership([.addLearner(4)])) == .failure(.transferInProgress(to: 3)))
    }

    @Test func aTransferToAnUnreachableTargetIsAbandonedAfterAnElectionTimeout() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.isolate(3)
        net.with(1) { _ = $0.transferLeadership(to: 3) }
        net.tickAllAndDeliver(times: Fixture.electionTicks - 1, except: [3])
        #expect(net.raft(1).leadershipTransferTarget == 3)
        net.tickAllAndDeliver(times: 1, except: [3])
        #expect(net.raft(1).leadershipTransferTarget == nil)
        #expect(net.raft(1).role == .leader)
        #expect(net.raft(1).term == term)
        #expect(throws: Never.self) { try net.propose(1, "after").get() }
    }

    @Test func onlyTheLeaderTransfersAndOnlyToAVoter() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        #expect(net.with(2) { $0.transferLeadership(to: 3) }.failure == .notLeader(leaderHint: 1))
        #expect(net.with(1) { $0.transferLeadership(to: 9) }.failure == .notVoter(9))
    }

    @Test func aTransferToItselfChangesNothing() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        #expect(net.with(1) { $0.transferLeadership(to: 1) }.succeeded)
        #expect(net.raft(1).leadershipTransferTarget == nil)
        #expect(throws: Never.self) { try net.propose(1, "x").get() }
    }

    @Test func theTargetsVoteRequestOverridesTheVotersLeaderLease() {
        // Check-quorum is on: 2 hears from 1 and would drop an ordinary vote request.
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.cut(from: 1, to: 3)
        net.with(1) { _ = $0.transferLeadership(to: 2) }
        net.deliverAll()
        #expect(net.raft(2).role == .leader)
        #expect(net.raft(3).vote == 2)
    }
}
