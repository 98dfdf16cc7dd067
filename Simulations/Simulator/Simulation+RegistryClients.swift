import NodeCore
import Raft
import Registry

/// The registry workload's clients: one operation at a time each, sent to a random node that
/// hosts the group (which forwards writes to the leader). A write that gets no definite answer
/// is sent again, with the same bytes and so the same request id, until it does.
extension Simulation {
    /// Attempts of one write before the client gives up (its outcome then stays unknown). A
    /// fault lasts at most a few seconds and an attempt at most `clientTimeoutMs`, so eight
    /// attempts outlive any single fault.
    static let registryAttemptsMax = 8

    func registryClientNext(_ index: Int) {
        guard case .faults = phase, clients[index].inFlight == nil else { return }
        var group = groups[rng.below(groups.count)].id
        let plan = workload!.plan(group: group, client: index, at: wallClock)
        let kind: RegistryClientOperation.Kind
        let payload: [UInt8]
        let office: OfficeCode?
        switch plan {
        case .write(let request, let invalid):
            kind = .write(request, invalid: invalid)
            payload = RegistryCommand.single(request).encode()
            office = request.operation.office
        case .read(let query):
            kind = .read(query)
            payload = query.encode()
            office = query.office
        }
        // Sent where the client knows the office to be (a follow-up names an act of its own).
        if let office, let holder = workload!.group(of: office) { group = holder }
        let operation = registryHistory.operations.count
        registryHistory.operations.append(RegistryClientOperation(
            group: group, client: index, kind: kind, payload: payload, invokedAt: registryHistory.tick()))
        clients[index].inFlight = operation
        record("client \(index) \(describe(kind)) g\(group)", mixing: [6, UInt64(index), fnv(payload)])
        sendRegistryAttempt(operation)
    }

    /// The simulated wall clock, to the minute, as a client stamps `recordedAt`.
    var wallClock: Timestamp { RegistryWorkload.timestamp(ms: Simulation.epochMs + now) }

    private func describe(_ kind: RegistryClientOperation.Kind) -> String {
        switch kind {
        case .write(let request, let invalid):
            let what: String
            switch request.operation {
            case .registerBirth: what = "birth"
            case .registerDeath: what = "death"
            case .importHistoricalAct(let item): what = "import \(item.register)/\(item.number)"
            case .appendMention(let target, let body): what = "\(body.kind.name) on \(target)"
            case .submitForReview(let item): what = "review item \(item.place)"
            case .settleReview(let decision): what = "review decision \(decision.place)"
            }
            return "write \(request.requestID) \(what)\(invalid ? " (invalid)" : "")"
        case .read(let query):
            return "read \(query)"
        }
    }

    func sendRegistryAttempt(_ operation: Int) {
        var op = registryHistory.operations[operation]
        guard op.status == .pending else { return }
        let hosts = nodeOrder.filter { nodes[$0]!.core?.raft(of: op.group) != nil }
        guard !hosts.isEmpty else {
            queue.schedule(.registryRetry(operation: operation), at: now + 100)
            return
        }
        let node = nodes[hosts[rng.below(hosts.count)]]!
        op.attempts += 1
        op.currentAttempt = op.attempts
        registryHistory.operations[operation] = op
        let request: ClientRequest
        switch op.kind {
        case .write: request = .write(group: op.group, command: op.payload)
        case .read: request = .read(group: op.group, query: op.payload)
        }
        guard let ticket = submit(request, to: node) else { return }
        registryHistory.tickets[ticket] = (operation, op.attempts)
        queue.schedule(.registryTimeout(operation: operation, attempt: op.attempts), at: now + Simulation.clientTimeoutMs)
    }

    func registryTimedOut(_ operation: Int, attempt: Int) {
        guard registryHistory.operations[operation].status == .pending,
              registryHistory.operations[operation].currentAttempt == attempt else { return }
        record("operation \(operation) attempt \(attempt) timed out", mixing: [8, UInt64(operation)])
        registryAttemptEnded(operation, outcomeUnknown: true)
    }

    /// The current attempt ended without a definite answer: try again, or give up.
    private func registryAttemptEnded(_ operation: Int, outcomeUnknown: Bool) {
        var op = registryHistory.operations[operation]
        op.currentAttempt = 0
        if outcomeUnknown { op.unknownAttempts += 1 }
        registryHistory.operations[operation] = op
        guard case .write = op.kind else { return finish(operation, .abandoned) }
        if op.client == RegistryClientOperation.probeClient {
            probes[op.group] = nil // the convergence check sends the probe again
            return
        }
        guard op.attempts < Simulation.registryAttemptsMax else {
            return finish(operation, op.unknownAttempts == 0 ? .abandoned : .unknown)
        }
        queue.schedule(.registryRetry(operation: operation), at: now + 50 + rng.next() % 150)
    }

    func registryResponse(_ response: ClientResponse) {
        if splitAnswered(response) { return }
        guard let owner = registryHistory.tickets.removeValue(forKey: response.ticket) else { return }
        let op = registryHistory.operations[owner.operation]
        guard op.status == .pending, op.currentAttempt == owner.attempt else { return }
        record("operation \(owner.operation) attempt \(owner.attempt): \(response.result)", mixing: [7, UInt64(owner.operation)])
        if let target = response.result.movedTo {
            // The group gave up the office in a split and changed nothing: send it there.
            registryHistory.operations[owner.operation].group = target
            registryHistory.operations[owner.operation].currentAttempt = 0
            return queue.schedule(.registryRetry(operation: owner.operation), at: now + 1)
        }
        switch op.kind {
        case .write: registryWriteAnswered(owner.operation, response.result)
        case .read: registryReadAnswered(owner.operation, response.result)
        }
    }

    private func registryWriteAnswered(_ operation: Int, _ result: ClientResult) {
        let op = registryHistory.operations[operation]
        let bytes: [UInt8]
        let refused: Bool
        switch result {
        case .applied(_, let outcome): (bytes, refused) = (outcome, false)
        case .refused(let outcome): (bytes, refused) = (outcome, true)
        case .failed(let failure):
            switch failure {
            case .noLeader, .notLeader, .overloaded, .superseded, .unknownGroup:
                return registryAttemptEnded(operation, outcomeUnknown: false)
            case .timedOut, .outcomeUnknown, .groupHalted, .storage, .invalidChange, .tooStale:
                return registryAttemptEnded(operation, outcomeUnknown: true)
            }
        case .answered, .done:
            fail("operation \(operation): unexpected answer \(result) to a write")
            return registryAttemptEnded(operation, outcomeUnknown: true)
        }
        guard let outcome = try? CommandOutcome.decode(bytes) else {
            fail("operation \(operation): undecodable outcome \(bytes.prefix(16))")
            return registryAttemptEnded(operation, outcomeUnknown: true)
        }
        switch outcome {
        case .accepted(let entry), .duplicate(let entry):
            if op.isInvalid { fail("operation \(operation): a request that breaks a content rule was acknowledged: \(entry.actID)") }
            registryHistory.operations[operation].acknowledgements.append(entry)
            if case .duplicate = outcome { registryHistory.operations[operation].answeredAsDuplicate = true }
            if op.client == RegistryClientOperation.probeClient { probeAcknowledged.insert(op.group) }
            if op.client != RegistryClientOperation.probeClient { workload!.learn(entry, of: op.request!, group: op.group, client: op.client) }
            registryHistory.writesAcknowledged += 1
            finish(operation, .acknowledged(entry))
        case .rejected(let violations):
            if op.isInvalid && !refused {
                fail("operation \(operation): a request that breaks a content rule reached the log: \(violations)")
            }
            if op.client == RegistryClientOperation.probeClient {
                fail("probe of group \(op.group) rejected: \(violations)")
            }
            finish(operation, op.unknownAttempts == 0 ? .rejected(violations, refusedBeforeLog: refused) : .unknown)
        case .batch, .review:
            fail("operation \(operation): a batch or review outcome for a single registration")
            registryAttemptEnded(operation, outcomeUnknown: true)
        }
    }

    private func registryReadAnswered(_ operation: Int, _ result: ClientResult) {
        let op = registryHistory.operations[operation]
        guard case .answered(let index, let behind, _, let bytes) = result else {
            if case .failed = result { return registryAttemptEnded(operation, outcomeUnknown: false) }
            fail("operation \(operation): unexpected answer \(result) to a read")
            return finish(operation, .abandoned)
        }
        if behind != 0 { fail("operation \(operation): a linearizable read was answered \(behind) entries behind the commit index") }
        guard let answer = try? RegistryAnswer.decode(bytes) else {
            fail("operation \(operation): undecodable answer")
            return finish(operation, .abandoned)
        }
        if case .malformedQuery(let code, let reason) = answer { fail("operation \(operation): query refused as malformed: \(code) \(reason)") }
        if case .record(let record?) = answer { workload!.learn(record, group: op.group) }
        registryHistory.readsAnswered += 1
        finish(operation, .answered(answer, index: index))
    }

    private func finish(_ operation: Int, _ status: RegistryClientOperation.Status) {
        registryHistory.operations[operation].status = status
        registryHistory.operations[operation].returnedAt = registryHistory.tick()
        let client = registryHistory.operations[operation].client
        guard client != RegistryClientOperation.probeClient, clients[client].inFlight == operation else { return }
        clients[client].inFlight = nil
        queue.schedule(.clientNext(client), at: now + rng.next() % 40)
    }

    /// Sends, or sends again with the same request, the progress probe of each group that has
    /// none in flight: a birth registration in the group's first office.
    func sendRegistryProbes() {
        for group in groups where !probeAcknowledged.contains(group.id) && probes[group.id] == nil {
            let operation: Int
            if let existing = registryHistory.probes[group.id] {
                operation = existing
            } else {
                // A generated birth, made valid whatever the generator drew, numbered in the
                // group's first office, under the probe's own request id.
                guard case .write(var request, _) = workload!.birth(group: group.id, client: 0, now: wallClock) else { continue }
                request.requestID = RegistryWorkload.probeRequestID(group: group.id, round: 1)
                if case .registerBirth(var birth) = request.operation {
                    birth.office = workload!.offices[group.id]![0]
                    birth.child.givenName = Name(arabic: "أنير", latin: "Anir", tifinagh: "ⴰⵏⵉⵔ")
                    birth.birthDate = DualDate(gregorian: wallClock.date)
                    birth.declaratoryJudgment = nil
                    request.operation = .registerBirth(birth)
                }
                operation = registryHistory.operations.count
                registryHistory.operations.append(RegistryClientOperation(
                    group: group.id, client: RegistryClientOperation.probeClient, kind: .write(request, invalid: false),
                    payload: RegistryCommand.single(request).encode(), invokedAt: registryHistory.tick()))
                registryHistory.probes[group.id] = operation
            }
            let hosts = nodeOrder.filter { nodes[$0]!.core?.raft(of: group.id) != nil }
            guard !hosts.isEmpty else { continue }
            let node = nodes[hosts[rng.below(hosts.count)]]!
            var op = registryHistory.operations[operation]
            op.attempts += 1
            op.currentAttempt = op.attempts
            registryHistory.operations[operation] = op
            record("probe g\(group.id) via \(node.id)", mixing: [21, group.id, node.id])
            guard let ticket = submit(.write(group: group.id, command: op.payload), to: node) else { continue }
            registryHistory.tickets[ticket] = (operation, op.attempts)
            probes[group.id] = ticket
        }
    }
}
