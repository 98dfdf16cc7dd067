import Testing
@testable import Raft

/// Membership changes by joint consensus (Raft dissertation §4.3; paper §6, Figure 11): any
/// change to the voters goes through C_old,new, which the leader leaves by itself once applied;
/// one change at a time.
@Suite struct MembershipTests {
    static func configEntries(_ raft: Raft) -> [ConfigChange] {
        raft.entries(from: raft.firstIndex, through: raft.lastIndex)
            .filter { $0.kind == .configChange }
            .map { try! ConfigChange.decode($0.data) }
    }

    @Test func addingAVoterGoesThroughAJointConfigurationThatTheLeaderLeavesByItself() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.addEmptyMember(4)
        let index = try! net.proposeConfigChange(1, .membership([.addVoter(4)])).get()
        net.tickAllAndDeliver(times: 3)
        let expected = Membership(voters: [1, 2, 3, 4])
        for id in net.ids { #expect(net.raft(id).membership == expected, "member \(id)") }
        let changes = Self.configEntries(net.raft(1))
        #expect(changes.suffix(2) == [.membership([.addVoter(4)]), .leaveJoint])
        #expect(net.raft(1).term(at: index + 1) != nil)
        // The new member holds the whole log and votes.
        #expect(net.store(4).stateMachine == net.store(1).stateMachine)
        #expect(net.raft(4).role == .follower)
    }

    @Test func theJointConfigurationIsInForceBetweenTheTwoEntries() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.addEmptyMember(4)
        // Hold back the leave-joint entry everywhere.
        net.drop { $0.append?.entries.contains { $0.kind == .configChange && $0.data == ConfigChange.leaveJoint.encoded() } == true }
        net.proposeConfigChange(1, .membership([.addVoter(4)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership == Membership(voters: [1, 2, 3, 4], outgoingVoters: [1, 2, 3]))
        #expect(net.raft(1).membership.isJoint)
    }

    @Test func inAJointConfigurationAnEntryNeedsAMajorityOfBothHalves() {
        // C_old = {1, 2, 3}, C_new = {1, 2, 4}: every member restarts inside the joint
        // configuration; the new leader's no-op is the entry under test.
        let joint = Membership(voters: [1, 2, 4], outgoingVoters: [1, 2, 3])
        var states: [NodeID: Raft.PersistentState] = [:]
        for id: NodeID in [1, 2, 3, 4] {
            var state = Fixture.log(terms: [1], voters: [], commit: 1)
            state.membership = joint
            states[id] = state
        }
        let net = TestNetwork(prepared: states)
        net.drop(kind: "appendResponse")
        net.elect(1)
        #expect(net.raft(1).commitIndex == 1)
        // {1, 4} is a majority of C_new, but C_old has only {1}: neither the no-op nor the
        // leave-joint entry the leader appended after it commits.
        net.heal()
        net.isolate(2)
        net.isolate(3)
        net.tickAllAndDeliver(times: 3, except: [2, 3])
        #expect(net.raft(1).matchIndex(of: 4) == net.raft(1).lastIndex)
        #expect(net.raft(1).commitIndex == 1)
        // With 3 back, {1, 3} is a majority of C_old too.
        net.heal()
        net.isolate(2)
        net.tickAllAndDeliver(times: 3, except: [2])
        #expect(net.raft(1).commitIndex >= 2)
    }

    @Test func inAJointConfigurationACandidateNeedsAMajorityOfBothHalves() {
        let joint = Membership(voters: [1, 2, 4], outgoingVoters: [1, 2, 3])
        var states: [NodeID: Raft.PersistentState] = [:]
        for id: NodeID in [1, 2, 3, 4] {
            var state = Fixture.log(terms: [1], voters: [], commit: 1)
            state.membership = joint
            states[id] = state
        }
        let net = TestNetwork(prepared: states, configure: Fixture.paperRaft)
        // {1, 4} is a majority of C_new; of C_old only 1 votes.
        net.isolate(2)
        net.isolate(3)
        net.campaign(1)
        #expect(net.raft(4).vote == 1)
        #expect(net.raft(1).role == .candidate)
        // With 3 (C_old) voting too, it wins.
        net.heal()
        net.isolate(2)
        net.campaign(1)
        #expect(net.raft(1).role == .leader)
        #expect(net.sentMessages { $0.from == 1 && $0.to == 3 && $0.voteRequest != nil }.count >= 1)
    }

    @Test func removingAVoterShrinksTheQuorum() {
        let net = TestNetwork(voters: [1, 2, 3, 4, 5])
        net.elect(1)
        net.proposeConfigChange(1, .membership([.remove(4), .remove(5)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership == Membership(voters: [1, 2, 3]))
        // Two of the three remaining members now suffice.
        net.isolate(3)
        net.isolate(4)
        net.isolate(5)
        net.propose(1, "after")
        net.tickAllAndDeliver(times: 2, except: [3, 4, 5])
        #expect(net.applied(1) == [Fixture.bytes("after")])
    }

    @Test func aRemovedMemberReceivesNothingMore() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.proposeConfigChange(1, .membership([.remove(3)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership.voters == [1, 2])
        net.clearTrace()
        net.propose(1, "after")
        net.tickAllAndDeliver(times: 3)
        #expect(net.sentMessages { $0.from == 1 && $0.to == 3 }.isEmpty)
        #expect(net.applied(2) == [Fixture.bytes("after")])
    }

    @Test func addingALearnerNeedsNoJointConfiguration() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.addEmptyMember(4)
        net.proposeConfigChange(1, .membership([.addLearner(4)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership == Membership(voters: [1, 2, 3], learners: [4]))
        #expect(Self.configEntries(net.raft(1)).last == .membership([.addLearner(4)]))
        #expect(net.store(4).stateMachine == net.store(1).stateMachine)
    }

    @Test func promotingALearnerMakesItAVoter() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4])
        net.elect(1)
        net.proposeConfigChange(1, .membership([.addVoter(4)]))
        net.tickAllAndDeliver(times: 3)
        for id in net.ids { #expect(net.raft(id).membership == Membership(voters: [1, 2, 3, 4]), "member \(id)") }
        // 4 now counts: with 2 and 3 gone, {1, 4} is not a majority of four, and with 3 back it is.
        net.isolate(2)
        net.propose(1, "a")
        net.tickAllAndDeliver(times: 2, except: [2])
        #expect(net.applied(1) == [Fixture.bytes("a")])
    }

    @Test func demotingAVoterMakesItALearnerWhenTheJointConfigurationIsLeft() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.proposeConfigChange(1, .membership([.addLearner(3)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership == Membership(voters: [1, 2], learners: [3]))
        #expect(net.raft(3).membership == Membership(voters: [1, 2], learners: [3]))
    }

    @Test func replacingAMemberAddsTheNewOneAndRemovesTheOldInOneChange() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.addEmptyMember(4)
        net.proposeConfigChange(1, .membership([.addVoter(4), .remove(3)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership == Membership(voters: [1, 2, 4]))
        #expect(net.raft(4).membership == Membership(voters: [1, 2, 4]))
        net.crash(3)
        net.crash(2)
        net.restart(2)
        net.propose(1, "after")
        net.tickAllAndDeliver(times: 3)
        #expect(net.applied(4) == [Fixture.bytes("after")])
    }

    @Test func onlyOneMembershipChangeIsInFlightAtATime() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.addEmptyMember(4)
        net.addEmptyMember(5)
        let first = try! net.proposeConfigChange(1, .membership([.addVoter(4)])).get()
        #expect(net.proposeConfigChange(1, .membership([.addVoter(5)])) == .failure(.configChangePending(index: first)))
        // Applying the joint entry is not enough: the leave-joint entry the leader appends is
        // part of the same change.
        net.drop { $0.append?.entries.contains { $0.data == ConfigChange.leaveJoint.encoded() } == true }
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(1).membership.isJoint)
        let leave = first + 1
        #expect(net.proposeConfigChange(1, .membership([.addVoter(5)])) == .failure(.configChangePending(index: leave)))
        net.heal()
        net.tickAllAndDeliver(times: 3)
        #expect(throws: Never.self) { try net.proposeConfigChange(1, .membership([.addVoter(5)])).get() }
    }

    @Test func aNewLeaderDoesNotStartAChangeWhileItsLogHoldsAnUnappliedOne() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        // The change reaches 2 and 3, but they never learn that it committed.
        net.drop { ($0.append?.commit ?? 0) >= 3 }
        net.drop(kind: "heartbeat")
        let change = try! net.proposeConfigChange(1, .membership([.addLearner(4)])).get()
        net.deliverAll()
        net.crash(1)
        net.heal()
        // The new leader's no-op cannot commit yet.
        net.drop(kind: "appendResponse")
        net.run { $0.leader != nil }
        let leader = try! #require(net.leader)
        #expect(net.raft(leader).appliedIndex < change)
        #expect(net.proposeConfigChange(leader, .membership([.addLearner(5)])) == .failure(.configChangePending(index: change)))
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(leader).membership.learners == [4])
        #expect(throws: Never.self) { try net.proposeConfigChange(leader, .membership([.addLearner(5)])).get() }
    }

    @Test func removingTheLeaderMakesItStepDownAndHandOverWithoutWaitingForATimeout() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let term = net.raft(1).term
        net.proposeConfigChange(1, .membership([.remove(1)]))
        // No tick: the handover is driven by the leave-joint entry and a timeout-now message.
        net.deliverAll()
        #expect(net.raft(1).role == .follower)
        #expect(!net.raft(1).membership.isVoter(1))
        let leader = try! #require(net.leader)
        #expect([2, 3].contains(leader))
        #expect(net.raft(leader).term == term + 1)
        #expect(net.raft(leader).membership == Membership(voters: [2, 3]))
        net.propose(leader, "after")
        net.tickAllAndDeliver(times: 2)
        #expect(net.applied(leader == 2 ? 3 : 2) == [Fixture.bytes("after")])
    }

    @Test func aMemberJoiningAfterCompactionReceivesASnapshot() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        for n in 0..<5 { net.propose(1, "act \(n)") }
        net.tickAllAndDeliver()
        net.compact(1, through: net.raft(1).appliedIndex)
        net.addEmptyMember(4)
        net.proposeConfigChange(1, .membership([.addLearner(4)]))
        net.tickAllAndDeliver(times: 5)
        // The snapshot is of the leader's applied state, the learner's own addition included.
        #expect(net.raft(4).snapshotIndex == 8)
        #expect(net.applied(4).count == 5)
        #expect(net.raft(4).membership == Membership(voters: [1, 2, 3], learners: [4]))
    }

    @Test func invalidChangesAreRefusedAndAppendNothing() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4])
        net.elect(1)
        let last = net.raft(1).lastIndex
        #expect(net.proposeConfigChange(1, .membership([])) == .failure(.invalidConfigChange(.emptyChange)))
        #expect(net.proposeConfigChange(1, .membership([.remove(9)])) == .failure(.invalidConfigChange(.unknownMember(9))))
        #expect(net.proposeConfigChange(1, .membership([.addVoter(0)])) == .failure(.invalidConfigChange(.reservedNodeID)))
        #expect(net.proposeConfigChange(1, .membership([.addVoter(5), .remove(5)])) == .failure(.invalidConfigChange(.duplicateMember(5))))
        #expect(net.proposeConfigChange(1, .membership([.remove(1), .remove(2), .remove(3)])) == .failure(.invalidConfigChange(.noVotersLeft)))
        #expect(net.proposeConfigChange(1, .leaveJoint) == .failure(.invalidConfigChange(.notJoint)))
        #expect(net.proposeConfigChange(1, .centerRule(center: 9, required: true)) == .failure(.invalidConfigChange(.centerNotMember(9))))
        #expect(net.proposeConfigChange(1, .centerRule(center: nil, required: true)) == .failure(.invalidConfigChange(.centerNotMember(0))))
        if case .failure(.invalidConfigChange(.invalidBootstrap)) = net.proposeConfigChange(1, .bootstrap(Membership(voters: [1]))) {
        } else {
            Issue.record("a bootstrap change was not refused")
        }
        #expect(net.raft(1).lastIndex == last)
        #expect(net.proposeConfigChange(2, .membership([.addVoter(5)])) == .failure(.notLeader(leaderHint: 1)))
    }
}
