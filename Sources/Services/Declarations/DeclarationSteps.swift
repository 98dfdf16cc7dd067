import Registry

/// The steps of a preliminary declaration: filed (on time, or late with a judgment), then
/// reviewed by an officer of its office, who draws up the act or refuses it.
struct DeclarationSteps {
    let registry: RegistryStateMachine

    /// The officer named on a filing's content check: the act is not drawn up yet, only its
    /// content validated; the reviewing officer signs the act later.
    static let filingCheckOfficer = OfficerRef(identifier: "pre-declaration", nameArabic: "تصريح أولي", nameLatin: "pré-déclaration")

    func file(_ submitted: PreliminaryDeclaration, at: Timestamp, into tx: inout Transaction) throws -> ServiceOutcome {
        var declaration = PreliminaryDeclaration(reference: submitted.reference, source: submitted.source, event: submitted.event, filedAt: at)
        if let existing = try ServiceStore.declaration(declaration.reference, in: tx) {
            guard existing.source == declaration.source, existing.event == declaration.event else {
                return .rejected([ServiceViolation("service.id_reused", "reference", "reference \(declaration.reference) was already used for another declaration")])
            }
            return .declaration(existing, changed: false)
        }
        var violations: [ServiceViolation] = []
        if declaration.reference.office != declaration.event.office {
            violations.append(ServiceViolation("declaration.office_mismatch", "reference", "the reference's office must be the office that draws up the act"))
        }
        switch declaration.source {
        case .citizen(let name), .healthFacility(let name):
            if name.allSatisfy(\.isWhitespace) || name.utf8.count > ServiceLimits.textBytesMax {
                violations.append(ServiceViolation("declaration.source_name", "source", "the declarant's name is 1 to \(ServiceLimits.textBytesMax) bytes"))
            }
        }
        violations += DeclarationDeadline.violations(declaration.event, declaredOn: at.date)
        // The register's own rules on the content, measured to the filing: the officer then
        // reviews a declaration that can be drawn up as it stands.
        let request = RegistryRequest(requestID: declaration.reference.id, recordedAt: at, officer: Self.filingCheckOfficer,
                                      operation: declaration.event.operation)
        for violation in try registry.validate(.single(request), against: tx) where violation.rule != .lateDeclarationWithoutJudgment && violation.rule != .eventInFuture {
            violations.append(ServiceViolation(violation))
        }
        guard violations.isEmpty else { return .rejected(violations) }
        declaration.status = .pending
        tx.put(ServiceKeys.declaration(declaration.reference), declaration.canonicalBytes)
        tx.put(ServiceKeys.declarationQueue(declaration.reference.office, .pending, declaration.reference.id), [])
        try ServicesStateMachine(registry: registry).touch(declaration.reference.office, at: at, into: &tx) { $0.declarationsFiled += 1 }
        return .declaration(declaration, changed: true)
    }

    func register(_ reference: ServiceReference, officer: OfficerRef, judgment: JudgmentReference?, at: Timestamp,
                  context: ApplyContext, machine: ServicesStateMachine, into tx: inout Transaction) throws -> ServiceOutcome {
        guard var declaration = try ServiceStore.declaration(reference, in: tx) else {
            return .rejected([ServiceViolation("declaration.not_found", "reference", "no declaration \(reference)")])
        }
        switch declaration.status {
        case .registered: return .declaration(declaration, changed: false)
        case .rejected: return .rejected([ServiceViolation("declaration.already_rejected", "reference", "the declaration was rejected")])
        case .pending: break
        }
        if DeclarationDeadline.isLate(declaration.event, declaredOn: declaration.filedAt.date), declaration.event.judgment == nil, judgment == nil {
            return .rejected([ServiceViolation("declaration.late_without_judgment", "declaratoryJudgment", "a late declaration needs the reference of a declaratory judgment")])
        }
        let event = declaration.event.completed(judgment: judgment, preDeclaration: reference.description)
        let command = RegistryCommand.single(RegistryRequest(requestID: reference.id, recordedAt: at, officer: officer, operation: event.operation))
        let outcome = try registry.apply(command, context: context, into: &tx)
        let act: ActID
        switch outcome {
        case .accepted(let entry):
            try machine.afterRegistry(command, outcome: outcome, into: &tx)
            act = entry.actID
        case .duplicate(let entry):
            act = entry.actID
        case .rejected(let violations):
            return .rejected(violations.map(ServiceViolation.init))
        case .batch, .review:
            preconditionFailure("a single registration answered with \(outcome)")
        }
        declaration.event = event
        declaration.status = .registered
        declaration.registeredAct = act
        declaration.reviewedBy = officer.identifier
        declaration.reviewedAt = at
        tx.put(ServiceKeys.declaration(reference), declaration.canonicalBytes)
        tx.delete(ServiceKeys.declarationQueue(reference.office, .pending, reference.id))
        tx.put(ServiceKeys.declarationQueue(reference.office, .registered, reference.id), [])
        return .declaration(declaration, changed: true)
    }

    func reject(_ reference: ServiceReference, reason: String, by actor: String, at: Timestamp, into tx: inout Transaction) throws -> ServiceOutcome {
        guard var declaration = try ServiceStore.declaration(reference, in: tx) else {
            return .rejected([ServiceViolation("declaration.not_found", "reference", "no declaration \(reference)")])
        }
        guard declaration.status == .pending else {
            if declaration.status == .rejected && declaration.rejectionReason == reason { return .declaration(declaration, changed: false) }
            return .rejected([ServiceViolation("declaration.not_pending", "reference", "the declaration is \(declaration.status.name)")])
        }
        guard !reason.allSatisfy(\.isWhitespace), reason.utf8.count <= ServiceLimits.textBytesMax else {
            return .rejected([ServiceViolation("declaration.reason_required", "reason", "say why the declaration is rejected (1 to \(ServiceLimits.textBytesMax) bytes)")])
        }
        declaration.status = .rejected
        declaration.rejectionReason = reason
        declaration.reviewedBy = actor
        declaration.reviewedAt = at
        tx.put(ServiceKeys.declaration(reference), declaration.canonicalBytes)
        tx.delete(ServiceKeys.declarationQueue(reference.office, .pending, reference.id))
        tx.put(ServiceKeys.declarationQueue(reference.office, .rejected, reference.id), [])
        return .declaration(declaration, changed: true)
    }
}

extension ServiceViolation {
    /// A register rule, in the services' shape.
    public init(_ violation: RuleViolation) {
        self.init(violation.rule.code, violation.field.rawValue, violation.reason)
    }
}
