import Testing
@testable import Raft

/// Leader election (Raft paper §5.2, §5.4.1; Figure 2 "RequestVote RPC" and "Rules for
/// Servers"). These run Raft as the paper describes it (no pre-vote, no check-quorum) unless a
/// test says otherwise; `PreVoteTests` and `CheckQuorumTests` cover the extensions.
@Suite struct ElectionTests {
    @Test func aFollowerThatHearsNoLeaderBecomesCandidateOfTheNextTermAndVotesForItself() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        #expect(net.raft(1).role == .follower)
        net.isolate(1)
        net.campaign(1)
        let raft = net.raft(1)
        #expect(raft.role == .candidate)
        #expect(raft.term == 2)
        #expect(raft.vote == 1)
        // The vote for itself is durable before the vote requests leave.
        #expect(net.store(1).hardState == HardState(term: 2, vote: 1, commit: 1))
        let requests = net.sentMessages { $0.from == 1 && $0.voteRequest != nil }
        #expect(Set(requests.map(\.to)) == [2, 3])
        #expect(requests.allSatisfy { $0.term == 2 && $0.voteRequest?.preVote == false })
    }

    @Test func aCandidateWithAMajorityBecomesLeaderAndAppendsANoOpOfItsTerm() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.elect(1)
        let leader = net.raft(1)
        #expect(leader.leader == 1)
        #expect(leader.lastIndex == 2)
        #expect(leader.term(at: 2) == leader.term)
        #expect(leader.entries(from: 2, through: 2).first?.data == [])
        #expect(leader.commitIndex == 2)
        for id: NodeID in [2, 3] {
            #expect(net.raft(id).leader == 1)
            #expect(net.raft(id).term == leader.term)
        }
    }

    @Test func aSingleMemberGroupElectsItselfAtItsFirstTimeout() {
        let net = TestNetwork(voters: [1])
        net.campaign(1)
        #expect(net.raft(1).role == .leader)
        #expect(net.raft(1).commitIndex == 2)
    }

    @Test func theElectionTimeoutIsDrawnFromOneToTwoElectionTimeouts() {
        var timeouts = Set<Int>()
        for seed in UInt64(1)...60 {
            var raft = Raft(config: Fixture.config(1, seed: seed), bootstrap: Membership(voters: [1, 2, 3]))
            var ticks = 0
            while raft.role == .follower && ticks < 100 {
                raft.tick()
                ticks += 1
            }
            #expect(raft.role != .follower, "seed \(seed)")
            timeouts.insert(ticks)
        }
        let e = Fixture.electionTicks
        #expect(timeouts.allSatisfy { $0 >= e && $0 < 2 * e }, "timeouts \(timeouts.sorted())")
        // Randomised: the seeds do not all time out together (Raft paper §5.2).
        #expect(timeouts.count >= 5, "timeouts \(timeouts.sorted())")
    }

    @Test func aMemberGrantsAtMostOneVotePerTerm() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.isolate(2)
        net.campaign(1)
        #expect(net.raft(1).role == .leader)
        #expect(net.raft(3).vote == 1)
        let term = net.raft(1).term
        net.heal()
        // 2 campaigned in the same term with an even longer log; 3 already voted.
        let request = Message(from: 2, to: 3, term: term, body: .vote(.init(preVote: false, lastIndex: 9, lastTerm: term)))
        net.clearTrace()
        net.deliver(Envelope(message: request))
        #expect(net.sentMessages { $0.from == 3 && $0.to == 2 }.first?.voteResponse?.granted == false)
        #expect(net.raft(3).vote == 1)
        #expect(net.store(3).hardState.vote == 1)
    }

    @Test func aVoteIsRefusedToACandidateWithALowerLastTerm() {
        // 1 holds [1, 2]; 2 holds [1, 1, 1] — longer, but of an older term (§5.4.1).
        let net = TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 2], voters: [1, 2, 3]),
            2: Fixture.log(terms: [1, 1, 1], currentTerm: 2, voters: [1, 2, 3]),
            3: Fixture.log(terms: [1, 2], voters: [1, 2, 3]),
        ], configure: Fixture.paperRaft)
        net.isolate(3)
        net.campaign(2)
        let answer = net.sentMessages { $0.from == 1 && $0.to == 2 && $0.voteResponse != nil }.last
        #expect(answer?.voteResponse?.granted == false)
        #expect(net.raft(2).role == .candidate)
        #expect(net.raft(1).vote == 0)
    }

    @Test func aVoteIsRefusedToACandidateWithTheSameLastTermButAShorterLog() {
        let net = TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 2, 2], voters: [1, 2, 3]),
            2: Fixture.log(terms: [1, 2], voters: [1, 2, 3]),
            3: Fixture.log(terms: [1, 2, 2], voters: [1, 2, 3]),
        ], configure: Fixture.paperRaft)
        net.isolate(3)
        net.campaign(2)
        let answer = net.sentMessages { $0.from == 1 && $0.to == 2 && $0.voteResponse != nil }.last
        #expect(answer?.voteResponse?.granted == false)
        #expect(net.raft(2).role != .leader)
    }

    @Test func aVoteIsGrantedToACandidateWhoseLogIsAtLeastAsUpToDate() {
        let net = TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 1, 1], voters: [1, 2, 3]),
            2: Fixture.log(terms: [1, 2], voters: [1, 2, 3]),
            3: Fixture.log(terms: [1, 2], voters: [1, 2, 3]),
        ], configure: Fixture.paperRaft)
        net.isolate(3)
        net.campaign(2)
        #expect(net.raft(2).role == .leader)
        #expect(net.raft(1).vote == 2)
        // The leader then overwrites the follower's stale uncommitted entry.
        #expect(net.raft(1).term(at: 2) == 2)
        #expect(net.raft(1).lastIndex == net.raft(2).lastIndex)
    }

    @Test func aCandidateOfAHigherTermForcesANewElectionThatEndsWithOneLeader() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.elect(1)
        let term = net.raft(1).term
        // 3 is cut off, times out and campaigns in a higher term.
        net.isolate(3)
        net.campaign(3)
        #expect(net.raft(3).role == .candidate)
        #expect(net.raft(3).term == term + 1)
        net.heal()
        // Without pre-vote, 3's higher term makes the leader step down (§5.1); the group ends
        // with a single leader of a higher term.
        net.run { n in n.leader != nil && n.liveIDs.allSatisfy { n.raft($0).role != .candidate } }
        let leader = net.leader!
        #expect(net.raft(leader).term > term)
        #expect(net.liveIDs.allSatisfy { net.raft($0).leader == leader || $0 == leader })
    }

    @Test func aCandidateReceivingAnAppendOfItsOwnTermBecomesFollower() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.isolate(2)
        net.campaign(2)
        let term = net.raft(2).term
        net.heal()
        let append = Message(from: 1, to: 2, term: term,
                             body: .append(.init(prevIndex: 1, prevTerm: 1, entries: [], commit: 1)))
        net.deliver(Envelope(message: append))
        #expect(net.raft(2).role == .follower)
        #expect(net.raft(2).leader == 1)
        #expect(net.raft(2).term == term)
    }

    @Test func aMessageOfAHigherTermTurnsTheLeaderIntoAFollowerOfThatTerm() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.elect(1)
        let term = net.raft(1).term
        let response = Message(from: 2, to: 1, term: term + 5, body: .heartbeatResponse(.init(readRound: 0, lastIndex: 0)))
        net.deliver(Envelope(message: response))
        #expect(net.raft(1).role == .follower)
        #expect(net.raft(1).term == term + 5)
        #expect(net.raft(1).vote == 0)
        #expect(net.store(1).hardState.term == term + 5)
    }

    @Test func anAppendOfAnOlderTermIsRejectedWithTheNewerTerm() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.elect(1)
        let term = net.raft(1).term
        let stale = Message(from: 3, to: 2, term: term - 1,
                            body: .append(.init(prevIndex: 2, prevTerm: term, entries: [Entry(index: 3, term: term - 1)], commit: 3)))
        net.clearTrace()
        net.deliver(Envelope(message: stale))
        #expect(net.raft(2).lastIndex == 2)
        #expect(net.raft(2).leader == 1)
        let answer = net.sentMessages { $0.from == 2 && $0.to == 3 }
        #expect(answer.count == 1)
        #expect(answer.first?.term == term)
    }

    @Test func anElectionWithoutAMajorityRetriesInANewTermAfterAnotherTimeout() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.isolate(1)
        net.campaign(1)
        #expect(net.raft(1).term == 2)
        net.campaign(1)
        #expect(net.raft(1).role == .candidate)
        #expect(net.raft(1).term == 3)
        net.heal()
        net.campaign(1)
        #expect(net.raft(1).role == .leader)
        #expect(net.raft(1).term == 4)
    }

    @Test func splitVotesResolveBecauseTimeoutsAreRandomised() {
        for seed in UInt64(1)...20 {
            let net = TestNetwork(voters: [1, 2, 3, 4, 5], seed: seed, configure: Fixture.paperRaft)
            let elected = net.run(roundsMax: 500) { $0.leader != nil }
            #expect(elected, "seed \(seed): no leader after 500 rounds")
        }
    }

    @Test func aRestartedMemberRemembersItsVote() {
        let net = TestNetwork(voters: [1, 2, 3], configure: Fixture.paperRaft)
        net.isolate(3)
        net.campaign(1)
        #expect(net.raft(2).vote == 1)
        let term = net.raft(1).term
        net.crash(2)
        net.restart(2)
        #expect(net.raft(2).vote == 1)
        #expect(net.raft(2).term == term)
        net.heal()
        let request = Message(from: 3, to: 2, term: term, body: .vote(.init(preVote: false, lastIndex: 9, lastTerm: 9)))
        net.clearTrace()
        net.deliver(Envelope(message: request))
        #expect(net.sentMessages { $0.from == 2 && $0.to == 3 }.first?.voteResponse?.granted == false)
    }

    @Test func aLeaderThatCrashesIsReplacedAndCommittedEntriesSurvive() {
        let net = TestNetwork(voters: [1, 2, 3, 4, 5], configure: Fixture.paperRaft)
        net.elect(1)
        net.propose(1, "birth 1")
        net.deliverAll()
        #expect(net.raft(1).commitIndex == 3)
        net.crash(1)
        net.run { $0.leader != nil }
        let leader = try! #require(net.leader)
        #expect(leader != 1)
        net.propose(leader, "birth 2")
        net.run { net in net.liveIDs.allSatisfy { net.applied($0).count == 2 } }
        for id in net.liveIDs { #expect(net.applied(id) == [Fixture.bytes("birth 1"), Fixture.bytes("birth 2")]) }
        net.restart(1)
        net.run { $0.applied(1).count == 2 }
        #expect(net.applied(1) == [Fixture.bytes("birth 1"), Fixture.bytes("birth 2")])
    }

    /// `timeOutWithin(ticks:)` brings a follower's election timeout forward and nothing else:
    /// it pre-campaigns at that tick, not before; on a leader it does nothing.
    @Test func aTimeoutBroughtForwardEndsAtThatTickAndLeavesALeaderAlone() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(3)
        net.with(3) { $0.timeOutWithin(ticks: 2) }
        net.tick(3)
        #expect(net.raft(3).role == .follower, "not at the first tick")
        net.tick(3)
        #expect(net.raft(3).role == .preCandidate, "at the second")
        let term = net.raft(1).term
        net.with(1) { $0.timeOutWithin(ticks: 1) }
        net.tick(1)
        #expect(net.raft(1).role == .leader && net.raft(1).term == term)
    }
}
