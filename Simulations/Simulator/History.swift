import NodeCore
import Raft

/// A simulated client: one operation at a time, against a random node.
struct SimClient {
    let id: Int
    var counter: UInt64 = 0
    /// The operation in flight, as an index into the history's operation list.
    var inFlight: Int?
}

/// Everything the clients saw, for the linearizability check and the durability check.
struct History {
    struct Operation {
        var group: GroupID
        var key: UInt32
        var kind: RegisterOperation.Kind
        var requestID: UInt64
        var invokedAt: UInt64
        var returnedAt: UInt64?
        /// Definitely had no effect (so it is left out of the check).
        var noEffect = false
        var client: Int
    }

    var operations: [Operation] = []
    /// Logical clock: every call and return gets a distinct, increasing time, so the real-time
    /// order of the history is exact.
    var clock: UInt64 = 0
    var writesAcknowledged = 0
    var readsAnswered = 0

    mutating func tick() -> UInt64 {
        clock += 1
        return clock
    }

    /// Writes acknowledged to a client: each must be on every replica at the end.
    var acknowledgedWrites: [Operation] {
        operations.filter { op in
            if case .write = op.kind { return op.returnedAt != nil && !op.noEffect }
            return false
        }
    }

    /// Checks every register's history; returns the failures.
    func linearizabilityFailures() -> [String] {
        var byRegister: [String: [RegisterOperation]] = [:]
        var order: [String] = []
        for op in operations where !op.noEffect {
            if case .read = op.kind, op.returnedAt == nil { continue }
            let name = "group \(op.group) key \(op.key)"
            if byRegister[name] == nil { order.append(name) }
            byRegister[name, default: []].append(
                RegisterOperation(kind: op.kind, invokedAt: op.invokedAt, returnedAt: op.returnedAt ?? UInt64.max, client: op.client))
        }
        return order.compactMap { name in
            LinearizabilityChecker.check(byRegister[name]!).map { "\(name): \($0)" }
        }
    }
}

extension Simulation {
    static let clientTimeoutMs: UInt64 = 3_000

    func clientNext(_ index: Int) {
        guard case .faults = phase, options.scenario == nil else { return }
        guard clients[index].inFlight == nil else { return }
        let group = groups[Int(rng.next() % UInt64(groups.count))]
        let key = UInt32(rng.next() % UInt64(options.keysPerGroup))
        let hosts = nodeOrder.filter { id in
            guard let node = nodes[id], node.isUp, node.core?.raft(of: group.id) != nil else { return false }
            return true
        }
        guard !hosts.isEmpty else {
            queue.schedule(.clientNext(index), at: now + 100)
            return
        }
        let node = nodes[hosts[Int(rng.next() % UInt64(hosts.count))]]!
        clients[index].counter += 1
        let requestID = UInt64(index + 1) << 40 | clients[index].counter
        let isWrite = rng.next() % 2 == 0
        let request: ClientRequest
        let kind: RegisterOperation.Kind
        if isWrite {
            request = .write(group: group.id, command: KeyValueMachine.Command.put(requestID: requestID, key: key, value: requestID).encoded())
            kind = .write(requestID)
        } else {
            request = .read(group: group.id, query: KeyValueMachine.encodeQuery(key))
            kind = .read(0)
        }
        let operation = history.operations.count
        history.operations.append(History.Operation(
            group: group.id, key: key, kind: kind, requestID: requestID, invokedAt: history.tick(), client: index))
        clients[index].inFlight = operation
        record("client \(index) \(isWrite ? "write" : "read") g\(group.id) k\(key) at \(node.id)", mixing: [6, UInt64(index), requestID, node.id])
        guard let ticket = submit(request, to: node) else { return }
        ticketOwners[ticket] = (index, operation)
        queue.schedule(.clientTimeout(client: index, operation: operation), at: now + Simulation.clientTimeoutMs)
    }

    func deliverResponse(_ response: ClientResponse) {
        if options.workload == .registry { return registryResponse(response) }
        if let group = probes.first(where: { $0.value == response.ticket })?.key {
            record("probe g\(group): \(response.result)", mixing: [9, group])
            if case .applied = response.result {
                probeAcknowledged.insert(group)
            } else {
                probes[group] = nil // sent again at the next check
            }
            return
        }
        guard let owner = ticketOwners.removeValue(forKey: response.ticket) else { return }
        guard clients[owner.client].inFlight == owner.operation else { return }
        var op = history.operations[owner.operation]
        switch (op.kind, response.result) {
        case (.write, .applied(_, let outcome)) where outcome == [1]:
            op.returnedAt = history.tick()
            history.writesAcknowledged += 1
        case (.read, .answered(_, let behind, _, let outcome)):
            op.returnedAt = history.tick()
            op.kind = .read(KeyValueMachine.decodeValue(outcome) ?? UInt64.max)
            if behind != 0 { fail("a linearizable read was answered \(behind) entries behind the commit index") }
            history.readsAnswered += 1
        case (_, .failed(let failure)):
            switch failure {
            case .timedOut(outcomeUnknown: true), .outcomeUnknown, .groupHalted, .storage:
                break // may have taken effect: stays pending forever
            default:
                op.noEffect = true
            }
        case (.write, .refused(let outcome)) where outcome == [2]:
            // The request id was already applied: a duplicate delivery of this same write
            // (the network duplicates messages) took effect first.
            op.returnedAt = history.tick()
            history.writesAcknowledged += 1
        case (.write, .applied(_, let outcome)) where outcome == [2]:
            op.returnedAt = history.tick()
            history.writesAcknowledged += 1
        case (_, .refused):
            op.noEffect = true
        default:
            fail("unexpected answer \(response.result) to \(op.kind)")
        }
        history.operations[owner.operation] = op
        record("client \(owner.client) answer \(op.kind) g\(op.group) k\(op.key) call \(op.invokedAt) return \(op.returnedAt.map(String.init) ?? "-") noEffect \(op.noEffect): \(response.result)",
               mixing: [7, UInt64(owner.client), op.returnedAt ?? 0])
        clients[owner.client].inFlight = nil
        queue.schedule(.clientNext(owner.client), at: now + rng.next() % 40)
    }

    /// A write a scripted schedule makes, recorded like any client's.
    func scriptedWrite(at nodeID: NodeID, group: GroupID) {
        let index = 0
        clients[index].counter += 1
        let requestID = UInt64(index + 1) << 40 | clients[index].counter
        let operation = history.operations.count
        history.operations.append(History.Operation(
            group: group, key: 0, kind: .write(requestID), requestID: requestID, invokedAt: history.tick(), client: index))
        clients[index].inFlight = operation
        let command = KeyValueMachine.Command.put(requestID: requestID, key: 0, value: requestID).encoded()
        guard let node = nodes[nodeID], let ticket = submit(.write(group: group, command: command), to: node) else { return }
        ticketOwners[ticket] = (index, operation)
        queue.schedule(.clientTimeout(client: index, operation: operation), at: now + Simulation.clientTimeoutMs)
    }

    func clientTimedOut(_ index: Int, operation: Int) {
        guard clients[index].inFlight == operation else { return }
        // Unknown outcome: a write may still commit; a read simply has no answer.
        if case .read = history.operations[operation].kind { history.operations[operation].noEffect = true }
        record("client \(index) timed out", mixing: [8, UInt64(index)])
        clients[index].inFlight = nil
        queue.schedule(.clientNext(index), at: now + rng.next() % 40)
    }
}
