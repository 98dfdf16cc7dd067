import Testing
@testable import Raft

/// Check-quorum (Raft dissertation §6.2): a leader that has not heard from a quorum for an
/// election timeout steps down, and a follower that hears from a leader ignores vote requests
/// (leader stickiness, §4.2.3).
@Suite struct CheckQuorumTests {
    @Test func aLeaderCutOffFromAQuorumStepsDownWithinTwoElectionTimeouts() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(1)
        net.tick(1, times: 2 * Fixture.electionTicks)
        #expect(net.raft(1).role == .follower)
        #expect(net.raft(1).leader == 0)
    }

    @Test func aLeaderThatStillHearsFromAQuorumStaysLeader() {
        let net = TestNetwork(voters: [1, 2, 3, 4, 5])
        net.elect(1)
        let term = net.raft(1).term
        // Two of four followers are gone: with itself, the leader still has three of five.
        net.isolate(4)
        net.isolate(5)
        net.tickAllAndDeliver(times: 10 * Fixture.electionTicks, except: [4, 5])
        #expect(net.leader == 1)
        #expect(net.raft(1).term == term)
    }

    @Test func aLeaderInTheMinorityOfAPartitionStepsDownAndTheMajorityElectsAnother() {
        let net = TestNetwork(voters: [1, 2, 3, 4, 5])
        net.elect(1)
        net.partition([[1, 2], [3, 4, 5]])
        net.tickAllAndDeliver(times: 4 * Fixture.electionTicks)
        // It may pre-campaign afterwards, but it never wins in the minority.
        #expect(net.raft(1).role != .leader)
        let leaders = net.liveIDs.filter { net.raft($0).role == .leader }
        #expect(leaders.count == 1)
        #expect(leaders.allSatisfy { [3, 4, 5].contains($0) })
    }

    @Test func withoutCheckQuorumACutOffLeaderKeepsLeading() {
        let net = TestNetwork(voters: [1, 2, 3]) { $0.checkQuorum = false }
        net.elect(1)
        net.isolate(1)
        net.tick(1, times: 10 * Fixture.electionTicks)
        #expect(net.raft(1).role == .leader)
    }

    @Test func aFollowerThatHearsFromALeaderIgnoresAVoteRequestOfAHigherTerm() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.clearTrace()
        for preVote in [false, true] {
            let request = Message(from: 3, to: 2, term: term + 3,
                                  body: .vote(.init(preVote: preVote, lastIndex: 100, lastTerm: term + 2)))
            net.deliver(Envelope(message: request))
        }
        #expect(net.raft(2).term == term)
        #expect(net.raft(2).leader == 1)
        #expect(net.sentMessages { $0.from == 2 }.isEmpty)
    }

    @Test func aFollowerThatHasNotHeardFromTheLeaderForATimeoutVotesAgain() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.isolate(1)
        net.tick(2, times: Fixture.electionTicks)
        net.heal()
        let request = Message(from: 3, to: 2, term: term + 1, body: .vote(.init(preVote: false, lastIndex: 100, lastTerm: term)))
        net.clearTrace()
        net.deliver(Envelope(message: request))
        #expect(net.raft(2).term == term + 1)
        #expect(net.raft(2).vote == 3)
    }

    @Test func aStaleLeaderBackFromAPartitionLearnsTheNewTermFromTheAnswerToItsAppend() {
        let net = TestNetwork(voters: [1, 2, 3]) { $0.checkQuorum = false }
        net.elect(1)
        let oldTerm = net.raft(1).term
        net.isolate(1)
        net.run { n in n.liveIDs.contains { $0 != 1 && n.raft($0).role == .leader } }
        let newLeader = net.liveIDs.first { $0 != 1 && net.raft($0).role == .leader }!
        #expect(net.raft(1).role == .leader)
        net.heal()
        net.tick(1)
        net.deliverAll()
        #expect(net.raft(1).role == .follower)
        #expect(net.raft(1).term > oldTerm)
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(1).leader == newLeader)
    }
}
