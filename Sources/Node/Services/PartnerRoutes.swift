import Foundation
import Hummingbird
import Registry
import Services

/// Partner administrations' queries: each names its legal purpose (`?purpose=` or
/// `Sijil-Purpose`), is allowed only when the partner's token grants it, is answered with the
/// fewest fields the purpose needs (`PartnerDisclosure`), and is recorded in the audit log of
/// the group that holds the data.
struct PartnerRoutes: Sendable {
    let services: ServicesGateway
    let access: AccessControl
    let audit: AuditTrail

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/partners/persons/:civilID") { request, context in try await person(request, context) }
        router.get("/v1/partners/deaths") { request, _ in try await deaths(request) }
    }

    static func purpose(_ request: Request) throws(APIError) -> PartnerPurpose? {
        let given = request.uri.queryParameters.get("purpose").map { String($0) }
        guard let text = given ?? request.headers[.purpose], !text.isEmpty else { return nil }
        guard let purpose = PartnerPurpose.allCases.first(where: { $0.name == text }) else {
            throw APIError.badRequest("invalid_purpose", "purpose must be one of \(PartnerPurpose.allCases.map(\.name).joined(separator: ", "))", field: "purpose")
        }
        return purpose
    }

    func person(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let caller = try access.authenticate(request)
        let purpose = try Self.purpose(request)
        try AccessControl.allow(caller, .partnerQuery(purpose: purpose))
        guard let text = context.parameters.get("civilID"), let civilID = CivilDigitalID(text) else {
            throw APIError.badRequest("invalid_civil_id", "a civil digital id is 19 digits with valid check digits", field: "civilID")
        }
        guard let purpose, purpose == .vitalStatus || purpose == .pensionFile else {
            throw APIError.badRequest("invalid_purpose", "persons are queried for vitalStatus or pensionFile", field: "purpose")
        }
        let record = try await birthAct(civilID)
        try await audit.read(caller, request: request, action: "partner_\(purpose.name)", subject: civilID.digits,
                             office: civilID.birthAct.register.office, purpose: purpose.name)
        switch purpose {
        case .vitalStatus: return HTTPResponses.json(PartnerDisclosure.vitalStatus(civilID, record: record))
        default: return HTTPResponses.json(PartnerDisclosure.pensionFile(civilID, record: record))
        }
    }

    /// The birth act that assigned `civilID`, or nil when the register holds none.
    func birthAct(_ civilID: CivilDigitalID) async throws(APIError) -> ActRecord? {
        do {
            return try await services.registry.record(civilID: civilID, consistency: .linearizable).0
        } catch {
            guard error.code == "act_not_found" else { throw error }
            return nil
        }
    }

    /// `?group=&after=&limit=`: the death notices of a group after the partner's cursor.
    func deaths(_ request: Request) async throws -> Response {
        let caller = try access.authenticate(request)
        let purpose = try Self.purpose(request)
        try AccessControl.allow(caller, .partnerQuery(purpose: purpose))
        guard purpose == .deathNotifications else {
            throw APIError.badRequest("invalid_purpose", "the death feed is read for deathNotifications", field: "purpose")
        }
        let query = request.uri.queryParameters
        guard let group = query.get("group").flatMap({ UInt64($0) }), services.groups.contains(group) else {
            throw APIError.badRequest("invalid_group", "group must be one of \(services.groups)", field: "group")
        }
        let after = query.get("after").flatMap { UInt64($0) } ?? 0
        let limit = query.get("limit").flatMap { Int($0) } ?? 100
        guard case .deathNotices(let notices, let length) = try await services.query(.deathNotices(after: after, limit: limit), group: group) else {
            throw APIError(.internalServerError, "unexpected_answer", "the death feed answered something else")
        }
        try await audit.read(caller, request: request, action: "partner_deathNotifications", subject: "group \(group) after \(after)",
                             group: group, purpose: PartnerPurpose.deathNotifications.name)
        return HTTPResponses.json(DeathFeedResponse(group: group, notices: notices, length: length, next: notices.last?.position ?? after))
    }
}

/// A page of the death feed.
public struct DeathFeedResponse: Codable, Sendable {
    /// The group.
    public var group: UInt64
    /// The notices after the cursor.
    public var notices: [DeathNotice]
    /// The feed's length.
    public var length: UInt64
    /// The cursor to send next time.
    public var next: UInt64
}

/// The audit log (auditors at the centre) and the statistics (registrars, auditors, operators).
struct AuditAndStatisticsRoutes: Sendable {
    let services: ServicesGateway
    let access: AccessControl
    let now: @Sendable () -> Date

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/audit/groups/:group") { request, context in
            try access.require(request, .readAuditLog)
            let group = try group(context)
            let query = request.uri.queryParameters
            let after = query.get("after").flatMap { UInt64($0) } ?? 0
            let limit = query.get("limit").flatMap { Int($0) } ?? 100
            guard case .auditEntries(var entries, let length) = try await services.query(.auditLog(after: after, limit: limit), group: group,
                                                                                         consistency: try RequestParsing.consistency(request)) else {
                throw APIError(.internalServerError, "unexpected_answer", "the audit log answered something else")
            }
            let next = entries.last?.position ?? after
            if let actor = query.get("actor") { entries = entries.filter { $0.record.actor == actor } }
            if let subject = query.get("subject") { entries = entries.filter { $0.record.subject.contains(subject) } }
            return HTTPResponses.json(AuditPageResponse(group: group, entries: entries.map(AuditEntryBody.init), length: length, next: next))
        }
        router.get("/v1/audit/groups/:group/verify") { request, context in
            try access.require(request, .readAuditLog)
            guard case .auditVerification(let verification) = try await services.query(.verifyAudit, group: try group(context),
                                                                                          consistency: try RequestParsing.consistency(request)) else {
                throw APIError(.internalServerError, "unexpected_answer", "the audit verification answered something else")
            }
            return HTTPResponses.json(verification)
        }
        router.get("/v1/statistics/vital") { request, _ in
            try access.require(request, .readStatistics)
            return HTTPResponses.json(try await StatisticsReader(services: services).vital())
        }
        router.get("/v1/statistics/activity") { request, _ in
            try access.require(request, .readStatistics)
            return HTTPResponses.json(try await StatisticsReader(services: services).activity())
        }
        router.get("/v1/statistics/delays") { request, _ in
            try access.require(request, .readStatistics)
            return HTTPResponses.json(try await StatisticsReader(services: services).delays(asOf: Timestamp.minute(of: now())))
        }
    }

    func group(_ context: BasicRequestContext) throws(APIError) -> UInt64 {
        guard let group = context.parameters.get("group").flatMap({ UInt64($0) }), services.groups.contains(group) else {
            throw APIError.badRequest("invalid_group", "group must be one of \(services.groups)", field: "group")
        }
        return group
    }
}

/// A page of the audit log.
public struct AuditPageResponse: Codable, Sendable {
    /// The group.
    public var group: UInt64
    /// The entries (filtered by actor or subject when asked).
    public var entries: [AuditEntryBody]
    /// The log's length.
    public var length: UInt64
    /// The cursor of the next page.
    public var next: UInt64
}

/// An audit entry as JSON, with its chain head in hex.
public struct AuditEntryBody: Codable, Sendable {
    /// Position in the group's log.
    public var position: UInt64
    /// The record.
    public var record: AuditRecord
    /// The chain head after it, hex.
    public var head: String

    init(_ entry: AuditEntry) {
        position = entry.position
        record = entry.record
        head = Hex.encode(entry.head)
    }
}

/// Gathers counters from every group this node can read (a regional node: its region's; the
/// centre: all). Groups this node does not host are skipped.
struct StatisticsReader: Sendable {
    let services: ServicesGateway

    func each<T>(_ query: ServiceQuery, _ extract: (ServiceAnswer) -> [T]) async throws(APIError) -> [T] {
        var all: [T] = []
        for group in services.groups {
            do {
                all += extract(try await services.query(query, group: group, consistency: .stale))
            } catch where error.code == "unknown_group" {
                continue
            }
        }
        return all
    }

    func vital() async throws(APIError) -> [VitalStatisticsRow] {
        let counts = try await each(.vitalCounts) { if case .vitalCounts(let c) = $0 { c } else { [] } }
        var rows: [String: VitalStatisticsRow] = [:]
        for count in counts {
            let key = "\(count.office.region.rawValue)-\(count.year)-\(count.month)"
            var row = rows[key] ?? VitalStatisticsRow(region: count.office.region.rawValue, year: count.year, month: count.month, births: 0, deaths: 0)
            if count.kind == .birth { row.births += count.count } else { row.deaths += count.count }
            rows[key] = row
        }
        return rows.values.sorted { ($0.region, $0.year, $0.month) < ($1.region, $1.year, $1.month) }
    }

    func activity() async throws(APIError) -> [OfficeActivity] {
        try await each(.officeActivity) { if case .officeActivity(let a) = $0 { a } else { [] } }.sorted { $0.office < $1.office }
    }

    func delays(asOf: Timestamp) async throws(APIError) -> [DelayReportRow] {
        try await each(.delayReport(asOf: asOf)) { if case .delayReport(let r) = $0 { r } else { [] } }.sorted { $0.office < $1.office }
    }
}
