/// The configuration of a group: who votes, who only replicates, and which member is the
/// national centre whose acknowledgement the centre rule requires.
///
/// A joint configuration (Raft dissertation §4.3) has a non-empty `outgoingVoters`: decisions
/// then need a majority of `voters` *and* a majority of `outgoingVoters`.
public struct Membership: Sendable, Equatable {
    /// Voters of the new (or only) configuration.
    public var voters: Set<NodeID>
    /// Voters of the old configuration while a joint change is in progress; empty otherwise.
    public var outgoingVoters: Set<NodeID>
    /// Non-voting members: they receive the log but never count toward a quorum.
    public var learners: Set<NodeID>
    /// Members of `outgoingVoters` that become learners when the joint configuration is left.
    public var learnersNext: Set<NodeID>
    /// The national centre's member id, if the group has one.
    public var center: NodeID?
    /// When on (durability `center`), an entry commits only once the centre has it durably,
    /// on top of the usual majority.
    public var centerRule: Bool

    public init(
        voters: Set<NodeID> = [],
        outgoingVoters: Set<NodeID> = [],
        learners: Set<NodeID> = [],
        learnersNext: Set<NodeID> = [],
        center: NodeID? = nil,
        centerRule: Bool = false
    ) {
        self.voters = voters
        self.outgoingVoters = outgoingVoters
        self.learners = learners
        self.learnersNext = learnersNext
        self.center = center
        self.centerRule = centerRule
    }

    /// True while a joint configuration is in force.
    public var isJoint: Bool { !outgoingVoters.isEmpty }

    /// Every member that must receive the log.
    public var members: Set<NodeID> {
        voters.union(outgoingVoters).union(learners).union(learnersNext)
    }

    /// True if `id` votes in either half of the configuration.
    public func isVoter(_ id: NodeID) -> Bool {
        voters.contains(id) || outgoingVoters.contains(id)
    }

    /// True if the centre rule is in force and names a member of the group.
    public var centerRuleActive: Bool {
        guard centerRule, let center else { return false }
        return members.contains(center)
    }

    /// Checks the invariants every configuration must satisfy; returns the first broken one.
    public func invariantViolation() -> String? {
        if !voters.isDisjoint(with: learners) { return "a member is both voter and learner" }
        if !outgoingVoters.isDisjoint(with: learners) { return "an outgoing voter is also a learner" }
        if !learnersNext.isSubset(of: outgoingVoters) { return "learnersNext must be outgoing voters" }
        if !learnersNext.isDisjoint(with: voters) { return "learnersNext must not be incoming voters" }
        if !isJoint && !learnersNext.isEmpty { return "learnersNext outside a joint configuration" }
        if members.contains(0) { return "member id 0 is reserved" }
        return nil
    }

    /// The set and member that break an invariant of `invariantViolation()`, for decoding
    /// errors: a member in two sets that exclude each other, a `learnersNext` member outside
    /// the outgoing voters, or the reserved id 0.
    func firstInvariantBreak() -> (field: String, id: NodeID)? {
        guard invariantViolation() != nil else { return nil }
        if let id = voters.union(outgoingVoters).intersection(learners).min() { return ("membership.learners", id) }
        if let id = learnersNext.subtracting(outgoingVoters).union(learnersNext.intersection(voters)).min() {
            return ("membership.learnersNext", id)
        }
        for (field, set) in [("membership.voters", voters), ("membership.outgoingVoters", outgoingVoters),
                             ("membership.learners", learners), ("membership.learnersNext", learnersNext)] where set.contains(0) {
            return (field, 0)
        }
        // Unreachable for today's invariants; a decoder must not trap if one is added.
        return ("membership", 0)
    }

    /// The highest index that a quorum of voters has reached, given each member's index.
    /// In a joint configuration it is the smaller of the two halves' values.
    public func quorumIndex(_ indexOf: (NodeID) -> UInt64) -> UInt64 {
        let incoming = Membership.majorityIndex(voters, indexOf)
        guard isJoint else { return incoming }
        return min(incoming, Membership.majorityIndex(outgoingVoters, indexOf))
    }

    /// The result of an election given the responses received so far.
    public func voteResult(_ votes: [NodeID: Bool]) -> VoteResult {
        let incoming = Membership.majorityVote(voters, votes)
        guard isJoint else { return incoming }
        let outgoing = Membership.majorityVote(outgoingVoters, votes)
        if incoming == .won && outgoing == .won { return .won }
        if incoming == .lost || outgoing == .lost { return .lost }
        return .pending
    }

    /// The outcome of counting votes.
    public enum VoteResult: Sendable, Equatable {
        case won
        case lost
        case pending
    }

    /// The largest value reached by a majority of `ids`. An empty set places no constraint
    /// (returns `UInt64.max`), which is what the absent half of a non-joint config means.
    static func majorityIndex(_ ids: Set<NodeID>, _ indexOf: (NodeID) -> UInt64) -> UInt64 {
        if ids.isEmpty { return UInt64.max }
        var values = ids.map(indexOf)
        values.sort(by: >)
        return values[ids.count / 2]
    }

    static func majorityVote(_ ids: Set<NodeID>, _ votes: [NodeID: Bool]) -> VoteResult {
        if ids.isEmpty { return .won }
        var granted = 0
        var missing = 0
        for id in ids {
            switch votes[id] {
            case true?: granted += 1
            case false?: break
            case nil: missing += 1
            }
        }
        let quorum = ids.count / 2 + 1
        if granted >= quorum { return .won }
        if granted + missing >= quorum { return .pending }
        return .lost
    }
}
