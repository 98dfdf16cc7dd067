@testable import Node
import Testing

/// `sijil cluster verify`'s comparisons and its second look at chains only shorter on one side.
/// The reads are scripted and the bound is a count of pauses, so nothing here depends on time.
@Suite struct ClusterVerificationTests {
    static let centre: UInt64 = 100

    static func chain(_ length: UInt64, _ head: String) -> ChainCheckBody {
        ChainCheckBody(register: "0401001/2026/birth", intact: true, chainLength: length, chainHead: head, breakReason: nil)
    }

    static func pair(_ register: String, node: UInt64, centre: ChainCheckBody?, replica: ChainCheckBody?) -> ClusterVerification.Pair {
        ClusterVerification.Pair(group: 4001, register: register, node: node, centre: centre, replica: replica)
    }

    /// Scripted answers: each node's verification of each register, round after round (the
    /// last answer repeats), and how often each was asked.
    final class Script: @unchecked Sendable {
        var answers: [String: [ChainCheckBody?]] = [:]
        var reads: [String: Int] = [:]
        func set(_ register: String, _ node: UInt64, _ values: [ChainCheckBody?]) { answers["\(node) \(register)"] = values }
        func read(_ register: String, _ node: UInt64) -> ChainCheckBody? {
            let key = "\(node) \(register)"
            let round = reads[key, default: 0]
            reads[key] = round + 1
            guard let values = answers[key], !values.isEmpty else { return nil }
            return values[min(round, values.count - 1)]
        }
    }

    /// A bound of `rounds` pauses, counting them.
    final class Bound: @unchecked Sendable {
        let rounds: Int
        var pauses = 0
        init(rounds: Int) { self.rounds = rounds }
        func pause() -> Bool {
            pauses += 1
            return pauses <= rounds
        }
    }

    @Test func eachComparisonIsClassified() {
        let intact = Self.chain(5, "aa")
        var broken = Self.chain(5, "aa")
        broken.intact = false
        broken.breakReason = "act 3: hash mismatch"
        #expect(ClusterVerification.compare(Self.pair("r", node: 1, centre: intact, replica: intact)) == .agree)
        #expect(ClusterVerification.compare(Self.pair("r", node: 1, centre: intact, replica: Self.chain(4, "bb"))) == .lagging)
        #expect(ClusterVerification.compare(Self.pair("r", node: 1, centre: intact, replica: nil)) == .lagging)
        #expect(ClusterVerification.compare(Self.pair("r", node: 1, centre: Self.chain(3, "cc"), replica: intact)) == .lagging)
        guard case .differ(let diverged) = ClusterVerification.compare(Self.pair("r", node: 1, centre: intact, replica: Self.chain(5, "bb"))) else {
            Issue.record("equal lengths with different heads must be a difference at once")
            return
        }
        #expect(diverged.kind == "diverged")
        #expect(diverged.detail == "centre: 5 entries, head aa; node 1: 5 entries, head bb")
        guard case .differ(let brokenThere) = ClusterVerification.compare(Self.pair("r", node: 2, centre: intact, replica: broken)) else {
            Issue.record("a chain broken on the replica must be a difference at once")
            return
        }
        #expect(brokenThere.kind == "broken")
        #expect(brokenThere.node == 2)
    }

    @Test func aReplicaThatCatchesUpIsNoDifference() async throws {
        let script = Script()
        script.set("r1", Self.centre, [Self.chain(5, "aa")])
        script.set("r1", 1, [Self.chain(4, "bb"), Self.chain(5, "aa")])
        let bound = Bound(rounds: 10)
        let found = try await ClusterVerification.settle(
            [Self.pair("r1", node: 1, centre: Self.chain(5, "aa"), replica: Self.chain(3, "dd"))],
            read: { script.read($0, $1) }, centre: Self.centre, pause: { bound.pause() })
        #expect(found.isEmpty)
        #expect(bound.pauses == 2)
    }

    @Test func manyChainsThatNeverCatchUpShareOneBound() async throws {
        let script = Script()
        var lagging: [ClusterVerification.Pair] = []
        for index in 0..<50 {
            let register = "04010\(10 + index)/2026/birth"
            script.set(register, Self.centre, [Self.chain(9, "aa")])
            for node: UInt64 in [1, 2, 3] {
                script.set(register, node, [Self.chain(8, "bb")])
                lagging.append(Self.pair(register, node: node, centre: Self.chain(9, "aa"), replica: Self.chain(8, "bb")))
            }
        }
        let bound = Bound(rounds: 3)
        let found = try await ClusterVerification.settle(lagging, read: { script.read($0, $1) }, centre: Self.centre, pause: { bound.pause() })
        // Three rounds for all 150 pairs together, then every one is reported once as behind.
        #expect(bound.pauses == 4)
        #expect(found.count == 150)
        #expect(found.allSatisfy { $0.kind == "behind" && $0.detail.hasPrefix("centre: 9 entries") })
        #expect(Set(found.map { "\($0.register) \($0.node)" }).count == 150)
        // The centre's answer for a register serves its three replicas: one read per round.
        #expect(script.reads["\(Self.centre) 0401010/2026/birth"] == 3)
        #expect(script.reads["1 0401010/2026/birth"] == 3)
        #expect(found.map(\.register) == found.map(\.register).sorted())
    }

    @Test func aChainThatCatchesUpToOtherHeadsHasDiverged() async throws {
        let script = Script()
        script.set("r1", Self.centre, [Self.chain(6, "aa")])
        script.set("r1", 2, [Self.chain(6, "zz")])
        let bound = Bound(rounds: 10)
        let found = try await ClusterVerification.settle(
            [Self.pair("r1", node: 2, centre: Self.chain(6, "aa"), replica: Self.chain(5, "yy"))],
            read: { script.read($0, $1) }, centre: Self.centre, pause: { bound.pause() })
        #expect(found.map(\.kind) == ["diverged"])
        #expect(found.first?.detail == "centre: 6 entries, head aa; node 2: 6 entries, head zz")
        #expect(bound.pauses == 1)
    }

    @Test func aCentreThatCannotBeReadKeepsItsLastAnswerAndAnAbsentRegisterStaysBehind() async throws {
        let script = Script()
        script.set("r1", 3, [nil])
        let bound = Bound(rounds: 2)
        let found = try await ClusterVerification.settle(
            [Self.pair("r1", node: 3, centre: Self.chain(2, "aa"), replica: nil)],
            read: { script.read($0, $1) }, centre: Self.centre, pause: { bound.pause() })
        #expect(found.map(\.kind) == ["behind"])
        #expect(found.first?.detail == "centre: 2 entries, head aa; node 3: absent")
    }
}
