import Foundation
import Hummingbird
import Logging
import Registry
import Services

/// Preliminary declarations as the API and the console both run them: filed by a citizen or a
/// health facility, reviewed by an officer of the office, drawn up as acts. When a death act is
/// drawn up for someone whose civil digital identifier is known, the desk then appends the
/// death mention to their birth act (in its own shard group, with a request id derived from
/// the death act's, so a retry never writes it twice).
public struct DeclarationDesk: Sendable {
    let services: ServicesGateway
    let audit: AuditTrail
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: NodeMetrics?

    /// Creates a desk.
    public init(services: ServicesGateway, audit: AuditTrail, now: @escaping @Sendable () -> Date, logger: Logger = Logger(label: "sijil.declarations"),
                metrics: NodeMetrics? = nil) {
        self.services = services
        self.audit = audit
        self.now = now
        self.logger = logger
        self.metrics = metrics
    }

    func stamp() -> Timestamp { Timestamp.minute(of: now()) }

    /// Files a declaration: a citizen's (no token) or a health facility's (a partner token
    /// granting `healthFacilityDeclaration`).
    public func file(_ body: DeclarationBody, id: Registry.RequestID, caller: AccessClaims?, request: Request) async throws(APIError) -> PreliminaryDeclaration {
        let event: DeclaredEvent
        switch (body.birth, body.death) {
        case (let birth?, nil): event = .birth(birth)
        case (nil, let death?): event = .death(death)
        default: throw APIError.badRequest("invalid_declaration", "give exactly one of birth or death", field: "birth")
        }
        let source: DeclarationSource
        if let caller {
            try AccessControl.allow(caller, .partnerQuery(purpose: .healthFacilityDeclaration))
            source = .healthFacility(name: caller.subject)
        } else {
            source = .citizen(name: body.declarantName)
        }
        let reference = ServiceReference(office: event.office, id: id)
        let declaration = PreliminaryDeclaration(reference: reference, source: source, event: event, filedAt: stamp())
        let record = audit.record(caller, request: request, action: "file_declaration_\(event.kind.name)", subject: reference.description,
                                  purpose: caller == nil ? "citizen declaration" : PartnerPurpose.healthFacilityDeclaration.name)
        let outcome = try await services.submitAccepted(ServiceCommand(at: record.at, audit: record, operation: .fileDeclaration(declaration)),
                                                        office: reference.office, field: "office")
        return try Self.declaration(outcome)
    }

    /// A declaration as it stands.
    public func status(_ reference: ServiceReference) async throws(APIError) -> PreliminaryDeclaration {
        guard case .declaration(let found) = try await services.query(.declaration(reference), office: reference.office), let found else {
            throw APIError(.notFound, "declaration.not_found", "no declaration \(reference)", field: "reference")
        }
        return found
    }

    /// An office's declarations with a status.
    public func queue(office: OfficeCode, status: DeclarationStatus, caller: AccessClaims, request: Request) async throws(APIError) -> [PreliminaryDeclaration] {
        try AccessControl.allow(caller, .reviewDeclarations(office: office))
        guard case .declarations(let list) = try await services.query(
            .declarationQueue(office: office, status: status, after: nil, limit: ServiceLimits.pageItemsMax), office: office) else {
            throw APIError(.internalServerError, "unexpected_answer", "the declaration queue answered something else")
        }
        try await audit.read(caller, request: request, action: "read_declaration_queue", subject: "\(office)/\(status.name)", office: office,
                             purpose: "declaration review")
        return list
    }

    /// Draws up the act of a pending declaration, signed by the reviewing officer.
    public func register(_ reference: ServiceReference, judgment: JudgmentReference?, caller: AccessClaims, request: Request) async throws(APIError) -> PreliminaryDeclaration {
        try AccessControl.allow(caller, .reviewDeclarations(office: reference.office))
        try AccessControl.allow(caller, .writeAct(office: reference.office))
        let record = audit.record(caller, request: request, action: "register_declaration", subject: reference.description, purpose: "registration")
        let outcome = try await services.submitAccepted(
            ServiceCommand(at: record.at, audit: record, operation: .registerDeclaration(reference, officer: caller.officer, judgment: judgment)),
            office: reference.office, field: "reference")
        let declaration = try Self.declaration(outcome)
        if case .death(let death) = declaration.event, let act = declaration.registeredAct {
            await appendDeathMention(death, deathAct: act, caller: caller, request: request)
        }
        return declaration
    }

    /// Refuses a pending declaration.
    public func reject(_ reference: ServiceReference, reason: String, caller: AccessClaims, request: Request) async throws(APIError) -> PreliminaryDeclaration {
        try AccessControl.allow(caller, .reviewDeclarations(office: reference.office))
        let record = audit.record(caller, request: request, action: "reject_declaration", subject: reference.description, purpose: "registration")
        return try Self.declaration(try await services.submitAccepted(
            ServiceCommand(at: record.at, audit: record, operation: .rejectDeclaration(reference, reason: reason)),
            office: reference.office, field: "reference"))
    }

    /// The death mention on the deceased's birth act, when the death act names it or the
    /// deceased's civil id (`DeathMentions`). A failure is logged and counted; the death act stands.
    func appendDeathMention(_ death: DeathDeclaration, deathAct: ActID, caller: AccessClaims, request: Request) async {
        guard let birthAct = DeathMentions.birthAct(of: death) else { return }
        let record = audit.record(caller, request: request, action: "append_mention", subject: birthAct.path, purpose: "death mention")
        _ = await DeathMentions.write(death, deathAct: deathAct, officer: caller.officer, recordedAt: stamp(), audit: record,
                                      gateway: services.registry, metrics: metrics, logger: logger)
    }

    static func declaration(_ outcome: ServiceOutcome) throws(APIError) -> PreliminaryDeclaration {
        guard case .declaration(let declaration, _) = outcome else {
            throw APIError(.internalServerError, "unexpected_outcome", "expected a declaration, got \(outcome)")
        }
        return declaration
    }
}
