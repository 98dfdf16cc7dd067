import NodeCore
import Raft
import Registry
import Testing

/// A region destroyed with its disks leaves each of its groups with one replica, the centre's,
/// and no majority to change the configuration with. The operator's forced reconfiguration
/// makes that replica's durable log the group's log and its node the only voter; from there
/// the group grows again by ordinary membership changes.
@Suite struct ForcedReconfigurationTests {
    /// Runs until no frame is in flight and no node has work.
    func settle(_ cluster: ThreeNodes) throws {
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
    }

    /// Registers births 1...count through node 1 and returns their act ids.
    func registerBirths(_ cluster: ThreeNodes, _ numbers: ClosedRange<UInt64>) throws -> [ActID] {
        var acts: [ActID] = []
        for n in numbers {
            let ticket = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(n).encode()), to: 1)
            try cluster.run { cluster.answers[ticket] != nil }
            guard case .accepted(let entry)? = cluster.answers[ticket]?.commandOutcome else {
                throw HarnessError.notReached("birth \(n) accepted, got \(String(describing: cluster.answers[ticket]))")
            }
            acts.append(entry.actID)
        }
        return acts
    }

    /// Ticks `node` until it leads and has committed its first entry.
    func elect(_ node: NodeID, _ cluster: ThreeNodes) throws {
        for _ in 0..<ThreeNodes.stepsMax where !(cluster.raft(node).role == .leader && cluster.raft(node).commitIndex == cluster.raft(node).lastIndex) {
            cluster.tick(node)
            while try cluster.step() {}
        }
        guard cluster.raft(node).role == .leader else { throw HarnessError.notReached("node \(node) leading") }
    }

    /// Steps until `done`, ticking the leader `node` whenever nothing is left to deliver (its
    /// heartbeats are what probe a new member's log).
    func runTicking(_ node: NodeID, _ cluster: ThreeNodes, until done: () -> Bool) throws {
        for _ in 0..<ThreeNodes.stepsMax {
            if done() { return }
            if try !cluster.step() { cluster.tick(node) }
        }
        guard done() else { throw HarnessError.notReached("the awaited state in \(ThreeNodes.stepsMax) steps") }
    }

    func perform(_ request: ClientRequest, on node: NodeID, _ cluster: ThreeNodes) throws -> ClientResult {
        let ticket = cluster.submit(request, to: node)
        try cluster.run { cluster.answers[ticket] != nil }
        return cluster.answers[ticket]!
    }

    func record(_ act: ActID, on node: NodeID, _ cluster: ThreeNodes, stale: Bool = false) throws -> ActRecord? {
        let query = RegistryQuery.act(act).encode()
        let answer = try perform(stale ? .staleRead(group: ThreeNodes.group, query: query) : .read(group: ThreeNodes.group, query: query), on: node, cluster)
        guard case .record(let record)? = answer.registryAnswer else {
            throw HarnessError.notReached("a record answer for \(act), got \(answer)")
        }
        return record
    }

    @Test func survivingReplicaKeepsEveryAcknowledgedActAndLeadsAlone() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let acts = try registerBirths(cluster, 1...3)
        try settle(cluster)
        let lastBefore = cluster.raft(3).lastIndex
        // Node 3 holds every acknowledged entry durably, though it may not know yet that the
        // last ones are committed (the commit index travels with the next append or heartbeat).
        #expect(lastBefore >= cluster.raft(1).commitIndex, "node 3 holds everything before the disaster")
        cluster.destroy(1)
        cluster.destroy(2)

        let forced = try perform(.forceReconfiguration(group: ThreeNodes.group, voters: [3]), on: 3, cluster)
        #expect(forced == .done(index: lastBefore + 1), "the new configuration entry follows the surviving log")
        try elect(3, cluster)
        #expect(cluster.raft(3).membership.voters == [3])
        #expect(cluster.raft(3).membership.outgoingVoters.isEmpty)
        for act in acts { #expect(try record(act, on: 3, cluster)?.act.id == act, "act \(act) survives") }

        let ticket = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(4).encode()), to: 3)
        try cluster.run { cluster.answers[ticket] != nil }
        guard case .accepted(let fourth)? = cluster.answers[ticket]?.commandOutcome else {
            Issue.record("a write after the forced reconfiguration: \(String(describing: cluster.answers[ticket]))")
            return
        }
        #expect(fourth.actID.number == 4, "numbering goes on from the surviving register")
    }

    @Test func aDurabilityChangeTheSurvivorHeldButNeverSawCommittedIsInForceAfterwards() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        // Node 3 plays the centre: in `center` durability nothing commits without it.
        #expect(try perform(.setCenterRule(group: ThreeNodes.group, center: 3, required: true), on: 1, cluster).isDone)
        try runTicking(1, cluster) { cluster.raft(3).membership.centerRuleActive }
        // The switch to `region` durability commits with node 3's acknowledgement, and the
        // region is lost before node 3 learns that it committed (that would come with the
        // next append or heartbeat).
        #expect(try perform(.setCenterRule(group: ThreeNodes.group, center: 3, required: false), on: 1, cluster).isDone)
        #expect(!cluster.raft(1).membership.centerRuleActive)
        #expect(cluster.raft(3).lastIndex >= cluster.raft(1).commitIndex, "node 3 holds the change")
        #expect(cluster.raft(3).membership.centerRuleActive, "node 3 still applies `center` durability")
        cluster.destroy(1)
        cluster.destroy(2)

        _ = try perform(.forceReconfiguration(group: ThreeNodes.group, voters: [3]), on: 3, cluster)
        try elect(3, cluster)
        try settle(cluster)
        // What a recovery report reads once the survivor has applied its log: the group ran in
        // `region` durability when it was lost.
        #expect(cluster.raft(3).appliedIndex == cluster.raft(3).commitIndex)
        #expect(cluster.raft(3).membership.center == 3)
        #expect(!cluster.raft(3).membership.centerRuleActive)
    }

    @Test func newNodesJoinTheRebuiltGroupAndCatchUp() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let acts = try registerBirths(cluster, 1...2)
        try settle(cluster)
        cluster.destroy(1)
        cluster.destroy(2)
        _ = try perform(.forceReconfiguration(group: ThreeNodes.group, voters: [3]), on: 3, cluster)
        try elect(3, cluster)

        try cluster.addNode(4, seed: 44)
        try cluster.addNode(5, seed: 55)
        #expect(try perform(.changeMembership(group: ThreeNodes.group, ops: [.addLearner(4), .addLearner(5)]), on: 3, cluster).isDone)
        try runTicking(3, cluster) { cluster.raft(4).appliedIndex == cluster.raft(3).commitIndex && cluster.raft(5).appliedIndex == cluster.raft(3).commitIndex }
        #expect(try perform(.changeMembership(group: ThreeNodes.group, ops: [.addVoter(4), .addVoter(5)]), on: 3, cluster).isDone)
        try runTicking(3, cluster) { !cluster.raft(3).membership.isJoint && cluster.raft(3).membership.voters == [3, 4, 5] }
        try settle(cluster)
        for act in acts {
            #expect(try record(act, on: 4, cluster, stale: true)?.act.id == act, "node 4 holds act \(act)")
            #expect(try record(act, on: 5, cluster, stale: true)?.act.id == act, "node 5 holds act \(act)")
        }
    }

    @Test func forcedConfigurationSurvivesARestart() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let acts = try registerBirths(cluster, 1...2)
        try settle(cluster)
        cluster.destroy(1)
        cluster.destroy(2)
        _ = try perform(.forceReconfiguration(group: ThreeNodes.group, voters: [3]), on: 3, cluster)
        try settle(cluster)
        try cluster.restart(3, seed: 303)
        try elect(3, cluster)
        #expect(cluster.raft(3).membership.voters == [3])
        for act in acts { #expect(try record(act, on: 3, cluster)?.act.id == act) }
    }

    @Test func aWriteTheReplicaNeverReceivedIsLostAndTheKeptIndexSaysWhere() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        let kept = try registerBirths(cluster, 1...1)
        try settle(cluster)
        let keptThrough = cluster.raft(3).lastIndex
        // Node 3 is cut off while nodes 1 and 2 acknowledge one more birth (a regional majority
        // without the surviving replica: what `region` durability allows).
        cluster.drop = { _, to, _ in to == 3 }
        let lost = try registerBirths(cluster, 2...2)
        try settle(cluster)
        cluster.destroy(1)
        cluster.destroy(2)
        cluster.drop = { _, _, _ in false }

        #expect(try perform(.forceReconfiguration(group: ThreeNodes.group, voters: [3]), on: 3, cluster) == .done(index: keptThrough + 1))
        try elect(3, cluster)
        #expect(try record(kept[0], on: 3, cluster) != nil)
        #expect(try record(lost[0], on: 3, cluster) == nil, "an entry the surviving replica never held cannot come back")
    }

    @Test func refusedWhenTheVotersLeaveOutTheSurvivingReplica() throws {
        let cluster = try ThreeNodes()
        try cluster.electNodeOne()
        try settle(cluster)
        let before = cluster.raft(3).lastIndex
        let refused = try perform(.forceReconfiguration(group: ThreeNodes.group, voters: [4]), on: 3, cluster)
        guard case .failed(.invalidChange(let why)) = refused else {
            Issue.record("expected a refusal, got \(refused)")
            return
        }
        #expect(why.contains("must include node 3"))
        #expect(cluster.raft(3).lastIndex == before, "nothing was written")
        #expect(cluster.raft(3).membership.voters == [1, 2, 3])
        let empty = try perform(.forceReconfiguration(group: ThreeNodes.group, voters: []), on: 3, cluster)
        #expect(empty.failureCode == "invalid_change")
    }
}

extension ClientResult {
    var isDone: Bool {
        if case .done = self { return true }
        return false
    }

    var failureCode: String? {
        if case .failed(let failure) = self { return failure.code }
        return nil
    }
}
