import Testing
@testable import Raft

/// Pre-vote (Raft dissertation §9.6): a member first asks whether it could win, in the term it
/// would use, without changing any term; only on a majority of yes does it run a real election.
@Suite struct PreVoteTests {
    @Test func aCutOffMemberKeepsPreCampaigningWithoutRaisingItsTerm() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.isolate(3)
        for _ in 0..<5 { net.campaign(3) }
        #expect(net.raft(3).role == .preCandidate)
        #expect(net.raft(3).term == term)
        #expect(net.store(3).hardState.term == term)
        let requests = net.sentMessages { $0.from == 3 && $0.voteRequest != nil }
        #expect(requests.count >= 10)
        #expect(requests.allSatisfy { $0.voteRequest!.preVote && $0.term == term + 1 })
    }

    @Test func aRejoiningMemberDoesNotDisruptTheLeader() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.isolate(3)
        for _ in 0..<5 { net.campaign(3) }
        net.heal()
        net.tickAllAndDeliver(times: 3 * Fixture.electionTicks)
        #expect(net.leader == 1)
        #expect(net.raft(1).term == term)
        #expect(net.liveIDs.allSatisfy { net.raft($0).term == term })
        #expect(net.raft(3).leader == 1)
    }

    @Test func withoutPreVoteARejoiningMemberForcesANewTerm() {
        // The contrast that shows what pre-vote prevents.
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.elect(1)
        let term = net.raft(1).term
        net.isolate(3)
        for _ in 0..<5 { net.campaign(3) }
        #expect(net.raft(3).term == term + 5)
        net.heal()
        net.run { $0.leader != nil && $0.raft($0.leader!).term > term + 5 }
        #expect(net.raft(net.leader!).term > term + 5)
    }

    @Test func aPreVoteIsRefusedToAMemberWithAStaleLogAndNoTermMoves() {
        // Without check-quorum's lease, only the log decides the pre-vote.
        let net = TestNetwork(voters: [1, 2, 3]) { $0.checkQuorum = false }
        net.elect(1)
        net.isolate(3)
        net.propose(1, "birth")
        net.deliverAll()
        let term = net.raft(1).term
        net.heal()
        net.clearTrace()
        net.campaign(3)
        let answers = net.sentMessages { $0.to == 3 && $0.voteResponse != nil }
        #expect(answers.count == 2)
        #expect(answers.allSatisfy { $0.voteResponse!.preVote && !$0.voteResponse!.granted })
        #expect(net.raft(3).role == .follower)
        #expect(net.liveIDs.allSatisfy { net.raft($0).term == term })
        #expect(net.leader == 1)
    }

    @Test func aGrantedPreVoteChangesNeitherTheVotersTermNorItsVote() {
        let net = TestNetwork(voters: [1, 2, 3])
        // Only the pre-vote round reaches 3; the real election that follows is dropped.
        net.drop { $0.voteRequest?.preVote == false }
        net.campaign(2)
        #expect(net.raft(2).role == .candidate)
        let grant = net.sentMessages { $0.from == 3 && $0.to == 2 }.first
        #expect(grant?.voteResponse == Message.VoteResponse(preVote: true, granted: true))
        // The granted pre-vote answers in the term the candidate is about to use.
        #expect(grant?.term == 2)
        #expect(net.raft(3).term == 1)
        #expect(net.raft(3).vote == 0)
        #expect(net.store(3).hardState.term == 1)
        #expect(net.store(3).hardState.vote == 0)
    }

    @Test func aPreVoteMajorityLeadsToARealElectionInTheNextTerm() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.campaign(2)
        #expect(net.raft(2).role == .leader)
        #expect(net.raft(2).term == 2)
        let requests = net.sentMessages { $0.from == 2 && $0.voteRequest != nil }
        #expect(requests.filter { $0.voteRequest!.preVote }.count == 2)
        #expect(requests.filter { !$0.voteRequest!.preVote }.count == 2)
        #expect(requests.allSatisfy { $0.term == 2 })
    }

    @Test func aPreCandidateThatHearsFromTheLeaderReturnsToFollower() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.cut(from: 1, to: 3)
        net.cut(from: 3, to: 1)
        net.drop { $0.from == 3 && $0.voteRequest != nil }
        net.campaign(3)
        #expect(net.raft(3).role == .preCandidate)
        net.heal()
        net.tickAllAndDeliver(times: 1, except: [3])
        #expect(net.raft(3).role == .follower)
        #expect(net.raft(3).leader == 1)
    }
}
