import Foundation
import Hummingbird
import Registry
import RegistrySearch
import Services

/// Search of acts by names, dates, office and kind, on this node's derived index. A search is
/// restricted to an office the caller may read (`AccessPolicy`), and recorded in the audit log
/// of that office's group.
struct SearchRoutes: Sendable {
    let search: SearchIndexer?
    let access: AccessControl
    let audit: AuditTrail

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/search") { request, _ in try await find(request) }
    }

    /// `?name=&father=&mother=&from=YYYY-MM-DD&to=YYYY-MM-DD&office=&kind=&limit=`.
    func find(_ request: Request) async throws -> Response {
        let caller = try access.authenticate(request)
        guard let search else { throw APIError(.serviceUnavailable, "search_unavailable", "this node keeps no search index") }
        let query = request.uri.queryParameters
        func text(_ name: String) throws(APIError) -> String? {
            guard let value = query.get(name) else { return nil }
            guard !value.isEmpty, value.count <= 200 else {
                throw APIError.badRequest("invalid_parameter", "\(name) must be 1 to 200 characters", field: name)
            }
            return value
        }
        func date(_ name: String) throws(APIError) -> GregorianDate? {
            guard let value = query.get(name) else { return nil }
            guard let date = GregorianDate(isoString: value), date.isValid else {
                throw APIError.badRequest("invalid_parameter", "\(name) must be a date YYYY-MM-DD", field: name)
            }
            return date
        }
        var office: OfficeCode?
        if let value = query.get("office") {
            guard let code = OfficeCode(value) else { throw APIError.badRequest("invalid_parameter", "office must be 7 digits", field: "office") }
            office = code
        }
        var kind: ActKind?
        if query.get("kind") != nil { kind = try RequestParsing.option(request, "kind", default: ActKind.birth) }
        var limit = APILimits.searchDefaultLimit
        if let value = query.get("limit") {
            guard let parsed = Int(value), (1...ActSearchQuery.limitMax).contains(parsed) else {
                throw APIError.badRequest("invalid_parameter", "limit must be 1 to \(ActSearchQuery.limitMax)", field: "limit")
            }
            limit = parsed
        }
        let searchQuery = ActSearchQuery(
            name: try text("name"), fatherName: try text("father"), motherName: try text("mother"),
            eventFrom: try date("from"), eventTo: try date("to"), office: office, kind: kind, limit: limit)
        guard searchQuery.name != nil || searchQuery.fatherName != nil || searchQuery.motherName != nil || office != nil else {
            throw APIError.badRequest("search_too_broad", "give at least a name, a parent's name or an office", field: "name")
        }
        try AccessControl.allow(caller, .search(office: office))
        guard let office else { throw APIError(denial: .officeRequired) }
        let hits: [ActSearchHit]
        do { hits = try search.index.search(searchQuery) } catch {
            throw APIError(.internalServerError, "search_failed", "\(error)")
        }
        try await audit.read(caller, request: request, action: "search", subject: request.uri.query ?? "", office: office)
        let body = SearchResponse(
            hits: hits.map { SearchHitBody(actID: $0.actID, actPath: $0.actID.path, civilDigitalID: $0.civilDigitalID, nameLatin: $0.nameLatin,
                                           nameArabic: $0.nameArabic, eventDate: $0.eventDate, exactMatches: $0.exactMatches) },
            consistency: "index", index: search.status())
        return HTTPResponses.json(body)
    }
}
