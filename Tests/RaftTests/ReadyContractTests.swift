import Testing
@testable import Raft

/// The `Ready` contract: what may leave before the write, what must wait for it, what is
/// applied, and that `advance` is what makes the leader count its own copy. These tests drive
/// `Raft` values by hand, without the harness, to look at each `Ready`.
@Suite struct ReadyContractTests {
    static let three = Membership(voters: [1, 2, 3])

    /// A member of a bootstrapped three-member group with its first `Ready` handled.
    static func member(_ id: NodeID) -> Raft {
        var raft = Raft(config: Fixture.config(id, seed: 1), bootstrap: three)
        let ready = raft.ready()
        raft.advance(ready)
        return raft
    }

    /// A leader (1) of term 2 that has committed its no-op, and its two followers.
    static func group() -> (leader: Raft, followers: [NodeID: Raft]) {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        return (net.raft(1), [2: net.raft(2), 3: net.raft(3)])
    }

    @Test func theFirstReadyOfABootstrappedMemberPersistsAndAppliesTheInitialConfiguration() {
        var raft = Raft(config: Fixture.config(1, seed: 1), bootstrap: Self.three)
        let ready = raft.ready()
        #expect(ready.entries.map(\.index) == [1])
        #expect(ready.entries.first?.kind == .configChange)
        #expect(ready.hardState == HardState(term: 1, vote: 0, commit: 1))
        #expect(ready.committedEntries == ready.entries)
        #expect(ready.messages.isEmpty && ready.messagesBeforePersist.isEmpty)
        raft.advance(ready)
        #expect(raft.appliedIndex == 1)
        #expect(!raft.hasReady)
    }

    @Test func aFollowersAcknowledgementIsInMessagesNotInMessagesBeforePersist() {
        var (leader, followers) = Self.group()
        var follower = followers[2]!
        _ = leader.propose([[1, 2, 3]])
        let leaderReady = leader.ready()
        let append = leaderReady.messagesBeforePersist.first { $0.to == 2 }!
        follower.step(append)
        let ready = follower.ready()
        #expect(ready.messagesBeforePersist.isEmpty)
        #expect(ready.entries.map(\.index) == [3])
        #expect(ready.messages.map(\.body) == [.appendResponse(.init(index: 3))])
    }

    @Test func theLeadersAppendsLeaveBeforeTheWriteOfTheSameEntries() {
        var (leader, _) = Self.group()
        _ = leader.propose([[1]])
        let ready = leader.ready()
        #expect(ready.entries.map(\.index) == [3])
        let appends = ready.messagesBeforePersist.compactMap(\.append)
        #expect(appends.count == 2)
        #expect(appends.allSatisfy { $0.entries.map(\.index) == [3] })
        #expect(ready.messages.isEmpty)
    }

    @Test func aGrantedVoteIsPersistedInTheSameReadyThatSendsIt() {
        var voter = Self.member(2)
        voter.step(Message(from: 1, to: 2, term: 2, body: .vote(.init(preVote: false, lastIndex: 1, lastTerm: 1))))
        let ready = voter.ready()
        #expect(ready.hardState == HardState(term: 2, vote: 1, commit: 1))
        #expect(ready.messagesBeforePersist.isEmpty)
        #expect(ready.messages.map(\.body) == [.voteResponse(.init(preVote: false, granted: true))])
    }

    @Test func aCandidatesOwnVoteIsPersistedInTheSameReadyThatAsksForVotes() {
        var raft = Self.member(1)
        var config = raft.config
        config.preVote = false
        raft = Raft(config: config, state: .init(hardState: raft.hardState, snapshotIndex: 0, snapshotTerm: 0,
                                                 entries: raft.entries(from: 1, through: 1), appliedIndex: 1, membership: Self.three))
        while raft.role == .follower { raft.tick() }
        let ready = raft.ready()
        #expect(ready.hardState == HardState(term: 2, vote: 1, commit: 1))
        #expect(ready.messagesBeforePersist.isEmpty)
        #expect(ready.messages.compactMap(\.voteRequest).count == 2)
    }

    @Test func aSingleMemberLeaderCommitsItsProposalOnlyOnceAdvanceReportsItDurable() {
        var raft = Raft(config: Fixture.config(1, seed: 1), bootstrap: Membership(voters: [1]))
        raft.advance(raft.ready())
        while raft.role != .leader { raft.tick() }
        raft.advance(raft.ready())
        while raft.hasReady { raft.advance(raft.ready()) }
        let commit = raft.commitIndex
        let index = try! raft.propose([[7]]).get()
        #expect(raft.matchIndex(of: 1) == commit)
        let ready = raft.ready()
        #expect(ready.entries.map(\.index) == [index])
        #expect(ready.committedEntries.isEmpty)
        // Between ready() and advance() the leader still has not counted itself.
        #expect(raft.commitIndex == commit)
        #expect(raft.matchIndex(of: 1) == commit)
        raft.advance(ready)
        #expect(raft.matchIndex(of: 1) == index)
        #expect(raft.commitIndex == index)
        let next = raft.ready()
        #expect(next.committedEntries.map(\.index) == [index])
        raft.advance(next)
    }

    @Test func aLeaderCountsItselfOnlyForWhatItPersisted() {
        // The followers acknowledge entry 3 while the leader is still writing it (its appends
        // left in step 1); the leader's own match moves only when advance reports the write.
        var (leader, followers) = Self.group()
        _ = leader.propose([[1]])
        let ready = leader.ready()
        var acks: [Message] = []
        for message in ready.messagesBeforePersist where message.isAppend {
            var follower = followers[message.to]!
            follower.step(message)
            let followerReady = follower.ready()
            acks += followerReady.messages
            follower.advance(followerReady)
        }
        #expect(leader.matchIndex(of: 1) == 2)
        leader.advance(ready)
        #expect(leader.matchIndex(of: 1) == 3)
        for ack in acks { leader.step(ack) }
        #expect(leader.commitIndex == 3)
    }

    @Test func committedEntriesAreAlwaysDurableOrInTheSameReadysEntries() {
        var (leader, followers) = Self.group()
        var follower = followers[2]!
        _ = leader.propose([[1], [2]])
        let ready = leader.ready()
        leader.advance(ready)
        for message in ready.messagesBeforePersist where message.to == 2 { follower.step(message) }
        // The follower learns the entries and, from a later heartbeat, that they committed.
        follower.step(Message(from: 1, to: 2, term: leader.term, body: .heartbeat(.init(commit: 4, readRound: 0))))
        let followerReady = follower.ready()
        let persisted = Set(followerReady.entries.map(\.index))
        #expect(followerReady.committedEntries.map(\.index) == [3, 4])
        #expect(followerReady.committedEntries.allSatisfy { persisted.contains($0.index) })
    }

    @Test func aConflictingSuffixIsReplacedFromTheConflictIndex() {
        var follower = Raft(config: Fixture.config(3, seed: 1),
                            state: Fixture.log(terms: [1, 1, 2, 2], currentTerm: 2, voters: [1, 2, 3], commit: 1))
        follower.advance(follower.ready())
        let entries = [Entry(index: 3, term: 3, data: [9]), Entry(index: 4, term: 3, data: [9])]
        follower.step(Message(from: 1, to: 3, term: 3, body: .append(.init(prevIndex: 2, prevTerm: 1, entries: entries, commit: 1))))
        let ready = follower.ready()
        #expect(ready.entries == entries)
        #expect(follower.persistedIndex == 2)
    }

    @Test func aConfigurationEntryTakesEffectWhenAppliedNotWhenAppended() {
        var (leader, followers) = Self.group()
        _ = leader.proposeConfigChange(.membership([.addLearner(4)]))
        let ready = leader.ready()
        leader.advance(ready)
        // Appended and durable on the leader, not committed: not in force.
        #expect(leader.membership.learners.isEmpty)
        #expect(leader.matchIndex(of: 4) == nil)
        for message in ready.messagesBeforePersist where message.to == 2 {
            var follower = followers[2]!
            follower.step(message)
            let followerReady = follower.ready()
            follower.advance(followerReady)
            followers[2] = follower
            for ack in followerReady.messages { leader.step(ack) }
        }
        #expect(leader.commitIndex == 3)
        #expect(leader.membership.learners.isEmpty)
        let applying = leader.ready()
        #expect(applying.committedEntries.map(\.index) == [3])
        leader.advance(applying)
        #expect(leader.membership.learners == [4])
        #expect(leader.matchIndex(of: 4) == 0)
    }

    @Test func aRestartClampsACommitIndexBeyondTheDurableLog() {
        // A torn write left the hard state ahead of the log.
        var state = Fixture.log(terms: [1, 1, 1], voters: [1, 2, 3])
        state.hardState.commit = 9
        let raft = Raft(config: Fixture.config(1, seed: 1), state: state)
        #expect(raft.commitIndex == 3)
    }

    @Test func anEmptyReadyNeedsNoAdvance() {
        var raft = Self.member(1)
        #expect(!raft.hasReady)
        let ready = raft.ready()
        #expect(ready.isEmpty)
        raft.tick()
    }

    @Test func readyTwiceWithoutAdvanceTraps() async {
        await #expect(processExitsWith: .failure) {
            var raft = Raft(config: RaftConfig(id: 1, randomSeed: 1), bootstrap: Membership(voters: [1, 2, 3]))
            _ = raft.ready()
            _ = raft.ready()
        }
    }

    @Test func aStepBetweenReadyAndAdvanceTraps() async {
        await #expect(processExitsWith: .failure) {
            var raft = Raft(config: RaftConfig(id: 2, randomSeed: 1), bootstrap: Membership(voters: [1, 2, 3]))
            _ = raft.ready()
            raft.step(Message(from: 1, to: 2, term: 1, body: .heartbeat(.init(commit: 1, readRound: 0))))
        }
    }

    @Test func aProposalBetweenReadyAndAdvanceTraps() async {
        await #expect(processExitsWith: .failure) {
            var raft = Raft(config: RaftConfig(id: 1, randomSeed: 1), bootstrap: Membership(voters: [1]))
            _ = raft.ready()
            _ = raft.propose([[1]])
        }
    }

    @Test func aLeaderThatCrashesBeforeItsWriteIsDurableLosesNothingAcknowledged() {
        // Its appends left before the write (step 1) and reached the followers; the leader's own
        // copy is lost. The entry may survive through the followers or vanish, but what was
        // applied anywhere is applied identically everywhere.
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.propose(1, "acknowledged")
        net.deliverAll()
        net.withoutProcessing(1) { _ = $0.propose([Fixture.bytes("in flight")]) }
        net.crashDuringReady(1, afterPersisting: false)
        #expect(net.store(1).lastIndex == 3)
        net.deliverAll()
        net.restart(1)
        net.run { $0.leader != nil }
        net.tickAllAndDeliver(times: 5)
        let reference = net.applied(net.leader!)
        #expect(reference.first == Fixture.bytes("acknowledged"))
        #expect(net.ids.allSatisfy { net.applied($0) == reference })
        #expect(net.violations.isEmpty)
    }
}
