import Foundation
import Hummingbird
import Registry
import Services

/// The e-window's steps as the API and the console both run them: submit, pay, issue,
/// dispatch, deliver, follow, verify by code. Every decision is the shard machine's; the desk
/// stamps the time, calls the payment provider and signs copies (the region's key is a node
/// secret, so signing happens here and the signed copy goes into the log).
public struct EWindowDesk: Sendable {
    let services: ServicesGateway
    let keyring: NodeKeyring
    let payments: any PaymentProvider
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// Creates a desk.
    public init(services: ServicesGateway, keyring: NodeKeyring, payments: any PaymentProvider, audit: AuditTrail,
                now: @escaping @Sendable () -> Date) {
        self.services = services
        self.keyring = keyring
        self.payments = payments
        self.audit = audit
        self.now = now
    }

    var registry: RegistryGateway { services.registry }

    func stamp() -> Timestamp { Timestamp.minute(of: now()) }

    /// Submits a citizen's request; `id` is the client's idempotency key (a retry with the same
    /// key and body answers the same request).
    public func submit(_ body: CopyRequestBody, id: Registry.RequestID, request: Request) async throws(APIError) -> CopyRequest {
        let act: ActID
        if let path = body.act, !path.isEmpty {
            guard let parsed = ActID(path: path) else {
                throw APIError.badRequest("invalid_act_id", "act is office/year/kind/number, e.g. 0401003/2026/birth/1", field: "act")
            }
            act = parsed
        } else if let text = body.civilDigitalID, let civilID = CivilDigitalID(text) {
            act = civilID.birthAct
        } else {
            throw APIError.badRequest("invalid_act_id", "give the act (office/year/kind/number) or a valid civil digital id", field: "act")
        }
        var requesterID: CivilDigitalID?
        if let text = body.requesterCivilID, !text.isEmpty {
            guard let parsed = CivilDigitalID(text) else {
                throw APIError.badRequest("invalid_civil_id", "requesterCivilID is not a valid civil digital id", field: "requesterCivilID")
            }
            requesterID = parsed
        }
        let reference = ServiceReference(office: act.register.office, id: id)
        let evidence = body.evidence.flatMap { $0.isEmpty ? nil : $0 }
        let copyRequest = CopyRequest(
            reference: reference, act: act, form: body.form, language: body.language, copies: body.copies,
            requester: CopyRequester(relation: body.relation, civilDigitalID: requesterID, evidenceReference: evidence),
            requesterName: body.requesterName, delivery: body.delivery, submittedAt: stamp())
        let record = audit.record(nil, request: request, action: "submit_copy_request", subject: reference.description, purpose: "e-window")
        let outcome = try await services.submitAccepted(ServiceCommand(at: record.at, audit: record, operation: .submitCopyRequest(copyRequest)),
                                                        office: reference.office, field: "act")
        return try Self.copyRequest(outcome)
    }

    /// The request as it stands (the reference is the citizen's key to it).
    public func status(_ reference: ServiceReference) async throws(APIError) -> CopyRequest {
        guard case .copyRequest(let found) = try await services.query(.copyRequest(reference), office: reference.office), let found else {
            throw APIError(.notFound, "copy_request.not_found", "no copy request \(reference)", field: "reference")
        }
        return found
    }

    /// Pays a request: opens (or reuses) the payment attempt, charges the card under the
    /// attempt's key, records the provider's answer. A declined card leaves the request
    /// awaiting payment; a timeout leaves the attempt open, and paying again retries the same
    /// attempt under the same key, so the provider never charges twice.
    public func pay(_ reference: ServiceReference, cardNumber: String, request: Request) async throws(APIError) -> (CopyRequest, PaymentResult) {
        let record = audit.record(nil, request: request, action: "pay_copy_request", subject: reference.description, purpose: "e-window")
        let opened = try Self.copyRequest(try await services.submitAccepted(
            ServiceCommand(at: record.at, audit: record, operation: .openPayment(reference)), office: reference.office, field: "reference"))
        let attempt = opened.payment.attempts
        let result = await payments.charge(PaymentCharge(key: opened.paymentKey, amountCentimes: opened.feeCentimes, cardNumber: cardNumber,
                                                         description: "Sijil copy \(reference)"))
        let recorded = try Self.copyRequest(try await services.submitAccepted(
            ServiceCommand(at: stamp(), audit: record, operation: .recordPayment(reference, attempt: attempt, result: result)),
            office: reference.office, field: "reference"))
        return (recorded, result)
    }

    /// An office's requests with a status (officers of the office).
    public func queue(office: OfficeCode, status: CopyRequestStatus, caller: AccessClaims, request: Request) async throws(APIError) -> [CopyRequest] {
        try AccessControl.allow(caller, .workCopyRequests(office: office))
        guard case .copyRequests(let list) = try await services.query(
            .copyQueue(office: office, status: status, after: nil, limit: ServiceLimits.pageItemsMax), office: office) else {
            throw APIError(.internalServerError, "unexpected_answer", "the copy queue answered something else")
        }
        try await audit.read(caller, request: request, action: "read_copy_queue", subject: "\(office)/\(status.name)", office: office,
                             purpose: "e-window queue")
        return list
    }

    /// Issues the copy of a paid request: reads the act, signs the copy with the region's key,
    /// and records it with its verification code. A second call answers the copy issued.
    public func issue(_ reference: ServiceReference, caller: AccessClaims, request: Request) async throws(APIError) -> (CopyRequest, CivilStatusCopy) {
        try AccessControl.allow(caller, .workCopyRequests(office: reference.office))
        let current = try await status(reference)
        if current.status >= .issued, let code = current.verificationCode, let copy = try await issuedCopy(code: code, group: try registry.group(for: reference.office, field: "reference"))?.1 {
            return (current, copy)
        }
        guard current.status == .paid else {
            throw APIError(.unprocessableContent, "copy_request.not_paid", "a copy is issued only once the request is paid (it is \(current.status.name))", field: "reference")
        }
        guard let region = registry.topology.region(forOffice: reference.office.rawValue), let issuer = keyring.issuer(region: region.key) else {
            throw APIError(.serviceUnavailable, "signing_key_unavailable", "this node does not hold the copy-signing key of the office's region")
        }
        let (record, _) = try await registry.record(current.act, consistency: .linearizable)
        let copy: CivilStatusCopy
        do {
            copy = try issuer.issue(record, form: current.form, language: current.language, issuedAt: stamp(), requester: current.requester)
        } catch {
            throw APIError(.forbidden, error.code, "\(error)", field: "relation")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(copy) else { throw APIError(.internalServerError, "encoding_failed", "the copy did not encode") }
        let audited = audit.record(caller, request: request, action: "issue_copy_\(current.form.name)", subject: "\(reference) \(current.act.path)",
                                   purpose: "e-window")
        let outcome = try await services.submitAccepted(
            ServiceCommand(at: audited.at, audit: audited, operation: .recordIssue(reference, verificationCode: copy.verificationCode,
                                                                                  copy: Array(json), issuedBy: caller.subject)),
            office: reference.office, field: "reference")
        return (try Self.copyRequest(outcome), copy)
    }

    /// Records the dispatch by registered mail.
    public func dispatch(_ reference: ServiceReference, tracking: String, caller: AccessClaims, request: Request) async throws(APIError) -> CopyRequest {
        try AccessControl.allow(caller, .workCopyRequests(office: reference.office))
        let record = audit.record(caller, request: request, action: "dispatch_copy", subject: reference.description, purpose: "e-window")
        return try Self.copyRequest(try await services.submitAccepted(
            ServiceCommand(at: record.at, audit: record, operation: .recordDispatch(reference, trackingNumber: tracking)),
            office: reference.office, field: "reference"))
    }

    /// Records the delivery.
    public func deliver(_ reference: ServiceReference, caller: AccessClaims, request: Request) async throws(APIError) -> CopyRequest {
        try AccessControl.allow(caller, .workCopyRequests(office: reference.office))
        let record = audit.record(caller, request: request, action: "deliver_copy", subject: reference.description, purpose: "e-window")
        return try Self.copyRequest(try await services.submitAccepted(
            ServiceCommand(at: record.at, audit: record, operation: .recordDelivery(reference)), office: reference.office, field: "reference"))
    }

    /// Finds an issued copy by its verification code (in any group this node can read) and
    /// verifies its signature with the key, current or former, whose fingerprint it carries.
    public func verify(code: String) async throws(APIError) -> CodeVerificationResponse {
        let normalised = code.uppercased().filter { $0.isLetter || $0.isNumber }
        guard normalised.count == 10 else {
            throw APIError.badRequest("invalid_code", "a verification code is 10 letters and digits", field: "code")
        }
        for group in services.groups {
            guard let (_, copy) = try? await issuedCopy(code: normalised, group: group) else { continue }
            let verdict = keyring.verify(copy)
            return CodeVerificationResponse(code: normalised, valid: verdict.valid, reason: verdict.reason, copy: copy)
        }
        return CodeVerificationResponse(code: normalised, valid: false, reason: "no copy was issued with this code", copy: nil)
    }

    func issuedCopy(code: String, group: UInt64) async throws(APIError) -> (IssuedCopy, CivilStatusCopy)? {
        guard case .issuedCopy(let issued) = try await services.query(.issuedCopy(code: code), group: group), let issued else { return nil }
        guard let copy = try? JSONDecoder().decode(CivilStatusCopy.self, from: Data(issued.copy)) else {
            throw APIError(.internalServerError, "malformed_copy", "the stored copy \(code) does not decode")
        }
        return (issued, copy)
    }

    static func copyRequest(_ outcome: ServiceOutcome) throws(APIError) -> CopyRequest {
        guard case .copyRequest(let request, _) = outcome else {
            throw APIError(.internalServerError, "unexpected_outcome", "expected a copy request, got \(outcome)")
        }
        return request
    }
}
