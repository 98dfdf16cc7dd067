import Testing
@testable import Raft

/// Raft paper Figure 7: when the leader of term 8 comes to power, a follower's log may lack
/// entries (a, b), hold extra uncommitted entries (c, d), or both (e, f). In every case the
/// leader brings the follower's log to its own (§5.3), finding the point of agreement in a
/// couple of round trips thanks to the term hint of a rejection.
@Suite struct PaperFigure7Tests {
    static let leaderLog: [UInt64] = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]

    static let followerLogs: [String: [UInt64]] = [
        "a": [1, 1, 1, 4, 4, 5, 5, 6, 6],
        "b": [1, 1, 1, 4],
        "c": [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        "d": [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        "e": [1, 1, 1, 4, 4, 4, 4],
        "f": [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ]

    /// The leader (1) holds the figure's top log in term 7 and is elected for term 8 with the
    /// vote of a helper (2) whose log is shorter; member 3 holds the follower log of `name`.
    static func scenario(_ name: String) -> TestNetwork {
        let follower = followerLogs[name]!
        let voters: Set<NodeID> = [1, 2, 3]
        return TestNetwork(prepared: [
            1: Fixture.log(terms: leaderLog, currentTerm: 7, voters: voters),
            2: Fixture.log(terms: [1, 1, 1], currentTerm: 7, voters: voters),
            3: Fixture.log(terms: follower, currentTerm: max(follower.last!, 7), voters: voters),
        ], context: "Figure 7 (\(name))", configure: Fixture.paperRaft)
    }

    @Test(arguments: ["a", "b", "c", "d", "e", "f"])
    func theLeaderOfTerm8BringsEachFollowerLogToItsOwn(_ name: String) {
        let net = Self.scenario(name)
        net.elect(1)
        #expect(net.raft(1).term == 8)
        net.tickAllAndDeliver(times: 2)
        let leader = net.raft(1)
        let follower = net.raft(3)
        #expect(leader.lastIndex == 11)
        #expect(follower.lastIndex == 11, "case \(name)")
        #expect(follower.entries(from: 1, through: 11) == leader.entries(from: 1, through: 11), "case \(name)")
        #expect(net.store(3).entries == net.store(1).entries, "case \(name): durable log differs")
        // Everything up to the term-8 no-op commits and is applied identically.
        #expect(follower.commitIndex == 11, "case \(name)")
        #expect(net.store(3).stateMachine == net.store(1).stateMachine, "case \(name)")
    }

    @Test(arguments: ["a", "b", "c", "d", "e", "f"])
    func theFollowerIsFoundWithAtMostOneRejectedAppend(_ name: String) {
        // Walking back one index per rejection would cost up to seven round trips (case f).
        let net = Self.scenario(name)
        net.elect(1)
        net.tickAllAndDeliver(times: 2)
        let rejections = net.sentMessages { $0.from == 3 && $0.appendResponse?.reject == true }
        #expect(rejections.count <= 1, "case \(name): \(rejections.count) rejections")
    }

    @Test func followerDRefusesItsVoteToTheLeaderOfFigure7() {
        // Its log ends in term 7, later than the leader's term 6 (§5.4.1); the leader wins with
        // the helper's vote alone.
        let net = Self.scenario("d")
        net.elect(1)
        let answer = net.sentMessages { $0.from == 3 && $0.to == 1 && $0.voteResponse != nil }.first
        #expect(answer?.voteResponse?.granted == false)
        #expect(net.raft(1).role == .leader)
    }
}
