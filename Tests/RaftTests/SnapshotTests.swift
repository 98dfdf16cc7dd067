import Testing
@testable import Raft

/// Log compaction and snapshot install (Raft paper §7, Figure 13 "InstallSnapshot RPC"). Raft
/// handles the snapshot header (`SnapshotMeta`); the host streams the state-machine image and
/// steps the header once the image is staged. The harness models that: a snapshot message
/// carries the sender's applied state machine up to the header's index.
@Suite struct SnapshotTests {
    /// A three-member group in which 3 missed twenty entries that every other member compacted.
    static func laggingFollower(configure: (inout RaftConfig) -> Void = { _ in }) -> TestNetwork {
        let net = TestNetwork(voters: [1, 2, 3], configure: configure)
        net.elect(1)
        net.isolate(3)
        for n in 0..<20 { net.propose(1, "act \(n)") }
        net.tickAllAndDeliver(times: 1, except: [3])
        for id: NodeID in [1, 2] { net.compact(id, through: net.raft(id).appliedIndex) }
        #expect(net.raft(1).snapshotIndex == 22)
        return net
    }

    static func snapshots(to id: NodeID, in net: TestNetwork) -> [SnapshotMeta] {
        net.sentMessages { $0.to == id }.compactMap { if case .snapshot(let meta) = $0.body { meta } else { nil } }
    }

    @Test func compactionDropsAppliedEntriesAndKeepsTheTermOfTheSnapshotPoint() {
        let net = TestNetwork(voters: [1])
        net.campaign(1)
        for n in 0..<5 { net.propose(1, "act \(n)") }
        let term = net.raft(1).term(at: 5)
        net.compact(1, through: 5)
        let raft = net.raft(1)
        #expect(raft.snapshotIndex == 5)
        #expect(raft.firstIndex == 6)
        #expect(raft.term(at: 5) == term)
        #expect(raft.term(at: 4) == nil)
        #expect(raft.entries(from: 1, through: 7).map(\.index) == [6, 7])
        #expect(raft.appliedSnapshotMeta == SnapshotMeta(index: 7, term: raft.term, membership: Membership(voters: [1])))
    }

    @Test func aFollowerBehindTheCompactionPointInstallsTheLeadersSnapshotAndCatchesUp() {
        let net = Self.laggingFollower()
        net.heal()
        net.tickAllAndDeliver(times: 3)
        let sent = Self.snapshots(to: 3, in: net)
        #expect(sent.count == 1)
        #expect(sent.first?.index == 22)
        #expect(sent.first?.membership == Membership(voters: [1, 2, 3]))
        #expect(net.raft(3).snapshotIndex == 22)
        #expect(net.store(3).snapshotIndex == 22)
        #expect(net.store(3).stateMachine == net.store(1).stateMachine)
        #expect(net.applied(3).count == 20)
        // Later entries arrive as ordinary appends.
        net.propose(1, "after")
        net.deliverThenHeartbeat()
        #expect(net.applied(3).last == Fixture.bytes("after"))
        #expect(net.store(3).entries.map(\.index) == [23])
    }

    @Test func aMemberRestartedAfterInstallingASnapshotResumesFromIt() {
        let net = Self.laggingFollower()
        net.heal()
        net.tickAllAndDeliver(times: 3)
        net.crash(3)
        net.restart(3)
        let raft = net.raft(3)
        #expect(raft.snapshotIndex == 22)
        #expect(raft.appliedIndex == 22)
        #expect(raft.membership == Membership(voters: [1, 2, 3]))
        net.propose(1, "after")
        net.tickAllAndDeliver(times: 2)
        #expect(net.applied(3).count == 21)
    }

    @Test func aSnapshotReportedFailedIsOfferedAgain() {
        let net = Self.laggingFollower()
        net.heal()
        net.drop(kind: "snapshot")
        net.tickAllAndDeliver(times: 3)
        #expect(Self.snapshots(to: 3, in: net).count == 1)
        net.heal()
        net.with(1) { $0.reportSnapshotFailure(3) }
        net.tickAllAndDeliver(times: 3)
        #expect(Self.snapshots(to: 3, in: net).count == 2)
        #expect(net.raft(3).snapshotIndex == 22)
        #expect(net.applied(3).count == 20)
    }

    @Test func aSnapshotNeverAcknowledgedIsOfferedAgainAfterTheSnapshotTimeout() {
        let net = Self.laggingFollower { $0.snapshotTimeoutTicks = 15 }
        net.heal()
        net.drop(kind: "snapshot")
        net.tickAllAndDeliver(times: 3)
        #expect(Self.snapshots(to: 3, in: net).count == 1)
        net.heal()
        net.tickAllAndDeliver(times: 10)
        #expect(Self.snapshots(to: 3, in: net).count == 1, "offered again before the timeout")
        net.tickAllAndDeliver(times: 15)
        #expect(Self.snapshots(to: 3, in: net).count == 2)
        #expect(net.applied(3).count == 20)
    }

    @Test func aFollowerThatAlreadyHoldsTheSnapshotsLastEntryOnlyAdvancesItsCommitIndex() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.drop { $0.to == 3 && !$0.isAppend }
        net.drop { $0.to == 3 && ($0.append?.commit ?? 0) > 2 }
        for n in 0..<3 { net.propose(1, "act \(n)") }
        net.deliverAll()
        #expect(net.raft(3).lastIndex == 5)
        #expect(net.raft(3).commitIndex == 2)
        net.heal()
        let term = net.raft(1).term
        let meta = SnapshotMeta(index: 4, term: term, membership: Membership(voters: [1, 2, 3]))
        net.clearTrace()
        net.deliver(Envelope(message: Message(from: 1, to: 3, term: term, body: .snapshot(meta)), image: nil))
        #expect(net.raft(3).commitIndex == 4)
        #expect(net.raft(3).snapshotIndex == 0)
        #expect(net.raft(3).lastIndex == 5)
        #expect(net.store(3).entries.count == 5)
        #expect(net.sentMessages { $0.from == 3 }.first?.appendResponse == Message.AppendResponse(index: 4))
    }

    @Test func aSnapshotAtOrBelowTheCommitIndexIsAnsweredWithTheCommitIndexAndChangesNothing() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        for n in 0..<3 { net.propose(1, "act \(n)") }
        net.deliverThenHeartbeat()
        let before = net.store(3)
        let term = net.raft(1).term
        let meta = SnapshotMeta(index: 3, term: term, membership: Membership(voters: [1, 2, 3]))
        net.clearTrace()
        net.deliver(Envelope(message: Message(from: 1, to: 3, term: term, body: .snapshot(meta)), image: []))
        #expect(net.sentMessages { $0.from == 3 }.first?.appendResponse == Message.AppendResponse(index: 5))
        #expect(net.store(3).entries == before.entries)
        #expect(net.store(3).stateMachine == before.stateMachine)
        #expect(net.raft(3).snapshotIndex == 0)
    }

    @Test func installingASnapshotReplacesAConflictingUncommittedLog() {
        // 3 holds entries of an old term beyond the snapshot point that conflict with it.
        let voters: Set<NodeID> = [1, 2, 3]
        let net = TestNetwork(prepared: [
            1: Fixture.log(terms: [1, 2, 2, 2], voters: voters, commit: 4),
            2: Fixture.log(terms: [1, 2, 2, 2], voters: voters, commit: 4),
            3: Fixture.log(terms: [1, 1, 1, 1, 1, 1], currentTerm: 2, voters: voters, commit: 1),
        ])
        net.isolate(3)
        net.elect(1)
        net.tickAllAndDeliver(times: 1, except: [3])
        net.compact(1, through: 5)
        net.heal()
        net.tickAllAndDeliver(times: 3)
        #expect(Self.snapshots(to: 3, in: net).first?.index == 5)
        #expect(net.raft(3).entries(from: 1, through: 9).isEmpty)
        #expect(net.raft(3).snapshotIndex == 5)
        #expect(net.store(3).stateMachine == net.store(1).stateMachine)
    }

    @Test func aSnapshotCarriesTheConfigurationAsOfItsIndex() {
        let net = TestNetwork(voters: [1, 2, 3], center: 3)
        net.elect(1)
        net.proposeConfigChange(1, .membership([.addLearner(4)]))
        net.tickAllAndDeliver()
        net.isolate(3)
        net.proposeConfigChange(1, .centerRule(center: 2, required: false))
        for n in 0..<5 { net.propose(1, "act \(n)") }
        net.tickAllAndDeliver(times: 1, except: [3])
        net.compact(1, through: net.raft(1).appliedIndex)
        net.heal()
        net.tickAllAndDeliver(times: 3)
        let expected = Membership(voters: [1, 2, 3], learners: [4], center: 2, centerRule: false)
        #expect(Self.snapshots(to: 3, in: net).first?.membership == expected)
        #expect(net.raft(3).membership == expected)
        #expect(net.store(3).membership == expected)
    }

    @Test func compactingBeyondTheAppliedIndexTraps() async {
        await #expect(processExitsWith: .failure) {
            var raft = Raft(config: RaftConfig(id: 1, randomSeed: 1), bootstrap: Membership(voters: [1, 2, 3]))
            let ready = raft.ready()
            raft.advance(ready)
            raft.compact(through: 2)
        }
    }
}
