import NodeCore
import Raft
import Registry
import Testing

/// A new leader may not have applied what its predecessor acknowledged: until it commits an
/// entry of its own term, its applied state can miss acknowledged acts. A refusal computed on
/// that state would tell an officer that an act they were just given does not exist.
@Suite struct PrecheckAfterLeaderChangeTests {
    @Test func newLeaderDoesNotRefuseAMentionOnAnActItsPredecessorAcknowledged() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        // Node 2 receives the act's entry but never hears that it committed: appends that carry
        // no entry (commit updates) and heartbeats from node 1 to node 2 are lost.
        cluster.drop = { from, to, description in
            from == 1 && to == 2 && (description.contains("heartbeat") || description.contains("n=0"))
        }
        let birth = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(1).encode()), to: 1)
        try cluster.run { cluster.answers[birth] != nil }
        guard case .accepted(let entry)? = cluster.answers[birth]?.commandOutcome else {
            Issue.record("birth not accepted: \(String(describing: cluster.answers[birth]))")
            return
        }
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        #expect(cluster.raft(2).appliedIndex < cluster.raft(1).commitIndex, "node 2 must not have applied the act yet")

        // Node 2 takes over, and is asked for a mention before it commits anything of its own.
        _ = cluster.submit(.transferLeadership(group: ThreeNodes.group, to: 2), to: 1)
        try cluster.run { cluster.raft(2).role == .leader }
        #expect(cluster.raft(2).appliedIndex < cluster.raft(1).commitIndex, "node 2 must lead before it has applied the act")
        cluster.drop = { _, _, _ in false }

        let mention = cluster.submit(.write(group: ThreeNodes.group, command: F.transcriptionCorrection(2, on: entry.actID).encode()), to: 2)
        try cluster.run { cluster.answers[mention] != nil }
        let result = cluster.answers[mention]!
        guard case .applied = result, case .accepted(let accepted)? = result.commandOutcome else {
            Issue.record("the mention on an acknowledged act was not accepted: \(result), outcome \(String(describing: result.commandOutcome))")
            return
        }
        #expect(accepted.actID == entry.actID && accepted.mentionSequence == 1)
    }

    @Test func refusalIsStillAnsweredOnceConfirmedAndNothingReachesTheLog() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let lastIndex = cluster.raft(1).lastIndex
        let absent = ActID(register: RegisterID(office: F.office, year: 2026, kind: .birth), number: 1)
        let mention = cluster.submit(.write(group: ThreeNodes.group, command: F.transcriptionCorrection(1, on: absent).encode()), to: 3)
        try cluster.run { cluster.answers[mention] != nil }
        guard case .refused = cluster.answers[mention], case .rejected(let violations)? = cluster.answers[mention]?.commandOutcome else {
            Issue.record("expected a refusal, got \(String(describing: cluster.answers[mention]))")
            return
        }
        #expect(violations.map(\.rule) == [.actNotFound])
        #expect(cluster.raft(1).lastIndex == lastIndex)
    }
}
