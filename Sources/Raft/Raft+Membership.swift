extension Raft {
    /// Applies a committed configuration entry. An entry that no longer fits the configuration
    /// (possible only for a centre-rule change racing a membership change) is ignored, the same
    /// way on every member.
    mutating func applyConfigEntry(_ entry: Entry) {
        let change: ConfigChange
        do {
            change = try ConfigChange.decode(entry.data)
        } catch {
            preconditionFailure("undecodable configuration entry \(entry.index): \(error)")
        }
        guard case .success(let next) = membership.applying(change) else { return }
        membership = next
        if role == .leader {
            rebuildProgress()
            if !membership.isVoter(id) { stepDownAfterRemoval() }
        }
    }

    /// Aligns the leader's progress map with the configuration: new members start probing from
    /// the end of the log, removed members are forgotten.
    mutating func rebuildProgress() {
        let members = membership.members.subtracting([id])
        for member in progress.keys where !members.contains(member) { progress[member] = nil }
        for member in members.sorted() {
            let isLearner = !membership.isVoter(member)
            if progress[member] == nil {
                var pr = Progress(next: log.lastIndex + 1, isLearner: isLearner,
                                  inflightCountMax: config.inflightMessagesMax, inflightBytesMax: config.inflightBytesMax)
                pr.recentActive = true
                progress[member] = pr
            } else {
                progress[member]!.isLearner = isLearner
            }
        }
    }

    /// The leader is no longer a voter: hand over to the most up-to-date voter, then step down.
    private mutating func stepDownAfterRemoval() {
        let successor = membership.voters.sorted().max { matchOf($0) < matchOf($1) }
        if let successor, progress[successor]?.match == log.lastIndex {
            send(to: successor, .timeoutNow, beforePersist: false)
        }
        becomeFollower(term: term, leader: 0)
    }

    /// Once a joint configuration is applied, the leader proposes leaving it (dissertation §4.3).
    mutating func maybeLeaveJoint() {
        guard role == .leader, membership.isJoint, pendingConfigIndex <= log.applied, leadTransferee == 0 else { return }
        let index = log.lastIndex + 1
        appendAsLeader([Entry(index: index, term: term, kind: .configChange, data: ConfigChange.leaveJoint.encoded())])
        pendingConfigIndex = index
    }
}
