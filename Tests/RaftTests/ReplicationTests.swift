import Testing
@testable import Raft

/// Log replication (Raft paper §5.3, Figure 2 "AppendEntries RPC"): the leader's log is copied to
/// every follower, conflicting suffixes are overwritten, and the commit index travels with
/// appends and heartbeats.
@Suite struct ReplicationTests {
    static let birth = Fixture.bytes("birth")

    @Test func aProposalIsReplicatedCommittedAndAppliedOnEveryMember() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        let index = try! net.propose(1, "birth").get()
        #expect(index == 3)
        net.deliverAll()
        net.tickAllAndDeliver()
        for id in net.ids {
            #expect(net.raft(id).commitIndex == 3, "member \(id)")
            #expect(net.applied(id) == [Self.birth], "member \(id)")
            #expect(net.store(id).entry(at: 3)?.data == Self.birth, "member \(id)")
        }
    }

    @Test func aFollowerLearnsANewCommitIndexWithTheNextAppendOrHeartbeat() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.propose(1, "birth")
        // No tick: only the traffic the proposal causes. The leader commits; the followers hold
        // the entry but are not told yet.
        net.deliverAll()
        #expect(net.raft(1).commitIndex == 3)
        for id: NodeID in [2, 3] {
            #expect(net.raft(id).commitIndex == 2, "member \(id)")
            #expect(net.applied(id).isEmpty, "member \(id)")
        }
        // The next proposal's append carries the commit index of the first.
        net.propose(1, "death")
        let appends = net.queue.filter { $0.message.isAppend && $0.message.from == 1 }.compactMap(\.message.append)
        #expect(appends.count == 2)
        #expect(appends.allSatisfy { $0.commit == 3 })
        net.deliverAll()
        for id: NodeID in [2, 3] {
            #expect(net.raft(id).commitIndex == 3, "member \(id)")
            #expect(net.applied(id) == [Self.birth], "member \(id)")
        }
        // With nothing more to send, the next heartbeat carries the second.
        net.tickAllAndDeliver()
        for id: NodeID in [2, 3] {
            #expect(net.raft(id).commitIndex == 4, "member \(id)")
            #expect(net.applied(id) == [Self.birth, Fixture.bytes("death")], "member \(id)")
        }
    }

    @Test func aFollowerWhoseProbeIsAnsweredAfterTheCommitLearnsTheCommitIndexAtOnce() {
        // After an election every follower is probed with the no-op. 2's answer commits it; 3's
        // answer arrives afterwards and must still bring 3 the commit index, without a heartbeat.
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        #expect(net.raft(1).commitIndex == 2)
        for id: NodeID in [2, 3] {
            #expect(net.raft(id).commitIndex == 2, "member \(id)")
        }
    }

    @Test func aNewCommitIndexGetsNoMessageOfItsOwn() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.clearTrace()
        net.propose(1, "birth")
        net.deliverAll()
        #expect(net.raft(1).commitIndex == 3)
        for id: NodeID in [2, 3] {
            let toFollower = net.sentMessages { $0.from == 1 && $0.to == id }
            #expect(toFollower.count == 1, "member \(id) got \(toFollower.count) messages for one proposal")
            #expect(toFollower.first?.append?.entries.count == 1, "member \(id)")
        }
    }

    @Test func proposalsOfOneTurnTravelInOneAppendPerFollower() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.clearTrace()
        net.with(1) { raft in
            for n in 0..<5 { _ = raft.propose([Fixture.bytes("act \(n)")]) }
        }
        for id: NodeID in [2, 3] {
            let appends = net.sentMessages { $0.to == id && $0.append?.entries.isEmpty == false }
            #expect(appends.count == 1)
            #expect(appends.first?.append?.entries.map(\.index) == [3, 4, 5, 6, 7])
        }
    }

    @Test func theLeaderPipelinesAppendsWithoutWaitingForAcknowledgements() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.clearTrace()
        for n in 0..<3 { net.propose(1, "act \(n)") }
        // Nothing delivered yet: three appends to each follower are in flight at once.
        for id: NodeID in [2, 3] {
            let appends = net.queue.map(\.message).filter { $0.to == id && $0.isAppend }
            #expect(appends.map { $0.append!.prevIndex } == [2, 3, 4])
        }
        net.deliverAll()
        #expect(net.raft(1).commitIndex == 5)
    }

    @Test func aFollowerTruncatesAConflictingUncommittedSuffix() {
        // 3 holds entries of term 2 that never committed; the leader of term 3 has others.
        let net = TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 3, 3], voters: [1, 2, 3]),
            2: Fixture.log(terms: [1, 3, 3], voters: [1, 2, 3]),
            3: Fixture.log(terms: [1, 2, 2, 2, 2], currentTerm: 2, voters: [1, 2, 3]),
        ], configure: Fixture.paperRaft)
        net.elect(1)
        net.tickAllAndDeliver()
        #expect(net.raft(3).lastIndex == 4)
        #expect(net.raft(3).entries(from: 1, through: 4) == net.raft(1).entries(from: 1, through: 4))
        #expect(net.store(3).entries == net.store(1).entries)
    }

    @Test func theLeaderSkipsAWholeConflictingTermPerRoundTrip() {
        // Fast back-off (Raft paper §5.3, last paragraphs): 60 conflicting entries of term 2 cost
        // one rejected append, not 60.
        let stale = [UInt64(1)] + Array(repeating: 2, count: 60)
        let net = TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 3], voters: [1, 2, 3]),
            2: Fixture.log(terms: [1, 3], voters: [1, 2, 3]),
            3: Fixture.log(terms: stale, currentTerm: 2, voters: [1, 2, 3]),
        ], configure: Fixture.paperRaft)
        net.elect(1)
        net.tickAllAndDeliver()
        let rejections = net.sentMessages { $0.from == 3 && $0.appendResponse?.reject == true }
        #expect(rejections.count <= 2, "\(rejections.count) rejections")
        #expect(net.raft(3).lastIndex == net.raft(1).lastIndex)
        #expect(net.raft(3).entries(from: 1, through: 3) == net.raft(1).entries(from: 1, through: 3))
    }

    @Test func aLaggingFollowerCatchesUpOnceThePartitionHeals() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(3)
        for n in 0..<20 { net.propose(1, "act \(n)") }
        net.deliverAll()
        #expect(net.raft(1).commitIndex == 22)
        #expect(net.raft(3).lastIndex == 2)
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(3).lastIndex == 22)
        #expect(net.applied(3) == net.applied(1))
        #expect(net.applied(3).count == 20)
    }

    @Test func anAppendLostInTransitIsSentAgainWithoutNewProposals() {
        // Raft paper §5.3: the leader retries AppendEntries until the follower has the entry.
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(3)
        net.drop { $0.to == 2 && $0.append?.entries.isEmpty == false }
        net.propose(1, "birth")
        net.deliverAll()
        #expect(net.raft(1).commitIndex == 2)
        net.heal()
        net.isolate(3)
        net.tickAllAndDeliver(times: 3, except: [3])
        #expect(net.raft(1).commitIndex == 3)
        #expect(net.applied(2) == [Self.birth])
    }

    @Test func aFullWindowOfLostAppendsDoesNotStallTheFollowerForever() {
        let net = TestNetwork(voters: [1, 2, 3]) { $0.inflightMessagesMax = 2 }
        net.elect(1)
        net.isolate(3)
        net.drop { $0.to == 2 && $0.append?.entries.isEmpty == false }
        for n in 0..<4 { net.propose(1, "act \(n)") }
        net.deliverAll()
        net.heal()
        net.isolate(3)
        net.tickAllAndDeliver(times: 5, except: [3])
        #expect(net.raft(1).commitIndex == 6)
        #expect(net.applied(2).count == 4)
    }

    @Test func aDuplicatedOldAppendDoesNotTruncateNewerEntries() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.propose(1, "a")
        let firstAppend = net.queue.first { $0.message.to == 2 && $0.message.isAppend }!
        net.deliverAll()
        net.propose(1, "b")
        net.deliverAll()
        #expect(net.raft(2).lastIndex == 4)
        net.deliver(firstAppend)
        net.deliverAll()
        #expect(net.raft(2).lastIndex == 4)
        #expect(net.store(2).lastIndex == 4)
        net.tickAllAndDeliver()
        #expect(net.applied(2) == [Fixture.bytes("a"), Fixture.bytes("b")])
    }

    @Test func anAppendBelowTheFollowersCommitIndexIsAnsweredWithTheCommitIndex() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        for n in 0..<3 { net.propose(1, "act \(n)") }
        net.deliverThenHeartbeat()
        let commit = net.raft(2).commitIndex
        #expect(commit == 5)
        let term = net.raft(1).term
        let old = Message(from: 1, to: 2, term: term, body: .append(.init(
            prevIndex: 2, prevTerm: term, entries: [Entry(index: 3, term: term, data: Fixture.bytes("act 0"))], commit: 2)))
        net.clearTrace()
        net.deliver(Envelope(message: old))
        #expect(net.sentMessages { $0.from == 2 }.first?.appendResponse == Message.AppendResponse(index: commit))
        #expect(net.raft(2).lastIndex == 5)
    }

    @Test func aHeartbeatNeverCommitsBeyondWhatTheFollowerIsKnownToMatch() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.drop { $0.to == 3 && $0.isAppend }
        for n in 0..<3 { net.propose(1, "act \(n)") }
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).commitIndex == 5)
        let heartbeats = net.sentMessages { $0.to == 3 }.compactMap { m -> UInt64? in
            if case .heartbeat(let h) = m.body { h.commit } else { nil }
        }
        #expect(!heartbeats.isEmpty)
        #expect(heartbeats.allSatisfy { $0 <= 2 })
        #expect(net.raft(3).commitIndex == 2)
    }

    @Test func aRestartedFollowerReappliesNothingAndCatchesUpFromItsDurableLog() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        for n in 0..<3 { net.propose(1, "act \(n)") }
        net.deliverThenHeartbeat()
        net.crash(2)
        net.propose(1, "act 3")
        net.deliverAll()
        net.restart(2)
        #expect(net.raft(2).appliedIndex == 5)
        net.tickAllAndDeliver(times: 2)
        #expect(net.applied(2) == (0..<4).map { Fixture.bytes("act \($0)") })
    }
}
