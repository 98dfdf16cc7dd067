import Testing
@testable import Raft

/// Property tests: seeded random schedules of message delivery (in any order), loss,
/// duplication, ticks, proposals, reads, crashes (including a crash between sending appends and
/// making them durable), restarts, partitions, compaction and, in some runs, membership and
/// centre-rule changes. After every step the safety checker verifies election safety, log
/// matching, that committed entries never change, that applied sequences agree, and leader
/// completeness. At the end the faults stop and the group must converge: one leader, every
/// member applied the same sequence, a last proposal commits everywhere.
///
/// Every failure names its seed (through the harness context); rerun one seed by putting it
/// alone in the arguments.
@Suite struct RandomScheduleTests {
    struct Options {
        var members: [NodeID]
        var steps = 2_500
        var membershipChanges = false
        var centerRule = false
    }

    /// Runs one schedule and returns the network for extra checks.
    @discardableResult
    static func run(seed: UInt64, _ options: Options) -> TestNetwork {
        var rng = SplitMix64(seed: seed)
        let preVote = rng.next() % 2 == 0
        let checkQuorum = rng.next() % 2 == 0
        let center: NodeID? = options.centerRule ? options.members.last : nil
        let context = "random schedule, \(options.members.count) members, preVote \(preVote), checkQuorum \(checkQuorum)"
            + (options.membershipChanges ? ", membership changes" : "") + (options.centerRule ? ", centre rule" : "")
        let net = TestNetwork(voters: options.members, center: center, centerRule: options.centerRule, seed: seed,
                              context: context) { config in
            config.preVote = preVote
            config.checkQuorum = checkQuorum
            // Short timeouts: more elections per partition, so stale leaders meet newer ones.
            config.electionTicks = 5
            config.entriesPerMessageMax = 3
            config.inflightMessagesMax = 4
            config.snapshotTimeoutTicks = 30
        }
        let spare: NodeID = options.members.max()! + 1
        if options.membershipChanges { net.addEmptyMember(spare, seed: seed) }
        var proposals = 0
        var reads: ReadRequestID = 0

        // ReadIndex linearizability: a confirmed read covers every entry known committed
        // anywhere when it was issued.
        var readFloor: [ReadRequestID: UInt64] = [:]
        var readsChecked: [NodeID: Int] = [:]
        var confirmedReads = 0
        func knownCommitted() -> UInt64 {
            net.ids.map { net.member($0).raft?.commitIndex ?? net.store($0).hardState.commit }.max() ?? 0
        }
        func checkReads() {
            for id in net.ids {
                let states = net.member(id).readStates
                for state in states.dropFirst(readsChecked[id, default: 0]) {
                    confirmedReads += 1
                    if let floor = readFloor[state.id], state.index < floor {
                        net.record("read \(state.id) confirmed at index \(state.index) on member \(id), but \(floor) was committed before it was issued")
                    }
                }
                readsChecked[id] = states.count
            }
        }

        func randomLive() -> NodeID? {
            let live = net.liveIDs
            return live.isEmpty ? nil : live[Int(rng.next() % UInt64(live.count))]
        }

        for _ in 0..<options.steps {
            if net.queue.count > 400 { net.deliver(at: 0) }
            // Weights per thousand. Time moves for the whole group (a tick of every member) more
            // often than for one member, and a partition lasts about 150 steps, so that elections
            // happen inside partitions and stale leaders coexist with newer ones.
            switch rng.next() % 1_000 {
            case 0..<310:
                // A burst in random order, sized to the backlog, so that a message waits a few
                // ticks rather than hundreds of steps behind heartbeats.
                for _ in 0..<(1 + Int(rng.next() % UInt64(max(1, net.queue.count / 3)))) where !net.queue.isEmpty {
                    net.deliver(at: Int(rng.next() % UInt64(net.queue.count)))
                }
            case 310..<410:
                for _ in 0..<(1 + rng.next() % 5) where !net.queue.isEmpty { net.deliver(at: 0) }
            case 410..<440:
                if !net.queue.isEmpty { net.queue.remove(at: Int(rng.next() % UInt64(net.queue.count))) }
            case 440..<470:
                if !net.queue.isEmpty { net.queue.append(net.queue[Int(rng.next() % UInt64(net.queue.count))]) }
            case 470..<570:
                if let id = randomLive() { net.tick(id) }
            case 570..<690:
                for id in net.liveIDs { net.tick(id) }
            case 690..<810:
                // Any member that believes it leads, stale ones included.
                let leaders = net.liveIDs.filter { net.raft($0).role == .leader }
                let target = leaders.isEmpty ? randomLive() : leaders[Int(rng.next() % UInt64(leaders.count))]
                if let target {
                    proposals += 1
                    net.propose(target, "p\(proposals)")
                }
            case 810..<860:
                if let id = randomLive() {
                    reads += 1
                    readFloor[reads] = knownCommitted()
                    net.with(id) { $0.readIndex(reads) }
                }
            case 860..<864:
                if let id = randomLive() { net.crash(id) }
            case 864..<890:
                if let down = net.ids.first(where: { !net.member($0).isUp }) { net.restart(down) }
            case 890..<898:
                var sides: [Set<NodeID>] = [[], []]
                for id in net.ids { sides[Int(rng.next() % 2)].insert(id) }
                net.partition(sides)
            case 898..<905:
                net.heal()
            case 905..<920:
                if let id = randomLive() {
                    let applied = net.raft(id).appliedIndex
                    if applied > net.raft(id).snapshotIndex + 5 { net.compact(id, through: applied - 2) }
                }
            case 920..<925:
                if let leader = net.leader {
                    proposals += 1
                    net.withoutProcessing(leader) { _ = $0.propose([Fixture.bytes("p\(proposals)")]) }
                    net.crashDuringReady(leader, afterPersisting: rng.next() % 2 == 0)
                }
            case 925..<940:
                if let leader = net.leader {
                    if options.membershipChanges {
                        let changes: [ConfigChange] = [
                            .membership([.addLearner(spare)]), .membership([.remove(spare)]),
                            .membership([.addVoter(spare)]), .membership([.addLearner(options.members.last!)]),
                            .membership([.addVoter(options.members.last!)]),
                        ]
                        net.proposeConfigChange(leader, changes[Int(rng.next() % UInt64(changes.count))])
                    } else if let center {
                        net.proposeConfigChange(leader, .centerRule(center: center, required: rng.next() % 2 == 0))
                    }
                }
            default:
                if !net.queue.isEmpty { net.deliver(at: 0) }
            }
            if options.centerRule { checkCenterRule(net) }
            checkReads()
            if !net.violations.isEmpty { return net }
        }

        // The faults stop: every member up, every link healed.
        net.heal()
        for id in net.ids where !net.member(id).isUp { net.restart(id) }
        let converged = net.run(roundsMax: 600) { net in
            guard let leader = net.leader else { return false }
            let last = net.raft(leader).lastIndex
            return net.raft(leader).commitIndex == last
                && net.raft(leader).membership.members.union([leader]).allSatisfy { net.member($0).isUp && net.raft($0).appliedIndex == last }
        }
        #expect(converged, "\(net.context): the group did not converge after the faults stopped")
        guard converged, let leader = net.leader else { return net }
        let marker = Fixture.bytes("final")
        net.propose(leader, [marker])
        let finished = net.run(roundsMax: 300) { net in
            net.raft(leader).membership.members.union([leader]).allSatisfy { net.applied($0).last == marker }
        }
        #expect(finished, "\(net.context): the final proposal was not applied everywhere")
        let reference = net.store(leader).stateMachine
        for id in net.raft(leader).membership.members {
            #expect(net.store(id).stateMachine == reference, "\(net.context): member \(id) applied a different sequence")
        }
        checkReads()
        #expect(net.violations.isEmpty, "\(net.context): \(net.violations.prefix(3))")
        return net
    }

    /// The centre rule as a property: whenever a leader's commit index is at `c` and the rule in
    /// force at `c` is on, the centre holds entry `c` durably.
    static func checkCenterRule(_ net: TestNetwork) {
        guard let leader = net.leader else { return }
        let raft = net.raft(leader)
        let commit = raft.commitIndex
        guard commit > raft.appliedIndex || raft.membership.centerRuleActive else {
            return
        }
        var config = raft.membership
        if commit > raft.appliedIndex {
            for entry in raft.entries(from: raft.appliedIndex + 1, through: commit) where entry.kind == .configChange {
                if let change = try? ConfigChange.decode(entry.data), case .success(let next) = config.applying(change) { config = next }
            }
        }
        guard config.centerRuleActive, let center = config.center else { return }
        let store = net.store(center)
        let holds = store.snapshotIndex >= commit || store.entry(at: commit)?.term == raft.term(at: commit)
        if !holds && commit > 1 {
            net.record("centre rule: leader \(leader) committed \(commit) under 'on' but the centre \(center) does not hold it")
        }
    }

    @Test(arguments: UInt64(1)...16)
    func threeMembers(seed: UInt64) {
        Self.run(seed: seed, Options(members: [1, 2, 3]))
    }

    @Test(arguments: UInt64(101)...116)
    func fiveMembers(seed: UInt64) {
        Self.run(seed: seed, Options(members: [1, 2, 3, 4, 5]))
    }

    @Test(arguments: UInt64(201)...212)
    func fiveMembersWithMembershipChanges(seed: UInt64) {
        Self.run(seed: seed, Options(members: [1, 2, 3, 4, 5], membershipChanges: true))
    }

    @Test(arguments: UInt64(301)...312)
    func fourMembersWithTheCentreRuleSwitchedOnAndOff(seed: UInt64) {
        Self.run(seed: seed, Options(members: [1, 2, 3, 4], centerRule: true))
    }
}
