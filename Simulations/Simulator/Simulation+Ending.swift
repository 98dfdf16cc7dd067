import NodeCore
import Raft

extension Simulation {
    /// Heals every fault: links restored, crashed nodes restarted, message faults off. From here
    /// the cluster must converge and make progress within the stated bounds.
    func endFaultPhase() {
        phase = .converging(round: 0)
        messageFaults = false
        blocked = []
        record("end of faults", mixing: [20])
        for id in nodeOrder where !nodes[id]!.isUp { restart(id, corrupt: false) }
        phaseDeadline = now + options.convergenceBoundMs
        queue.schedule(.convergenceCheck, at: now + 200)
    }

    func convergenceCheck() {
        // A roll-out run settles only once its region is rebuilt (the centre alone leading
        // the lost region's groups is converged, but not done).
        let rollOutDone = options.profile != .rollOut || rollOut.rebuilt
        let settled = unconvergedGroups().isEmpty && clients.allSatisfy { $0.inFlight == nil } && rollOutDone
        switch phase {
        case .converging(let round) where settled:
            if round == 0 {
                phase = .probing
                phaseDeadline = now + options.progressBoundMs
                sendProbes()
            } else {
                finalChecks()
                phase = .done
                return
            }
        case .probing:
            if probeAcknowledged.count == groups.count {
                phase = .converging(round: 1)
                phaseDeadline = now + options.convergenceBoundMs
            } else {
                sendProbes()
            }
        default:
            break
        }
        if now > phaseDeadline {
            switch phase {
            case .probing:
                let missing = groups.map(\.id).filter { !probeAcknowledged.contains($0) }
                fail("no progress: writes to groups \(missing) not acknowledged within \(options.progressBoundMs) ms after the cluster converged")
            default:
                let rollOutState = rollOutDone ? "" : " (the roll-out's rebuild has not finished)"
                fail("cluster did not converge within \(options.convergenceBoundMs) ms after faults healed\(rollOutState): \(unconvergedGroups().joined(separator: "; "))")
            }
            phase = .done
            return
        }
        queue.schedule(.convergenceCheck, at: now + 200)
    }

    private func sendProbes() {
        if options.workload == .registry { return sendRegistryProbes() }
        for group in groups where !probeAcknowledged.contains(group.id) && probes[group.id] == nil {
            let hosts = nodeOrder.filter { nodes[$0]!.core?.raft(of: group.id) != nil }
            guard !hosts.isEmpty else { continue }
            let node = nodes[hosts[Int(rng.next() % UInt64(hosts.count))]]!
            let requestID = UInt64(0xFF) << 40 | group.id << 8 | UInt64(history.clock & 0xFF)
            let command = KeyValueMachine.Command.put(requestID: requestID, key: 1_000, value: requestID).encoded()
            record("probe g\(group.id) via \(node.id)", mixing: [21, group.id, node.id])
            probes[group.id] = submit(.write(group: group.id, command: command), to: node)
        }
    }

    /// Groups that are not settled yet, with the reason.
    func unconvergedGroups() -> [String] {
        groups.compactMap { group -> String? in
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else {
                let members = nodeOrder.compactMap { id -> String? in
                    guard let raft = nodes[id]?.core?.raft(of: group.id) else { return nil }
                    let floor = raft.lostLogFloor.map { " floor \($0.index)/\($0.term)" } ?? ""
                    return "\(id): \(raft.role) t\(raft.term) last \(raft.lastIndex)/\(raft.lastTerm) commit \(raft.commitIndex) voters \(raft.membership.voters.sorted())\(floor)"
                }
                return "group \(group.id): no leader [\(members.joined(separator: "; "))]"
            }
            if raft.term(at: raft.commitIndex) != raft.term { return "group \(group.id): leader \(leader.id) has not committed in its term" }
            if raft.commitIndex != raft.lastIndex { return "group \(group.id): commit \(raft.commitIndex) < last \(raft.lastIndex)" }
            for member in raft.membership.members.sorted() {
                guard let other = nodes[member]?.core?.raft(of: group.id) else { return "group \(group.id): member \(member) down or not hosting" }
                if other.appliedIndex != raft.commitIndex || other.lastIndex != raft.lastIndex {
                    return "group \(group.id): member \(member) applied \(other.appliedIndex)/last \(other.lastIndex), leader commit \(raft.commitIndex)"
                }
            }
            if let reason = groupsHalted(group.id) { return reason }
            return nil
        }
    }

    private func groupsHalted(_ group: GroupID) -> String? {
        for id in nodeOrder {
            if let reason = nodes[id]!.core?.haltReason(of: group) { return "group \(group) halted on \(id): \(reason)" }
        }
        return nil
    }

    /// The end-of-run checks: identical replicas, every acknowledged write on every replica,
    /// linearizable client history.
    func finalChecks() {
        for group in groups {
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { continue }
            var reference: [(key: [UInt8], value: [UInt8])]?
            var referenceNode: NodeID = 0
            for member in raft.membership.members.sorted() {
                guard let reader = nodes[member]?.core?.stateReader(for: group.id) else { continue }
                let state: [(key: [UInt8], value: [UInt8])]
                do {
                    state = try reader.scan(from: [], to: [0xFF, 0xFF], limit: Int.max)
                } catch {
                    fail("group \(group.id) on node \(member): state unreadable: \(error)")
                    continue
                }
                if let reference {
                    if reference.count != state.count || zip(reference, state).contains(where: { $0.key != $1.key || $0.value != $1.value }) {
                        fail("group \(group.id): replica \(member) differs from replica \(referenceNode) (\(state.count) vs \(reference.count) keys)")
                    }
                } else {
                    reference = state
                    referenceNode = member
                }
                for write in history.acknowledgedWrites where write.group == group.id && options.workload == .kv {
                    let stored = try? reader.get(KeyValueMachine.requestKey(write.requestID))
                    if stored != KeyValueMachine.requestRecord(key: write.key, value: write.requestID) {
                        fail("acknowledged write \(write.requestID) (group \(group.id) key \(write.key)) missing or different on node \(member)")
                    }
                }
            }
        }
        if options.workload == .registry { registryFinalChecks() }
        if options.profile == .rollOut { rollOutFinalChecks() }
        for failure in history.linearizabilityFailures() { fail("not linearizable: \(failure)") }
        for failure in checker.finalFailures() { fail(failure) }
    }
}
