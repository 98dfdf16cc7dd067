@testable import Raft

/// Settings and prepared logs for the scenarios.
enum Fixture {
    /// Election timeout of the test configurations, in ticks.
    static let electionTicks = 10

    /// A member configuration with the defaults of `RaftConfig`, a short election timeout and a
    /// per-member seed.
    static func config(_ id: NodeID, seed: UInt64) -> RaftConfig {
        RaftConfig(id: id, electionTicks: electionTicks, heartbeatTicks: 1, randomSeed: seed &* 1_000_003 &+ id)
    }

    /// Raft as the paper describes it: no pre-vote, no check-quorum.
    static func paperRaft(_ config: inout RaftConfig) {
        config.preVote = false
        config.checkQuorum = false
    }

    /// A durable state whose log holds one entry per term in `terms` (index 1 upward), nothing
    /// applied or known committed, and `voters` as configuration.
    static func log(terms: [UInt64], currentTerm: UInt64? = nil, voters: Set<NodeID>,
                    learners: Set<NodeID> = [], commit: UInt64 = 0) -> Raft.PersistentState {
        let entries = terms.enumerated().map { offset, term in
            Entry(index: UInt64(offset) + 1, term: term, data: Array("t\(term)i\(offset + 1)".utf8))
        }
        let term = currentTerm ?? terms.last ?? 0
        return Raft.PersistentState(
            hardState: HardState(term: term, vote: 0, commit: commit), snapshotIndex: 0, snapshotTerm: 0,
            entries: entries, appliedIndex: 0, membership: Membership(voters: voters, learners: learners))
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

extension Message {
    var isAppend: Bool { if case .append = body { true } else { false } }
    var append: Message.Append? { if case .append(let a) = body { a } else { nil } }
    var appendResponse: Message.AppendResponse? { if case .appendResponse(let r) = body { r } else { nil } }
    var voteRequest: Message.VoteRequest? { if case .vote(let v) = body { v } else { nil } }
    var voteResponse: Message.VoteResponse? { if case .voteResponse(let v) = body { v } else { nil } }
}

extension Result where Success == Void {
    /// The error, or nil on success (`Void` results are not `Equatable`).
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
    var succeeded: Bool { failure == nil }
}
