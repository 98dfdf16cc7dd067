import Raft

/// How stale a replica's applied state is, in milliseconds, for bounded-stale reads (the
/// national centre's read-only queries).
///
/// Every tick, a group's leader sends each member a `commitNotice` with its commit index. A
/// member keeps the recent notices (time received, commit index). Its applied state at index
/// `A` holds every entry the leader had committed when it sent the newest notice whose commit
/// index is at most `A`; that notice's age is the staleness. A leader's own state is current
/// once it has applied its commit index.
///
/// The bound assumes the leader that sent a notice was still the leader then. A leader cut off
/// from a majority steps down within one election timeout (check-quorum), so a notice can
/// overstate freshness by at most that; notices are taken only from the leader of the
/// replica's current term. Times are the node's wall clock at its last tick or request, which
/// is never later than the real time of receipt, so the age is never understated by the
/// clock's granularity.
extension NodeCore {
    /// Notices kept per group. One distinct commit index per entry: under steady writes a new
    /// one arrives every tick (100 ms), so 256 cover about 25 s; a replica further behind
    /// than what they cover answers "unknown", which a bounded-stale read refuses.
    static let commitNoticesMax = 256

    /// The staleness of `group`'s applied state on this node, in ms; nil when unknown.
    func staleness(of group: GroupHost) -> UInt64? {
        let raft = group.raft
        if raft.role == .leader && raft.appliedIndex >= raft.commitIndex { return 0 }
        let applied = raft.appliedIndex
        guard let newest = group.commitNotices.last(where: { $0.commit <= applied }) else { return nil }
        return nowMs >= newest.receivedMs ? nowMs - newest.receivedMs : 0
    }

    /// Public view for status and metrics: the staleness of `group`'s applied state in ms.
    public func stalenessMs(of group: GroupID) -> UInt64? {
        groups[group].flatMap { staleness(of: $0) }
    }

    /// On the leader, at every tick: its commit index to every other member, and to itself
    /// (so that it can still answer how stale its state is after it steps down).
    func sendCommitNotices(_ group: GroupHost) {
        let raft = group.raft
        recordCommitNotice(group, commit: raft.commitIndex)
        for member in raft.membership.members.sorted() where member != nodeID {
            outbox[member, default: []].append(.commitNotice(group.id, term: raft.term, commit: raft.commitIndex))
        }
    }

    func receiveCommitNotice(_ group: GroupHost, from peer: NodeID, term: UInt64, commit: UInt64) {
        // Only the leader this member follows in its current term: a deposed leader's notices
        // would claim a freshness the new leader's commits contradict.
        guard term == group.raft.term, peer == group.raft.leader, peer != nodeID else { return }
        recordCommitNotice(group, commit: commit)
    }

    private func recordCommitNotice(_ group: GroupHost, commit: UInt64) {
        if let last = group.commitNotices.last, last.commit >= commit {
            // Same (or an older, reordered) commit index: only the newest time of the largest
            // index matters for the bound.
            if last.commit == commit { group.commitNotices[group.commitNotices.count - 1].receivedMs = nowMs }
            return
        }
        group.commitNotices.append((nowMs, commit))
        if group.commitNotices.count > Self.commitNoticesMax { group.commitNotices.removeFirst(group.commitNotices.count - Self.commitNoticesMax) }
    }
}
