import Testing
@testable import Raft

/// Learners (Raft dissertation §4.2.1): non-voting members that receive the log, so a new or
/// remote replica can catch up without weakening the quorum.
@Suite struct LearnerTests {
    @Test func aLearnerReceivesAndAppliesTheLog() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4])
        net.elect(1)
        for n in 0..<3 { net.propose(1, "act \(n)") }
        net.deliverThenHeartbeat()
        #expect(net.applied(4) == (0..<3).map { Fixture.bytes("act \($0)") })
        #expect(net.raft(4).leader == 1)
    }

    @Test func aLearnerNeverCampaigns() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4])
        net.isolate(1)
        net.isolate(2)
        net.isolate(3)
        net.tick(4, times: 10 * Fixture.electionTicks)
        #expect(net.raft(4).role == .follower)
        #expect(net.raft(4).term == 1)
        #expect(net.sentMessages { $0.from == 4 }.isEmpty)
    }

    @Test func aLearnersAcknowledgementDoesNotCountTowardsCommit() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4, 5])
        net.elect(1)
        net.isolate(2)
        net.isolate(3)
        net.propose(1, "a")
        net.tickAllAndDeliver(times: 3, except: [2, 3])
        #expect(net.raft(1).matchIndex(of: 4) == 3)
        #expect(net.raft(1).matchIndex(of: 5) == 3)
        #expect(net.raft(1).commitIndex == 2)
    }

    @Test func aLearnersVoteDoesNotCountTowardsAnElection() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4]) { Fixture.paperRaft(&$0) }
        net.isolate(2)
        net.isolate(3)
        net.campaign(1)
        #expect(net.raft(1).role == .candidate)
        #expect(net.sentMessages { $0.to == 4 && $0.voteRequest != nil }.isEmpty)
        // Even a vote it volunteers is not counted.
        let volunteered = Message(from: 4, to: 1, term: net.raft(1).term, body: .voteResponse(.init(preVote: false, granted: true)))
        net.deliver(Envelope(message: volunteered))
        #expect(net.raft(1).role == .candidate)
    }

    @Test func aLearnerIgnoresTimeoutNow() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4])
        net.elect(1)
        let term = net.raft(1).term
        net.deliver(Envelope(message: Message(from: 1, to: 4, term: term, body: .timeoutNow)))
        #expect(net.raft(4).role == .follower)
        #expect(net.raft(4).term == term)
    }

    @Test func leadershipCannotBeTransferredToALearner() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4])
        net.elect(1)
        #expect(net.with(1) { $0.transferLeadership(to: 4) }.failure == .notVoter(4))
        #expect(net.raft(1).leadershipTransferTarget == nil)
    }
}
