/// The civil-status register as a deterministic state machine.
///
/// Every replica applies the same committed commands in the same order and ends in the same
/// state: apply reads no clock, no random source, no locale and no ICU; time comes from the
/// command (`recordedAt`), and every write goes into a ``Transaction`` whose ``WriteSet`` the
/// caller persists atomically.
public struct RegistryStateMachine: Sendable {
    /// The territorial reference data (offices).
    public let reference: ReferenceData
    private let validator: RequestValidator

    /// The version of the state layout written under ``StateKeys/formatVersion``.
    public static let stateFormatVersion: UInt8 = 1

    /// Creates a state machine over the given reference data.
    public init(reference: ReferenceData = .embedded) {
        self.reference = reference
        self.validator = RequestValidator(reference: reference)
    }

    /// Applies a committed command. Deterministic; re-validates against the current state.
    ///
    /// A rejected request writes nothing. A retried request (same id, same body) writes nothing
    /// and returns `.duplicate` with the original outcome. Throws only when the state cannot be
    /// read or contradicts itself (a storage error): the caller then discards `tx`, stops
    /// applying and repairs the shard.
    public func apply(_ command: RegistryCommand, context: ApplyContext, into tx: inout Transaction) throws -> CommandOutcome {
        switch command {
        case .single(let request):
            var formatChecked = false
            return try apply(request, context: context, formatChecked: &formatChecked, into: &tx)
        case .batch(let requests):
            precondition(requests.count <= RegistryLimits.batchCommandsMax, "batch longer than the decoder allows")
            var outcomes: [CommandOutcome] = []
            outcomes.reserveCapacity(requests.count)
            // The state's format is read once per command, not once per request of a batch.
            var formatChecked = false
            for request in requests {
                outcomes.append(try apply(request, context: context, formatChecked: &formatChecked, into: &tx))
            }
            return .batch(outcomes)
        }
    }

    /// Checks a command against a state before proposing it: the violations that applying it
    /// now would report (for a batch, those of every request, each request seeing the effect of
    /// the accepted ones before it).
    public func validate(_ command: RegistryCommand, against reader: some KeyValueReader) throws -> [RuleViolation] {
        try validateEach(command, against: reader).flatMap(\.violations)
    }

    /// Like ``validate(_:against:)`` but per request, in order.
    public func validateEach(_ command: RegistryCommand, against reader: some KeyValueReader) throws
        -> [(requestID: RequestID, violations: [RuleViolation])] {
        var scratch = Transaction(base: reader)
        var result: [(RequestID, [RuleViolation])] = []
        // Provenance is irrelevant to validation; the scratch writes are discarded.
        let context = ApplyContext(logIndex: 0, logTerm: 0)
        var formatChecked = false
        for request in command.requests {
            switch try apply(request, context: context, formatChecked: &formatChecked, into: &scratch) {
            case .rejected(let violations): result.append((request.requestID, violations))
            case .accepted, .duplicate, .batch, .review: result.append((request.requestID, []))
            }
        }
        return result
    }

    /// What applying `command` to `reader`'s state would answer when it writes nothing, or nil
    /// when it would write (some request would be accepted). The node asks this before
    /// proposing, so a command that cannot change the state never reaches the log.
    ///
    /// Exactly apply's decision: each request is first checked against its id's record, then
    /// validated, as apply does before storing anything. The requests of a batch are checked in
    /// order, and the answer is nil at the first that would be accepted: every request before
    /// it writes nothing, so each is checked against the same state apply would see.
    public func precheck(_ command: RegistryCommand, against reader: some KeyValueReader) throws -> CommandOutcome? {
        switch command {
        case .single(let request):
            return try refusal(request, against: reader)
        case .batch(let requests):
            precondition(requests.count <= RegistryLimits.batchCommandsMax, "batch longer than the decoder allows")
            var outcomes: [CommandOutcome] = []
            outcomes.reserveCapacity(requests.count)
            for request in requests {
                guard let refusal = try refusal(request, against: reader) else { return nil }
                outcomes.append(refusal)
            }
            return .batch(outcomes)
        }
    }

    /// The outcome of a request that writes nothing (a retry of an applied request, a reused
    /// id, a broken rule), or nil when it would be accepted.
    private func refusal(_ request: RegistryRequest, against reader: some KeyValueReader) throws -> CommandOutcome? {
        if let repeated = try repeatedReview(request, against: reader) { return repeated }
        let requestKey = StateKeys.request(request.requestID)
        if let bytes = try reader.get(requestKey) {
            let record = try RegistryQueries.decode(RequestRecord.self, bytes, key: requestKey)
            guard record.requestDigest == request.idempotencyDigest else {
                return .rejected([RuleViolation(.requestIDReused, .requestID,
                    "request id \(request.requestID) was already used for a different request (\(record.entry.actID))")])
            }
            return .duplicate(record.entry)
        }
        let violations = try validator.validate(request, against: reader)
        return violations.isEmpty ? nil : .rejected(violations)
    }

    /// A review operation already applied by the same request (a re-run of the same file, a
    /// retried decision): its receipt, with nothing written again. Review operations that import
    /// no act keep no request record; the review record names the request that queued or
    /// discarded it.
    private func repeatedReview(_ request: RegistryRequest, against reader: some KeyValueReader) throws -> CommandOutcome? {
        switch request.operation {
        case .submitForReview(let item):
            guard let record = try ReviewRules.record(item.place, in: reader), record.submittedBy == request.requestID else { return nil }
            guard record.submissionDigest == request.idempotencyDigest else {
                return .rejected([RuleViolation(.requestIDReused, .requestID,
                    "request id \(request.requestID) already queued a different review item for \(item.place)")])
            }
            return .review(ReviewReceipt(requestID: request.requestID, place: item.place, status: record.status, isNew: false))
        case .settleReview(let decision):
            guard case .discard = decision.resolution, let record = try ReviewRules.record(decision.place, in: reader),
                  case .discarded(_, _, let decidedBy) = record.status, decidedBy == request.requestID else { return nil }
            return .review(ReviewReceipt(requestID: request.requestID, place: decision.place, status: record.status, isNew: false))
        default:
            return nil
        }
    }

    private func apply(_ request: RegistryRequest, context: ApplyContext, formatChecked: inout Bool,
                       into tx: inout Transaction) throws -> CommandOutcome {
        if let refusal = try refusal(request, against: tx) { return refusal }
        let requestDigest = request.idempotencyDigest
        let requestKey = StateKeys.request(request.requestID)
        if !formatChecked {
            try ensureFormatVersion(&tx)
            formatChecked = true
        }
        let provenance = Provenance(logIndex: context.logIndex, logTerm: context.logTerm)
        let entry: AcceptedEntry
        switch request.operation {
        case .registerBirth(let birth):
            let register = RegisterID(office: birth.office, year: request.recordedAt.date.year, kind: .birth)
            entry = try storeAct(.birth(birth), register: register, number: nil, origin: .live, request: request, provenance: provenance, into: &tx)
        case .registerDeath(let death):
            let register = RegisterID(office: death.office, year: request.recordedAt.date.year, kind: .death)
            entry = try storeAct(.death(death), register: register, number: nil, origin: .live, request: request, provenance: provenance, into: &tx)
        case .importHistoricalAct(let item):
            entry = try storeAct(item.content, register: item.register, number: item.number,
                                 origin: .imported(drawnUpOn: item.drawnUpOn, sourceReference: item.sourceReference),
                                 request: request, provenance: provenance, into: &tx)
        case .appendMention(let target, let body):
            entry = try storeMention(body, target: target, request: request, provenance: provenance, into: &tx)
        case .submitForReview(let item):
            let record = ReviewRecord(item: item, submittedBy: request.requestID, submissionDigest: requestDigest, status: .open)
            tx.put(StateKeys.review(item.place), record.canonicalBytes)
            tx.put(StateKeys.openReview(item.place), [])
            return .review(ReviewReceipt(requestID: request.requestID, place: item.place, status: .open, isNew: true))
        case .settleReview(let decision):
            guard var record = try ReviewRules.record(decision.place, in: tx), record.status == .open else {
                throw RegistryStateError.inconsistentState("review \(decision.place) is not open, validation let a decision through")
            }
            tx.delete(StateKeys.openReview(decision.place))
            switch decision.resolution {
            case .discard(let reason):
                record.status = .discarded(reviewer: decision.reviewer, reason: reason, decidedBy: request.requestID)
                tx.put(StateKeys.review(decision.place), record.canonicalBytes)
                return .review(ReviewReceipt(requestID: request.requestID, place: decision.place, status: record.status, isNew: true))
            case .importAct(let item):
                record.status = .imported(reviewer: decision.reviewer, decidedBy: request.requestID)
                tx.put(StateKeys.review(decision.place), record.canonicalBytes)
                entry = try storeAct(item.content, register: item.register, number: item.number,
                                     origin: .imported(drawnUpOn: item.drawnUpOn, sourceReference: item.sourceReference),
                                     request: request, provenance: provenance, into: &tx)
            }
        }
        tx.put(requestKey, RequestRecord(requestDigest: requestDigest, entry: entry).canonicalBytes)
        return .accepted(entry)
    }

    private func ensureFormatVersion(_ tx: inout Transaction) throws {
        if let stored = try tx.get(StateKeys.formatVersion) {
            guard stored == [Self.stateFormatVersion] else {
                throw RegistryStateError.inconsistentState("state format \(stored), this code writes \(Self.stateFormatVersion)")
            }
        } else {
            tx.put(StateKeys.formatVersion, [Self.stateFormatVersion])
        }
    }

    /// Stores an act: the next number of a live register (`number == nil`) or the given
    /// historical number, then its chain entry, its civil id and the register state.
    private func storeAct(_ content: ActContent, register: RegisterID, number requested: UInt64?, origin: ActOrigin,
                          request: RegistryRequest, provenance: Provenance, into tx: inout Transaction) throws -> AcceptedEntry {
        let mode: RegisterState.Mode = requested == nil ? .live : .historical
        var state = try RegistryQueries.registerState(register, in: tx) ?? RegisterState(register: register, mode: mode)
        guard state.mode == mode else {
            throw RegistryStateError.inconsistentState("register \(register) is \(state.mode.name), validation let a \(mode.name) act through")
        }
        let number = requested ?? state.highestNumber + 1
        precondition(number >= 1 && number <= RegistryLimits.actNumberMax, "act number out of range after validation")
        let id = ActID(register: register, number: number)
        let actKey = StateKeys.act(id)
        guard try tx.get(actKey) == nil else {
            throw RegistryStateError.inconsistentState("act \(id) already stored")
        }
        let civilID = register.kind == .birth ? CivilDigitalID(birthAct: id) : nil
        let act = Act(id: id, civilDigitalID: civilID, content: content, recordedAt: request.recordedAt,
                      officer: request.officer, requestID: request.requestID, origin: origin, provenance: provenance)
        let stored = act.canonicalBytes
        tx.put(actKey, stored)
        if let civilID {
            let key = StateKeys.civilID(civilID)
            guard try tx.get(key) == nil else {
                throw RegistryStateError.inconsistentState("civil digital id \(civilID) already assigned")
            }
            tx.put(key, id.canonicalBytes)
        }
        let chainEntry = RegisterChain.append(to: &state, kind: .act, actNumber: number, mentionSequence: 0,
                                              storedValue: stored, into: &tx)
        state.actCount += 1
        state.highestNumber = max(state.highestNumber, number)
        precondition(state.mode == .historical || state.highestNumber == state.actCount, "live numbering must stay dense")
        tx.put(StateKeys.register(register), state.canonicalBytes)
        return AcceptedEntry(requestID: request.requestID, actID: id, civilDigitalID: civilID, mentionSequence: nil,
                             chainPosition: chainEntry.position, chainHead: chainEntry.head)
    }

    private func storeMention(_ body: MentionBody, target: ActID, request: RegistryRequest, provenance: Provenance,
                              into tx: inout Transaction) throws -> AcceptedEntry {
        let existing = try RegistryQueries.mentions(of: target, in: tx)
        let sequence = UInt32(existing.count + 1)
        guard existing.last.map({ $0.sequence == sequence - 1 }) ?? true else {
            throw RegistryStateError.inconsistentState("mentions of \(target) are not consecutive")
        }
        guard var state = try RegistryQueries.registerState(target.register, in: tx) else {
            throw RegistryStateError.inconsistentState("act \(target) exists without its register state")
        }
        let mention = MarginalMention(target: target, sequence: sequence, body: body, recordedAt: request.recordedAt,
                                      officer: request.officer, requestID: request.requestID, provenance: provenance)
        let stored = mention.canonicalBytes
        tx.put(StateKeys.mention(target, sequence: sequence), stored)
        let chainEntry = RegisterChain.append(to: &state, kind: .mention, actNumber: target.number,
                                              mentionSequence: sequence, storedValue: stored, into: &tx)
        tx.put(StateKeys.register(target.register), state.canonicalBytes)
        return AcceptedEntry(requestID: request.requestID, actID: target, civilDigitalID: nil, mentionSequence: sequence,
                             chainPosition: chainEntry.position, chainHead: chainEntry.head)
    }
}
