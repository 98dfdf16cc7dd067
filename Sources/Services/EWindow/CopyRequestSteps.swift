import Registry

/// The steps of an e-window copy request, each a command applied from the log: submitted,
/// paid (through one open payment attempt at a time), issued, dispatched, delivered. A request
/// moves one step forward at a time; a repeated step is answered with the request as it stands
/// and writes nothing, so every step is safe to retry.
enum CopyRequestSteps {
    /// Length of a copy's verification code (see `VerificationCode` in the register).
    static let verificationCodeLength = 10
    /// The promise of the e-window: copies arrive within 3 to 5 days.
    static let promiseFastMinutes = 3 * 1_440
    static let promiseMinutes = 5 * 1_440

    static func notFound(_ reference: ServiceReference) -> ServiceOutcome {
        .rejected([ServiceViolation("copy_request.not_found", "reference", "no copy request \(reference)")])
    }

    static func submit(_ submitted: CopyRequest, at: Timestamp, into tx: inout Transaction) throws -> ServiceOutcome {
        let request = CopyRequest(reference: submitted.reference, act: submitted.act, form: submitted.form, language: submitted.language,
                                  copies: submitted.copies, requester: submitted.requester, requesterName: submitted.requesterName,
                                  delivery: submitted.delivery, submittedAt: at)
        if let existing = try ServiceStore.copyRequest(request.reference, in: tx) {
            guard existing.act == request.act, existing.form == request.form, existing.language == request.language,
                  existing.copies == request.copies, existing.requester == request.requester, existing.delivery == request.delivery else {
                return .rejected([ServiceViolation("service.id_reused", "reference", "reference \(request.reference) was already used for another request")])
            }
            return .copyRequest(existing, changed: false)
        }
        var violations: [ServiceViolation] = []
        if request.copies < 1 || request.copies > CopyFees.copiesMax {
            violations.append(ServiceViolation("copy_request.copies", "copies", "1 to \(CopyFees.copiesMax) copies"))
        }
        if request.requesterName.allSatisfy(\.isWhitespace) || request.requesterName.utf8.count > ServiceLimits.textBytesMax {
            violations.append(ServiceViolation("copy_request.requester_name", "requesterName", "the requester's name is required"))
        }
        if (request.requester.evidenceReference?.utf8.count ?? 0) > RegistryLimits.referenceBytesMax {
            violations.append(ServiceViolation("copy_request.evidence", "evidence", "the evidence reference is at most \(RegistryLimits.referenceBytesMax) bytes"))
        }
        violations += request.delivery.violations()
        if request.act.register.office != request.reference.office {
            violations.append(ServiceViolation("copy_request.office_mismatch", "reference", "the request is kept by the office of the act"))
        } else if let record = try RegistryQueries.record(request.act, in: tx) {
            // The office of the place of birth checks the requester's title before anything is
            // charged: a full copy is only for those the law entitles.
            if case .denied(let denial) = CopyEntitlement.evaluate(request.requester, form: request.form, record: record) {
                violations.append(ServiceViolation(denial.code, "relation", denial.description))
            }
        } else {
            violations.append(ServiceViolation("copy_request.act_not_found", "act", "no act \(request.act) in the register"))
        }
        guard violations.isEmpty else { return .rejected(violations) }
        store(request, previous: nil, into: &tx)
        return .copyRequest(request, changed: true)
    }

    static func openPayment(_ reference: ServiceReference, into tx: inout Transaction) throws -> ServiceOutcome {
        guard var request = try ServiceStore.copyRequest(reference, in: tx) else { return notFound(reference) }
        switch request.status {
        case .paymentPending:
            return .copyRequest(request, changed: false)
        case .awaitingPayment:
            let previous = request.status
            request.payment.attempts += 1
            request.payment.open = true
            request.status = .paymentPending
            store(request, previous: previous, into: &tx)
            return .copyRequest(request, changed: true)
        default:
            return .rejected([ServiceViolation("copy_request.already_paid", "reference", "the request is paid")])
        }
    }

    static func recordPayment(_ reference: ServiceReference, attempt: UInt32, result: PaymentResult, at: Timestamp,
                              into tx: inout Transaction) throws -> ServiceOutcome {
        guard var request = try ServiceStore.copyRequest(reference, in: tx) else { return notFound(reference) }
        if request.status >= .paid {
            if case .authorised(let providerReference) = result, attempt == request.payment.attempts,
               providerReference == request.payment.reference {
                return .copyRequest(request, changed: false)
            }
            return .rejected([ServiceViolation("copy_request.already_paid", "reference", "the request is paid")])
        }
        guard request.status == .paymentPending, request.payment.open, attempt == request.payment.attempts else {
            return .rejected([ServiceViolation("copy_request.no_open_attempt", "attempt",
                                               "attempt \(attempt) is not the open payment attempt (\(request.payment.open ? "\(request.payment.attempts)" : "none"))")])
        }
        let previous = request.status
        switch result {
        case .authorised(let providerReference):
            guard !providerReference.isEmpty, providerReference.utf8.count <= ServiceLimits.referenceBytesMax else {
                return .rejected([ServiceViolation("copy_request.payment_reference", "reference", "the provider's reference is 1 to \(ServiceLimits.referenceBytesMax) bytes")])
            }
            request.status = .paid
            request.paidAt = at
            request.payment.open = false
            request.payment.reference = providerReference
            store(request, previous: previous, into: &tx)
            try ServicesStateMachine().touch(reference.office, at: at, into: &tx) { $0.requestsPaid += 1 }
        case .declined(let reason):
            request.status = .awaitingPayment
            request.payment.open = false
            request.payment.declined += 1
            request.payment.lastDecline = String(reason.prefix(ServiceLimits.referenceBytesMax))
            store(request, previous: previous, into: &tx)
        case .timedOut:
            // The attempt stays open: only a retry under the same payment key may settle it.
            request.payment.timeouts += 1
            store(request, previous: previous, into: &tx)
        }
        return .copyRequest(request, changed: true)
    }

    static func recordIssue(_ reference: ServiceReference, code: String, copy: [UInt8], issuedBy: String, at: Timestamp,
                            into tx: inout Transaction) throws -> ServiceOutcome {
        guard var request = try ServiceStore.copyRequest(reference, in: tx) else { return notFound(reference) }
        if request.status >= .issued {
            if request.verificationCode == code { return .copyRequest(request, changed: false) }
            return .rejected([ServiceViolation("copy_request.already_issued", "reference", "the copy was issued with another code")])
        }
        guard request.status == .paid else {
            return .rejected([ServiceViolation("copy_request.not_paid", "reference", "a copy is issued only once the request is paid (it is \(request.status.name))")])
        }
        guard code.count == verificationCodeLength, code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            return .rejected([ServiceViolation("copy_request.verification_code", "verificationCode", "a verification code is \(verificationCodeLength) letters and digits")])
        }
        guard !copy.isEmpty, try tx.get(ServiceKeys.issuedCopy(code: code)) == nil else {
            return .rejected([ServiceViolation("copy_request.verification_code", "verificationCode", "the code is empty or already used")])
        }
        let previous = request.status
        request.status = .issued
        request.issuedAt = at
        request.verificationCode = code
        request.issuedBy = issuedBy
        store(request, previous: previous, into: &tx)
        tx.put(ServiceKeys.issuedCopy(code: code), IssuedCopy(reference: reference, verificationCode: code, copy: copy).canonicalBytes)
        try ServicesStateMachine().touch(reference.office, at: at, into: &tx) { $0.copiesIssued += 1 }
        return .copyRequest(request, changed: true)
    }

    static func recordDispatch(_ reference: ServiceReference, tracking: String, at: Timestamp, into tx: inout Transaction) throws -> ServiceOutcome {
        guard var request = try ServiceStore.copyRequest(reference, in: tx) else { return notFound(reference) }
        if request.status >= .dispatched {
            if request.trackingNumber == tracking { return .copyRequest(request, changed: false) }
            return .rejected([ServiceViolation("copy_request.already_dispatched", "trackingNumber", "the copy was dispatched under another number")])
        }
        guard request.status == .issued else {
            return .rejected([ServiceViolation("copy_request.not_issued", "reference", "only an issued copy is dispatched (it is \(request.status.name))")])
        }
        guard !tracking.allSatisfy(\.isWhitespace), tracking.utf8.count <= ServiceLimits.referenceBytesMax else {
            return .rejected([ServiceViolation("copy_request.tracking_number", "trackingNumber", "the registered-mail number is 1 to \(ServiceLimits.referenceBytesMax) bytes")])
        }
        let previous = request.status
        request.status = .dispatched
        request.dispatchedAt = at
        request.trackingNumber = tracking
        store(request, previous: previous, into: &tx)
        return .copyRequest(request, changed: true)
    }

    static func recordDelivery(_ reference: ServiceReference, at: Timestamp, into tx: inout Transaction) throws -> ServiceOutcome {
        guard var request = try ServiceStore.copyRequest(reference, in: tx) else { return notFound(reference) }
        if request.status == .delivered { return .copyRequest(request, changed: false) }
        guard request.status == .dispatched, let paidAt = request.paidAt else {
            return .rejected([ServiceViolation("copy_request.not_dispatched", "reference", "only a dispatched copy is delivered (it is \(request.status.name))")])
        }
        let previous = request.status
        request.status = .delivered
        request.deliveredAt = at
        store(request, previous: previous, into: &tx)
        let elapsed = ServiceClock.minutes(at) - ServiceClock.minutes(paidAt)
        try ServicesStateMachine().touch(reference.office, at: at, into: &tx) { activity in
            if elapsed <= promiseFastMinutes { activity.deliveredWithin3Days += 1 }
            else if elapsed <= promiseMinutes { activity.deliveredWithin5Days += 1 }
            else { activity.deliveredLate += 1 }
        }
        return .copyRequest(request, changed: true)
    }

    /// Stores the request and moves it in its office's queue.
    static func store(_ request: CopyRequest, previous: CopyRequestStatus?, into tx: inout Transaction) {
        let reference = request.reference
        tx.put(ServiceKeys.copyRequest(reference), request.canonicalBytes)
        if let previous, previous != request.status {
            tx.delete(ServiceKeys.copyQueue(reference.office, previous, reference.id))
        }
        tx.put(ServiceKeys.copyQueue(reference.office, request.status, reference.id), [])
    }
}
