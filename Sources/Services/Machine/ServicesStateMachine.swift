import Registry

/// The services on the register as a deterministic state machine, applied from the shard
/// group's log beside the register itself: the audit log, preliminary declarations, e-window
/// copy requests and their payments, and the counters derived from registrations (vital
/// statistics, office activity, the death feed).
///
/// Like the register, it reads no clock and no random source: time comes from the command
/// (`ServiceCommand.at`), and every write goes into the caller's ``Transaction``. A command
/// that breaks a rule writes nothing and returns `.rejected`.
public struct ServicesStateMachine: Sendable {
    /// The register, which declarations are drawn up into (in the same transaction).
    public let registry: RegistryStateMachine

    /// Creates the machine over a register.
    public init(registry: RegistryStateMachine = RegistryStateMachine()) {
        self.registry = registry
    }

    /// Applies a committed service command. Throws only when the state cannot be read.
    ///
    /// A register write goes straight into `tx`: the register writes nothing for a request it
    /// does not accept, and the counters and the audit record follow only what it accepted.
    /// Every other operation may write before it refuses, so it runs in a scratch transaction
    /// whose writes are kept only when the outcome changed something.
    public func apply(_ command: ServiceCommand, context: ApplyContext, into tx: inout Transaction) throws -> ServiceOutcome {
        if case .registryWrite = command.operation { return try applyAudited(command, context: context, into: &tx) }
        var scratch = Transaction(base: tx)
        let outcome = try applyAudited(command, context: context, into: &scratch)
        guard !outcome.writesNothing else { return outcome }
        for operation in scratch.writes.operations {
            switch operation {
            case .put(let key, let value): tx.put(key, value)
            case .delete(let key): tx.delete(key)
            }
        }
        return outcome
    }

    /// The operation, then its audit record when it changed something.
    private func applyAudited(_ command: ServiceCommand, context: ApplyContext, into tx: inout Transaction) throws -> ServiceOutcome {
        let outcome = try applyOperation(command, context: context, into: &tx)
        if !outcome.writesNothing, let audit = command.audit, !isAuditOnly(command.operation) {
            _ = try AuditChain.append([audit], into: &tx)
        }
        return outcome
    }

    private func isAuditOnly(_ operation: ServiceOperation) -> Bool {
        if case .recordAudit = operation { return true }
        return false
    }

    private func applyOperation(_ command: ServiceCommand, context: ApplyContext, into tx: inout Transaction) throws -> ServiceOutcome {
        switch command.operation {
        case .recordAudit(let records):
            guard !records.isEmpty, records.count <= ServiceLimits.auditRecordsPerCommandMax else {
                return .rejected([ServiceViolation("audit.batch_size", "records", "1 to \(ServiceLimits.auditRecordsPerCommandMax) records")])
            }
            return .audited(firstPosition: try AuditChain.append(records, into: &tx))
        case .registryWrite(let registryCommand):
            let outcome = try registry.apply(registryCommand, context: context, into: &tx)
            if !ServiceOutcome.registryWritesNothing(outcome) {
                try afterRegistry(registryCommand, outcome: outcome, into: &tx)
            }
            return .registry(outcome)
        case .fileDeclaration(let declaration):
            return try DeclarationSteps(registry: registry).file(declaration, at: command.at, into: &tx)
        case .registerDeclaration(let reference, let officer, let judgment):
            return try DeclarationSteps(registry: registry).register(reference, officer: officer, judgment: judgment,
                                                                     at: command.at, context: context, machine: self, into: &tx)
        case .rejectDeclaration(let reference, let reason):
            return try DeclarationSteps(registry: registry).reject(reference, reason: reason, by: command.audit?.actor ?? "",
                                                                   at: command.at, into: &tx)
        case .submitCopyRequest(let request):
            return try CopyRequestSteps.submit(request, at: command.at, into: &tx)
        case .openPayment(let reference):
            return try CopyRequestSteps.openPayment(reference, into: &tx)
        case .recordPayment(let reference, let attempt, let result):
            return try CopyRequestSteps.recordPayment(reference, attempt: attempt, result: result, at: command.at, into: &tx)
        case .recordIssue(let reference, let code, let copy, let issuedBy):
            return try CopyRequestSteps.recordIssue(reference, code: code, copy: copy, issuedBy: issuedBy, at: command.at, into: &tx)
        case .recordDispatch(let reference, let tracking):
            return try CopyRequestSteps.recordDispatch(reference, tracking: tracking, at: command.at, into: &tx)
        case .recordDelivery(let reference):
            return try CopyRequestSteps.recordDelivery(reference, at: command.at, into: &tx)
        }
    }

    /// Counts what the register accepted: vital statistics by month of the event, office
    /// activity, and a death notice per death act. Called with the register's outcome of a
    /// command that wrote something, in the same transaction, on every replica.
    public func afterRegistry(_ command: RegistryCommand, outcome: CommandOutcome, into tx: inout Transaction) throws {
        let outcomes: [CommandOutcome]
        if case .batch(let list) = outcome { outcomes = list } else { outcomes = [outcome] }
        for (request, result) in zip(command.requests, outcomes) {
            guard case .accepted(let entry) = result else { continue }
            switch request.operation {
            case .registerBirth(let birth):
                try count(birth.office, event: birth.birthDate.gregorian, kind: .birth, into: &tx)
                try touch(birth.office, at: request.recordedAt, into: &tx) { $0.actsRegistered += 1 }
            case .registerDeath(let death):
                try count(death.office, event: death.deathDate.gregorian, kind: .death, into: &tx)
                try touch(death.office, at: request.recordedAt, into: &tx) { $0.actsRegistered += 1 }
                try appendDeathNotice(entry.actID, death: death, recordedAt: request.recordedAt, into: &tx)
            case .importHistoricalAct(let item):
                try countImport(item, entry: entry, recordedAt: request.recordedAt, into: &tx)
            case .settleReview(let decision):
                // A reviewed record imported is counted like any imported act; a discarded one
                // is not accepted and never reaches here.
                if case .importAct(let item) = decision.resolution {
                    try countImport(item, entry: entry, recordedAt: request.recordedAt, into: &tx)
                }
            case .submitForReview:
                // Queued for review, not an act: nothing to count (and never `.accepted`).
                break
            case .appendMention(let target, _):
                try touch(target.register.office, at: request.recordedAt, into: &tx) { $0.mentionsAdded += 1 }
            }
        }
    }

    private func countImport(_ item: HistoricalActImport, entry: AcceptedEntry, recordedAt: Timestamp, into tx: inout Transaction) throws {
        try count(item.content.office, event: item.content.eventDate.gregorian, kind: item.content.kind, into: &tx)
        try touch(item.content.office, at: recordedAt, into: &tx) { $0.actsRegistered += 1 }
        if case .death(let death) = item.content {
            try appendDeathNotice(entry.actID, death: death, recordedAt: recordedAt, into: &tx)
        }
    }

    private func count(_ office: OfficeCode, event: GregorianDate, kind: ActKind, into tx: inout Transaction) throws {
        let key = ServiceKeys.vitalCount(office, year: event.year, month: event.month, kind: kind)
        let value = try ServiceStore.counter(key, in: tx) + 1
        tx.put(key, ServiceKeys.be(value))
    }

    private func appendDeathNotice(_ act: ActID, death: DeathDeclaration, recordedAt: Timestamp, into tx: inout Transaction) throws {
        let position = try ServiceStore.counter(ServiceKeys.deathFeedState, in: tx) + 1
        let notice = DeathNotice(position: position, deathAct: act, civilDigitalID: death.civilDigitalID,
                                 deathDate: death.deathDate.gregorian, recordedAt: recordedAt)
        tx.put(ServiceKeys.deathNotice(position), notice.canonicalBytes)
        tx.put(ServiceKeys.deathFeedState, ServiceKeys.be(position))
    }

    /// Updates an office's activity counters.
    func touch(_ office: OfficeCode, at: Timestamp, into tx: inout Transaction, _ change: (inout OfficeActivity) -> Void) throws {
        var activity = try ServiceStore.activity(office, in: tx)
        change(&activity)
        if activity.lastActivity.map({ $0 < at }) ?? true { activity.lastActivity = at }
        tx.put(ServiceKeys.officeActivity(office), activity.canonicalBytes)
    }
}

/// Minutes since 1970-01-01 of a timestamp: the unit of every delay the services measure.
enum ServiceClock {
    static func minutes(_ t: Timestamp) -> Int { t.date.daysSinceEpoch * 1_440 + t.time.hour * 60 + t.time.minute }
}
