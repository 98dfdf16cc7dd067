import Testing
@testable import Raft

/// Linearizable reads by ReadIndex (Raft dissertation §6.4): the leader records its commit index,
/// confirms with a heartbeat round that a quorum still follows it, then the read may be served
/// once the state machine has applied that index. Followers forward reads to the leader.
@Suite struct ReadIndexTests {
    @Test func aLeaderReadIsConfirmedByAQuorumAtTheCommitIndex() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.propose(1, "birth")
        net.deliverAll()
        net.drop(kind: "heartbeatResponse")
        net.with(1) { $0.readIndex(7) }
        net.deliverAll()
        // No quorum has answered the round yet.
        #expect(net.member(1).readStates.isEmpty)
        net.heal()
        net.tickAllAndDeliver()
        #expect(net.member(1).readStates == [ReadState(id: 7, index: 3)])
        #expect(net.raft(1).appliedIndex >= 3)
    }

    @Test func oneQuorumAnswerIsEnoughInAFiveMemberGroup() {
        let net = TestNetwork(voters: [1, 2, 3, 4, 5])
        net.elect(1)
        net.isolate(4)
        net.isolate(5)
        net.with(1) { $0.readIndex(1) }
        net.deliverAll()
        #expect(net.member(1).readStates.map(\.id) == [1])
    }

    @Test func readsOfOneTurnShareOneHeartbeatRound() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.clearTrace()
        net.with(1) { raft in
            for id: ReadRequestID in 1...5 { raft.readIndex(id) }
        }
        let heartbeats = net.sentMessages { if case .heartbeat = $0.body { true } else { false } }
        #expect(heartbeats.count == 2)
        net.deliverAll()
        #expect(net.member(1).readStates == (1...5).map { ReadState(id: $0, index: 2) })
    }

    @Test func aFollowerReadIsForwardedAndAnsweredWithTheLeadersCommitIndex() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.propose(1, "birth")
        net.deliverAll()
        // The leader committed 3; the follower holds it but has not been told.
        #expect(net.raft(3).commitIndex == 2)
        net.clearTrace()
        net.with(3) { raft in
            raft.readIndex(41)
            raft.readIndex(42)
        }
        let forwarded = net.sentMessages { $0.from == 3 }
        #expect(forwarded.map(\.body) == [.readIndex(.init(ids: [41, 42]))])
        net.deliverAll()
        #expect(net.member(3).readStates == [ReadState(id: 41, index: 3), ReadState(id: 42, index: 3)])
        // The follower may serve once it has applied index 3: the read's heartbeat round
        // brought it the commit index, without waiting for a tick.
        #expect(net.raft(3).appliedIndex >= 3)
        #expect(net.member(1).readStates.isEmpty)
    }

    @Test func aReadOnAMemberThatKnowsNoLeaderFailsAtOnce() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.with(2) { $0.readIndex(5) }
        #expect(net.member(2).failedReads == [5])
    }

    @Test func aSingleMemberLeaderAnswersAtOnce() {
        let net = TestNetwork(voters: [1])
        net.campaign(1)
        net.with(1) { $0.readIndex(9) }
        #expect(net.member(1).readStates == [ReadState(id: 9, index: 2)])
    }

    @Test func noReadIsAnsweredBeforeTheNewLeaderCommitsAnEntryOfItsTerm() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.drop(kind: "appendResponse")
        net.elect(1)
        #expect(net.raft(1).commitIndex == 1)
        net.with(1) { $0.readIndex(3) }
        net.tickAllAndDeliver(times: 3)
        #expect(net.member(1).readStates.isEmpty)
        #expect(net.member(1).failedReads.isEmpty)
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.member(1).readStates == [ReadState(id: 3, index: 2)])
    }

    @Test func pendingReadsFailWhenTheLeaderStepsDown() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.drop(kind: "heartbeatResponse")
        net.with(1) { $0.readIndex(1) }
        net.with(2) { $0.readIndex(2) }
        net.deliverAll()
        #expect(net.member(1).readStates.isEmpty)
        let term = net.raft(1).term
        net.deliver(Envelope(message: Message(from: 3, to: 1, term: term + 1, body: .appendResponse(.init(index: 0)))))
        #expect(net.raft(1).role == .follower)
        net.deliverAll()
        #expect(net.member(1).failedReads == [1])
        #expect(net.member(2).failedReads == [2])
        #expect(net.member(2).readStates.isEmpty)
    }

    @Test func aCutOffLeaderNeverConfirmsAReadWhileTheMajorityMovesOn() {
        // Without check-quorum the old leader keeps believing it leads; ReadIndex still keeps it
        // from serving a stale read, because no quorum answers its round.
        let net = TestNetwork(voters: [1, 2, 3]) { $0.checkQuorum = false }
        net.elect(1)
        net.isolate(1)
        net.run { n in n.liveIDs.contains { $0 != 1 && n.raft($0).role == .leader } }
        let newLeader = net.liveIDs.first { $0 != 1 && net.raft($0).role == .leader }!
        net.propose(newLeader, "newer")
        net.tickAllAndDeliver(times: 2, except: [1])
        net.with(1) { $0.readIndex(8) }
        net.tickAllAndDeliver(times: 5)
        #expect(net.raft(1).role == .leader)
        #expect(net.member(1).readStates.isEmpty)
        // Healed, it learns the newer term and fails the read.
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.member(1).readStates.isEmpty)
        #expect(net.member(1).failedReads == [8])
    }

    @Test func aReadIssuedAfterAWriteWasAcknowledgedSeesIt() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let index = try! net.propose(1, "birth").get()
        net.deliverAll()
        #expect(net.applied(1) == [Fixture.bytes("birth")])
        net.with(2) { $0.readIndex(1) }
        net.deliverAll()
        let state = try! #require(net.member(2).readStates.first)
        #expect(state.index >= index)
    }

    @Test func aLeaderRefusesAReadForwardedInAnOlderTerm() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.clearTrace()
        net.deliver(Envelope(message: Message(from: 2, to: 1, term: term - 1, body: .readIndex(.init(ids: [4])))))
        let answer = net.sentMessages { $0.from == 1 && $0.to == 2 }.first
        #expect(answer?.body == .readIndexResponse(.init(ids: [4], index: 0, refused: true)))
    }
}
