import Foundation
import Hummingbird
import Registry
import Services

/// Copies of acts (full copy or extract, Arabic or French, signed) and their verification.
struct CopyRoutes: Sendable {
    let gateway: RegistryGateway
    let keyring: NodeKeyring
    let access: AccessControl
    let audit: AuditTrail
    let now: @Sendable () -> Date

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/acts/:office/:year/:kind/:number/copy") { request, context in try await copy(request, context) }
        router.post("/v1/copies/verify") { request, _ in try await verifyCopy(request) }
    }

    /// `?form=extract|fullCopy&language=arabic|french&format=json|text|html`, with the requester
    /// in `relation`, `requesterCivilID` and `evidence` (the full copy is only for the persons
    /// the law entitles).
    func copy(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try RequestParsing.actID(context)
        let caller = try access.authenticate(request)
        let form: CopyForm = try RequestParsing.option(request, "form", default: .extract)
        let language: CopyLanguage = try RequestParsing.option(request, "language", default: .french)
        let relation: CopyRequester.Relation = try RequestParsing.option(request, "relation", default: .other)
        let query = request.uri.queryParameters
        var requesterID: CivilDigitalID?
        if let text = query.get("requesterCivilID") {
            guard let parsed = CivilDigitalID(text) else {
                throw APIError.badRequest("invalid_civil_id", "requesterCivilID is not a valid civil digital id", field: "requesterCivilID")
            }
            requesterID = parsed
        }
        let format = query.get("format") ?? "json"
        guard ["json", "text", "html"].contains(format) else {
            throw APIError.badRequest("invalid_parameter", "format must be json, text or html", field: "format")
        }
        guard let region = gateway.topology.region(forOffice: id.register.office.rawValue) else {
            throw APIError(.notFound, "office_not_served", "no region of this cluster holds office \(id.register.office)", field: "office")
        }
        guard let issuer = keyring.issuer(region: region.key) else {
            throw APIError(.serviceUnavailable, "signing_key_unavailable",
                           "this node does not hold the copy-signing key of region \(region.key); ask one of the region's nodes")
        }
        try AccessControl.allow(caller, .readAct(office: id.register.office))
        let (record, _) = try await gateway.record(id, consistency: .linearizable)
        let requester = CopyRequester(relation: relation, civilDigitalID: requesterID, evidenceReference: query.get("evidence"))
        try AccessControl.allow(caller, .deliverCopy(office: id.register.office, form: form,
                                                     entitlement: CopyEntitlement.evaluate(requester, form: form, record: record)))
        try await audit.read(caller, request: request, action: "issue_copy_\(form.name)", subject: id.path, office: id.register.office,
                             purpose: "counter copy for \(relation.name)")
        let copy: CivilStatusCopy
        do {
            copy = try issuer.issue(record, form: form, language: language, issuedAt: Timestamp.minute(of: now()), requester: requester)
        } catch {
            switch error {
            case .denied(let denial): throw APIError(.forbidden, denial.code, denial.description, field: "relation")
            case .inconsistentRecord(let sequences):
                throw APIError(.internalServerError, error.code, "the stored mentions \(sequences) do not read consistently; the replica needs repair")
            case .signingFailed: throw APIError(.internalServerError, error.code, "signing the copy failed")
            }
        }
        switch format {
        case "text": return HTTPResponses.text(copy.plainText(), contentType: "text/plain; charset=utf-8")
        case "html": return HTTPResponses.text(copy.html(), contentType: "text/html; charset=utf-8")
        default: return HTTPResponses.json(copy)
        }
    }

    /// Verifies a copy (its JSON as issued) against the public key, current or former, whose
    /// fingerprint it carries. Anyone may ask; nothing is read from the register.
    func verifyCopy(_ request: Request) async throws -> Response {
        let copy = try await RequestParsing.decodeBody(CivilStatusCopy.self, from: request, limit: APILimits.copyBodyBytesMax)
        return HTTPResponses.json(keyring.verify(copy))
    }
}
