import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Registry
import Services

/// The register's routes: register acts, read them, append mentions. Every call is authorised
/// by `AccessPolicy` for the act's office; reads are recorded in the audit log before they are
/// answered, writes in the same log entry as the write.
struct ActRoutes: Sendable {
    let gateway: RegistryGateway
    let access: AccessControl
    let audit: AuditTrail
    let now: @Sendable () -> Date
    /// Where a death mention not written is counted and logged.
    var metrics: NodeMetrics? = nil
    var logger: Logger? = nil

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/acts/births") { request, _ in try await registerBirth(request) }
        router.post("/v1/acts/deaths") { request, _ in try await registerDeath(request) }
        router.get("/v1/acts/by-civil-id/:civilID") { request, context in try await actByCivilID(request, context) }
        router.get("/v1/acts/:office/:year/:kind/:number") { request, context in try await act(request, context) }
        router.post("/v1/acts/:office/:year/:kind/:number/mentions") { request, context in try await appendMention(request, context) }
    }

    func registerBirth(_ request: Request) async throws -> Response {
        let requestID = try RequestParsing.requestID(request)
        let body = try await RequestParsing.decodeBody(RegisterBirthBody.self, from: request, limit: APILimits.actBodyBytesMax)
        let caller = try access.require(request, .signAct(office: body.declaration.office, officer: body.officer))
        return try await write(requestID, caller: caller, request: request, action: "register_birth", officer: body.officer,
                               recordedAt: body.recordedAt, office: body.declaration.office, field: "declaration.office") { .registerBirth(body.declaration) }
    }

    func registerDeath(_ request: Request) async throws -> Response {
        let requestID = try RequestParsing.requestID(request)
        let body = try await RequestParsing.decodeBody(RegisterDeathBody.self, from: request, limit: APILimits.actBodyBytesMax)
        let caller = try access.require(request, .signAct(office: body.declaration.office, officer: body.officer))
        var (written, headers) = try await written(requestID, caller: caller, request: request, action: "register_death", officer: body.officer,
                                                   recordedAt: body.recordedAt, office: body.declaration.office, field: "declaration.office") {
            .registerDeath(body.declaration)
        }
        // Also for a retry: the mention's own request id makes it once, whoever proposes it.
        if let birthAct = DeathMentions.birthAct(of: body.declaration) {
            var record = audit.record(caller, request: request, action: "append_mention", subject: birthAct.path, purpose: "death mention")
            record.at = written.recordedAt
            written.deathMention = await DeathMentions.write(body.declaration, deathAct: written.actID, officer: body.officer,
                                                             recordedAt: written.recordedAt, audit: record, gateway: gateway,
                                                             metrics: metrics, logger: logger)
        }
        return HTTPResponses.json(written, status: written.duplicate ? .ok : .created, headers: headers)
    }

    func appendMention(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let target = try RequestParsing.actID(context)
        let requestID = try RequestParsing.requestID(request)
        let body = try await RequestParsing.decodeBody(AppendMentionBody.self, from: request, limit: APILimits.actBodyBytesMax)
        let caller = try access.require(request, .signAct(office: target.register.office, officer: body.officer))
        return try await write(requestID, caller: caller, request: request, action: "append_mention", officer: body.officer,
                               recordedAt: body.recordedAt, office: target.register.office, field: "office") { .appendMention(target: target, body: body.mention) }
    }

    /// Builds the registry request (id from `Idempotency-Key`, time stamped here), proposes it on
    /// the office's shard group, and answers 201 (new) or 200 (a retry's original outcome).
    private func write(_ requestID: Registry.RequestID, caller: AccessClaims, request: Request, action: String, officer: OfficerRef,
                       recordedAt: Timestamp?, office: OfficeCode, field: String,
                       operation: () -> RegistryOperation) async throws -> Response {
        let (body, headers) = try await written(requestID, caller: caller, request: request, action: action, officer: officer,
                                                recordedAt: recordedAt, office: office, field: field, operation: operation)
        return HTTPResponses.json(body, status: body.duplicate ? .ok : .created, headers: headers)
    }

    /// `write`'s answer before it is sent.
    private func written(_ requestID: Registry.RequestID, caller: AccessClaims, request: Request, action: String, officer: OfficerRef,
                         recordedAt: Timestamp?, office: OfficeCode, field: String,
                         operation: () -> RegistryOperation) async throws -> (WriteResponse, HTTPFields) {
        let stamped = try RequestParsing.recordedAt(recordedAt, now: now())
        var headers: HTTPFields = [.idempotencyKey: requestID.description, .recordedAt: stamped.isoString, .servedBy: "\(gateway.nodeID)"]
        let registryRequest = RegistryRequest(requestID: requestID, recordedAt: stamped, officer: officer, operation: operation())
        let receipt: WriteReceipt
        do {
            var record = audit.record(caller, request: request, action: action, subject: "\(office)", purpose: "registration")
            record.at = stamped
            receipt = try await gateway.write(registryRequest, office: office, field: field, audit: record)
        } catch {
            // The retry contract needs the id and the time even on failure.
            var response = error.response()
            response.headers[.idempotencyKey] = requestID.description
            response.headers[.recordedAt] = stamped.isoString
            throw ResponseError(response: response)
        }
        let entry = receipt.entry
        headers[.location] = "/v1/acts/\(entry.actID.path)"
        let body = WriteResponse(
            requestID: requestID, actID: entry.actID, actPath: entry.actID.path, civilDigitalID: entry.civilDigitalID,
            mentionSequence: entry.mentionSequence, chainPosition: entry.chainPosition, chainHead: entry.chainHead,
            duplicate: receipt.duplicate, recordedAt: stamped, group: receipt.group, logIndex: receipt.logIndex)
        return (body, headers)
    }

    func act(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try RequestParsing.actID(context)
        let caller = try access.require(request, .readAct(office: id.register.office))
        let consistency = try RequestParsing.consistency(request)
        let (record, freshness) = try await gateway.record(id, consistency: consistency)
        try await audit.read(caller, request: request, action: "read_act", subject: id.path, office: id.register.office)
        return Self.actResponse(record, freshness)
    }

    func actByCivilID(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let text = context.parameters.get("civilID"), let civilID = CivilDigitalID(text) else {
            throw APIError.badRequest("invalid_civil_id", "a civil digital id is 19 digits with valid check digits", field: "civilID")
        }
        let caller = try access.require(request, .readAct(office: civilID.birthAct.register.office))
        let consistency = try RequestParsing.consistency(request)
        let (record, freshness) = try await gateway.record(civilID: civilID, consistency: consistency)
        try await audit.read(caller, request: request, action: "read_act", subject: record.act.id.path, office: record.act.id.register.office)
        return Self.actResponse(record, freshness)
    }

    static func actResponse(_ record: ActRecord, _ freshness: ReadFreshness) -> Response {
        HTTPResponses.json(ActResponse(actPath: record.act.id.path, record: record, freshness: freshness), headers: freshnessHeaders(freshness))
    }

    static func freshnessHeaders(_ freshness: ReadFreshness) -> HTTPFields {
        var fields: HTTPFields = [.consistency: freshness.consistency.rawValue, .behindCommit: "\(freshness.behindCommit)",
                                  .appliedIndex: "\(freshness.appliedIndex)", .servedBy: "\(freshness.node)"]
        fields[.staleMs] = freshness.staleMs.map { "\($0)" } ?? "unknown"
        return fields
    }
}

/// A complete response thrown from a route (an error that must carry extra headers).
struct ResponseError: Error, HTTPResponseError {
    let response: Response
    var status: HTTPResponse.Status { response.status }
    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}
