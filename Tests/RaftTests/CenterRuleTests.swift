import Testing
@testable import Raft

/// The centre rule (`center` durability): a group may name one member, the national centre,
/// whose durable copy is required, on top of a majority, before an entry commits. The rule in
/// force at an index is the one set by the last configuration entry at or before it; the entry
/// that switches the rule off is governed by "off", so it commits with a regional majority while
/// the centre is unreachable, and committing it commits everything before it.
///
/// The groups here are three regional members (1, 2, 3) and the centre (4), all voters, as in a
/// regional shard group.
@Suite struct CenterRuleTests {
    static func group(ruleOn: Bool, configure: (inout RaftConfig) -> Void = { _ in }) -> TestNetwork {
        TestNetwork(voters: [1, 2, 3, 4], center: 4, centerRule: ruleOn, configure: configure)
    }

    @Test func withTheRuleOnAnEntryOnAMajorityWaitsForTheCentre() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        let commit = net.raft(1).commitIndex
        net.isolate(4)
        let index = try! net.propose(1, "birth").get()
        net.tickAllAndDeliver(times: 5, except: [4])
        #expect(net.raft(1).matchIndex(of: 2) == index)
        #expect(net.raft(1).matchIndex(of: 3) == index)
        #expect(net.raft(1).commitIndex == commit)
        #expect(net.applied(1).isEmpty)
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(1).commitIndex == index)
        #expect(net.liveIDs.allSatisfy { net.applied($0) == [Fixture.bytes("birth")] })
    }

    @Test func withTheRuleOnTheCentreAndOneRegionalMemberAreNotEnough() {
        // The rule adds the centre to the majority; it never replaces the majority.
        let net = Self.group(ruleOn: true)
        net.elect(1)
        let commit = net.raft(1).commitIndex
        net.isolate(2)
        net.isolate(3)
        net.propose(1, "birth")
        net.tickAllAndDeliver(times: 5, except: [2, 3])
        #expect(net.raft(1).matchIndex(of: 4) == commit + 1)
        #expect(net.raft(1).commitIndex == commit)
    }

    @Test func withTheRuleOffARegionalMajorityCommits() {
        let net = Self.group(ruleOn: false)
        net.elect(1)
        net.isolate(4)
        let index = try! net.propose(1, "birth").get()
        net.tickAllAndDeliver(times: 2, except: [4])
        #expect(net.raft(1).commitIndex == index)
        #expect(net.applied(2) == [Fixture.bytes("birth")])
    }

    @Test func switchingTheRuleOffCommitsWithoutTheUnreachableCentreAndLaterEntriesFollow() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        net.isolate(4)
        let off = try! net.proposeConfigChange(1, .centerRule(center: 4, required: false)).get()
        net.tickAllAndDeliver(times: 2, except: [4])
        #expect(net.raft(1).commitIndex == off)
        #expect(net.raft(1).membership.centerRule == false)
        let later = try! net.propose(1, "later").get()
        net.tickAllAndDeliver(times: 2, except: [4])
        #expect(net.raft(1).commitIndex == later)
        #expect(net.applied(1) == [Fixture.bytes("later")])
    }

    @Test func switchingTheRuleOffReleasesEntriesStuckBehindTheUnreachableCentre() {
        // The centre is cut off while writes are in flight: they wait, as `center` durability
        // promises. The operator moves the region to `region` durability; the "off" entry commits
        // with a regional majority and, the log being a prefix, commits the waiting writes with
        // it (they are then acknowledged under `region` durability).
        let net = Self.group(ruleOn: true)
        net.elect(1)
        let commit = net.raft(1).commitIndex
        net.isolate(4)
        net.propose(1, "waiting 1")
        net.propose(1, "waiting 2")
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(1).commitIndex == commit)
        let off = try! net.proposeConfigChange(1, .centerRule(center: 4, required: false)).get()
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(1).commitIndex == off)
        #expect(net.applied(1) == [Fixture.bytes("waiting 1"), Fixture.bytes("waiting 2")])
        let later = try! net.propose(1, "later").get()
        net.tickAllAndDeliver(times: 2, except: [4])
        #expect(net.raft(1).commitIndex == later)
    }

    @Test func switchingTheRuleOffWorksForALeaderElectedWhileTheCentreIsUnreachable() {
        // The new leader's own no-op is under "on" and waits for the centre; the "off" entry
        // after it must still commit.
        let net = Self.group(ruleOn: true)
        net.elect(1)
        net.isolate(4)
        net.crash(1)
        // With 1 down and 4 unreachable, {2, 3} is not a majority of four: bring 1 back.
        net.restart(1)
        net.run { n in n.leader != nil && n.raft(n.leader!).term > 2 }
        let leader = try! #require(net.leader)
        let commit = net.raft(leader).commitIndex
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(leader).commitIndex == commit)
        let off = try! net.proposeConfigChange(leader, .centerRule(center: 4, required: false)).get()
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(leader).commitIndex == off)
        #expect(net.raft(leader).membership.centerRule == false)
    }

    @Test func switchingTheRuleOnMakesTheOnEntryAndEverythingAfterItWaitForTheCentre() {
        let net = Self.group(ruleOn: false)
        net.elect(1)
        net.isolate(4)
        let before = try! net.propose(1, "before").get()
        let on = try! net.proposeConfigChange(1, .centerRule(center: 4, required: true)).get()
        net.propose(1, "after")
        net.tickAllAndDeliver(times: 3, except: [4])
        // The entry before the "on" entry was under "off": it commits with the majority.
        #expect(net.raft(1).commitIndex == before)
        #expect(on == before + 1)
        #expect(net.applied(1) == [Fixture.bytes("before")])
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(1).commitIndex == on + 1)
        #expect(net.raft(1).membership.centerRule)
        #expect(net.applied(4) == [Fixture.bytes("before"), Fixture.bytes("after")])
    }

    @Test func theRuleSurvivesALeaderChange() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        net.crash(1)
        net.run { $0.leader != nil }
        let leader = try! #require(net.leader)
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(leader).membership.centerRule)
        let commit = net.raft(leader).commitIndex
        net.restart(1)
        net.isolate(4)
        net.propose(leader, "birth")
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(leader).commitIndex == commit)
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(leader).commitIndex == commit + 1)
    }

    @Test func theRuleSurvivesARestartOfEveryMember() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        for id in net.ids { net.crash(id) }
        for id in net.ids { net.restart(id) }
        #expect(net.ids.allSatisfy { net.raft($0).membership.centerRule })
        net.run { $0.leader != nil }
        let leader = try! #require(net.leader)
        net.tickAllAndDeliver(times: 2)
        let commit = net.raft(leader).commitIndex
        net.isolate(4)
        net.propose(leader, "birth")
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(leader).commitIndex == commit)
    }

    @Test func aCentreRuleChangeIsAcceptedWhileAMembershipChangeIsPending() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        net.isolate(4)
        net.addEmptyMember(5)
        let pending = try! net.proposeConfigChange(1, .membership([.addLearner(5)])).get()
        #expect(net.proposeConfigChange(1, .membership([.addLearner(6)])) == .failure(.configChangePending(index: pending)))
        let off = try! net.proposeConfigChange(1, .centerRule(center: 4, required: false)).get()
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(1).commitIndex >= off)
        #expect(net.raft(1).membership.learners == [5])
        #expect(net.raft(1).membership.centerRule == false)
    }

    @Test func removingTheCentreFromTheGroupSwitchesTheRuleOff() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        net.proposeConfigChange(1, .membership([.remove(4)]))
        net.tickAllAndDeliver(times: 3)
        #expect(net.raft(1).membership == Membership(voters: [1, 2, 3]))
        net.propose(1, "birth")
        net.tickAllAndDeliver(times: 2)
        #expect(net.applied(1) == [Fixture.bytes("birth")])
    }

    @Test func aCentreThatIsALearnerStillGatesCommitment() {
        let net = TestNetwork(voters: [1, 2, 3], learners: [4], center: 4, centerRule: true)
        net.elect(1)
        let commit = net.raft(1).commitIndex
        net.isolate(4)
        net.propose(1, "birth")
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.raft(1).commitIndex == commit)
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(1).commitIndex == commit + 1)
    }

    @Test func aLeaderThatIsTheCentreCountsItsOwnDurableCopy() {
        let net = Self.group(ruleOn: true)
        net.elect(4)
        net.isolate(3)
        let index = try! net.propose(4, "birth").get()
        net.tickAllAndDeliver(times: 2, except: [3])
        #expect(net.raft(4).commitIndex == index)
    }

    @Test func theCentreMayLagAndCatchUpWithoutLosingAnything() {
        let net = Self.group(ruleOn: true)
        net.elect(1)
        net.isolate(4)
        for n in 0..<5 { net.propose(1, "act \(n)") }
        net.tickAllAndDeliver(times: 3, except: [4])
        #expect(net.applied(1).isEmpty)
        net.heal()
        net.tickAllAndDeliver(times: 3)
        let expected = (0..<5).map { Fixture.bytes("act \($0)") }
        #expect(net.ids.allSatisfy { net.applied($0) == expected })
    }
}
