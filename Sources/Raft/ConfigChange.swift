/// One change to a group's membership.
public enum MembershipOp: Sendable, Equatable {
    /// Adds a voter, or promotes a learner to voter.
    case addVoter(NodeID)
    /// Adds a learner, or demotes a voter to learner (through a joint configuration).
    case addLearner(NodeID)
    /// Removes a member, voter or learner.
    case remove(NodeID)
}

/// The payload of an `EntryKind.configChange` entry. Raft applies it when the entry is applied.
public enum ConfigChange: Sendable, Equatable {
    /// The first entry of a new group: installs the initial configuration.
    case bootstrap(Membership)
    /// Changes membership. Any change to the voter set enters a joint configuration (Raft
    /// dissertation §4.3), which the leader leaves automatically once it is applied.
    case membership([MembershipOp])
    /// Leaves the joint configuration, making the incoming voters the only voters.
    case leaveJoint
    /// Names the centre member and switches the centre rule on or off. Switching it off commits
    /// with a regional majority alone, so it works while the centre is unreachable.
    case centerRule(center: NodeID?, required: Bool)
}

/// Why a configuration change cannot be proposed or applied.
public enum ConfigChangeError: Error, Sendable, Equatable {
    case emptyChange
    case alreadyJoint
    case notJoint
    case unknownMember(NodeID)
    case reservedNodeID
    case noVotersLeft
    case duplicateMember(NodeID)
    case centerNotMember(NodeID)
    case invalidBootstrap(String)
}

extension Membership {
    /// The configuration that results from applying `change` to this one.
    public func applying(_ change: ConfigChange) -> Result<Membership, ConfigChangeError> {
        switch change {
        case .bootstrap(let initial):
            if let violation = initial.invariantViolation() { return .failure(.invalidBootstrap(violation)) }
            if initial.voters.isEmpty { return .failure(.noVotersLeft) }
            return .success(initial)
        case .leaveJoint:
            guard isJoint else { return .failure(.notJoint) }
            var next = self
            next.learners.formUnion(learnersNext)
            next.learnersNext = []
            next.outgoingVoters = []
            if let center = next.center, !next.members.contains(center) {
                next.centerRule = false
                next.center = nil
            }
            return .success(next)
        case .centerRule(let center, let required):
            var next = self
            if let center, !members.contains(center) { return .failure(.centerNotMember(center)) }
            if required && center == nil { return .failure(.centerNotMember(0)) }
            next.center = center
            next.centerRule = required
            return .success(next)
        case .membership(let ops):
            return applyingOps(ops)
        }
    }

    private func applyingOps(_ ops: [MembershipOp]) -> Result<Membership, ConfigChangeError> {
        if ops.isEmpty { return .failure(.emptyChange) }
        if isJoint { return .failure(.alreadyJoint) }
        var seen = Set<NodeID>()
        var incoming = voters
        var learnersAfter = learners
        var learnersNextAfter = Set<NodeID>()
        for op in ops {
            let id: NodeID
            switch op {
            case .addVoter(let n), .addLearner(let n), .remove(let n): id = n
            }
            if id == 0 { return .failure(.reservedNodeID) }
            if !seen.insert(id).inserted { return .failure(.duplicateMember(id)) }
            switch op {
            case .addVoter:
                incoming.insert(id)
                learnersAfter.remove(id)
            case .addLearner:
                if voters.contains(id) {
                    // A current voter keeps voting in the outgoing half until the joint
                    // configuration is left, then becomes a learner.
                    incoming.remove(id)
                    learnersNextAfter.insert(id)
                } else {
                    learnersAfter.insert(id)
                }
            case .remove:
                guard members.contains(id) else { return .failure(.unknownMember(id)) }
                incoming.remove(id)
                learnersAfter.remove(id)
            }
        }
        if incoming.isEmpty { return .failure(.noVotersLeft) }
        var next = self
        next.learners = learnersAfter
        if incoming != voters {
            next.outgoingVoters = voters
            next.voters = incoming
            next.learnersNext = learnersNextAfter
        } else {
            precondition(learnersNextAfter.isEmpty, "a demotion always changes the voter set")
        }
        if let center = next.center, !next.members.contains(center) {
            // The centre left the group: nothing can require its acknowledgement any more.
            next.centerRule = false
            next.center = nil
        }
        if let violation = next.invariantViolation() { return .failure(.invalidBootstrap(violation)) }
        return .success(next)
    }
}
