import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry
import Services

/// The digitisation import's routes: `POST /v1/imports`, a batch of historical acts (and review
/// items and decisions) in the registry's binary command form, proposed as one log entry on
/// the shard group of its offices, and `GET /v1/reviews`, the open review queue of a group.
/// Binary because the campaign sends tens of thousands of acts a second: decoding JSON at that
/// rate would cost the node more than applying the acts.
///
/// Every request of a batch is authorised by `AccessPolicy` (`importRecords` for the office of
/// an act or a queued record, `reviewRecords` for the region of a decision); the batch is
/// written with one audit record in the same log entry, as the other writes are, and a read of
/// the queue is recorded before it is answered.
struct ImportRoutes: Sendable {
    let gateway: RegistryGateway
    let access: AccessControl
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// The content type of a binary registry command (`RegistryCommand.encode()`).
    static let commandContentType = "application/vnd.sijil.registry-command"

    /// Room left in a service command for its envelope around the batch: an audit record is
    /// at most six texts of `AuditRecord.textBytesMax` bytes and a few numbers (under 2 KiB);
    /// twice that covers the envelope's own fields with margin.
    static let auditEnvelopeBytesMax = 4 << 10

    /// Largest body: the batch and its audit envelope fit one service command.
    static let bodyBytesMax = min(RegistryLimits.commandBytesMax, ServiceLimits.commandBytesMax) - auditEnvelopeBytesMax

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/imports") { request, _ in try await importBatch(request) }
        router.get("/v1/reviews") { request, _ in try await reviews(request) }
    }

    func importBatch(_ request: Request) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: Self.bodyBytesMax) } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the body exceeds \(Self.bodyBytesMax) bytes", field: "body")
        }
        let requests: [RegistryRequest]
        do { requests = try RegistryCommand.decode(Array(buffer.readableBytesView)).requests } catch {
            throw APIError.badRequest("invalid_command", "the body is not a registry command (\(error.code)): \(error)", field: "body")
        }
        let group = try checkImportable(requests)
        let caller = try authorise(request, requests)
        let record = audit.record(caller, request: request, action: Self.auditAction(requests), subject: Self.auditSubject(requests),
                                  purpose: "digitisation")
        // Always a batch (a single request too): its outcome lists one result per request.
        let (outcomes, logIndex) = try await gateway.writeBatch(.batch(requests), group: group, audit: record)
        let items = zip(requests, outcomes).map { ImportItemResult(request: $0, outcome: $1) }
        let body = ImportBatchResponse(group: group, logIndex: logIndex, items: items)
        let headers: HTTPFields = [
            .importAccepted: "\(body.accepted)", .importDuplicates: "\(body.duplicates)", .importRejected: "\(body.rejected)",
            .servedBy: "\(gateway.nodeID)",
        ]
        return HTTPResponses.json(body, headers: headers)
    }

    /// `GET /v1/reviews?group=G&after=office/year/kind/number&limit=N`: a page of the open
    /// review records of one shard group (linearizable), for a registrar of its region.
    func reviews(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        let groups = gateway.topology.regions.flatMap { $0.shards.map(\.group) }
        guard let group = parameters.get("group").flatMap(UInt64.init),
              let region = gateway.topology.regions.first(where: { $0.shards.contains { $0.group == group } }) else {
            throw APIError.badRequest("invalid_group", "give one of the cluster's shard groups: group=\(groups.first ?? 4001) (one of \(groups))", field: "group")
        }
        let caller = try access.require(request, .reviewRecords(region: RegionCode(region.code)))
        var after: ActID?
        if let text = parameters.get("after") {
            guard let id = ActID(path: text) else { throw APIError.badRequest("invalid_act_id", "after is office/year/kind/number", field: "after") }
            after = id
        }
        let limit = parameters.get("limit").flatMap(UInt32.init) ?? ReviewLimits.pageMax
        guard limit >= 1 && limit <= ReviewLimits.pageMax else {
            throw APIError.badRequest("invalid_parameter", "limit must be 1 to \(ReviewLimits.pageMax)", field: "limit")
        }
        let (answer, freshness) = try await gateway.query(.reviews(after: after, limit: limit), group: group, consistency: .linearizable)
        guard case .reviews(let records, let next) = answer else { throw RegistryGateway.unexpected(answer) }
        // The queue shows both keyings of each record (names, dates): a read of personal data.
        try await audit.read(caller, request: request, action: "read_reviews", subject: "group \(group) after \(after?.path ?? "start")",
                             group: group, purpose: "digitisation review")
        return HTTPResponses.json(ReviewPage(group: group, items: records.map(ReviewItemBody.init), next: next?.path), headers: ActRoutes.freshnessHeaders(freshness))
    }

    /// Asks the policy about every distinct action of the batch: one token check, then one
    /// decision per office (imports) or region (review decisions). Nothing is proposed unless
    /// every request is allowed.
    func authorise(_ request: Request, _ requests: [RegistryRequest]) throws(APIError) -> AccessClaims {
        var actions: [AccessAction] = []
        var seen = Set<AccessAction>()
        for item in requests {
            guard let action = Self.accessAction(item.operation) else { continue }
            if seen.insert(action).inserted { actions.append(action) }
        }
        guard let first = actions.first else { throw APIError.badRequest("empty_batch", "the batch holds no import", field: "body") }
        let caller = try access.require(request, first)
        for action in actions.dropFirst() { try AccessControl.allow(caller, action) }
        return caller
    }

    /// Every request must be an import-campaign operation, stamped within the accepted window,
    /// for an office of one shard group; returns that group.
    func checkImportable(_ requests: [RegistryRequest]) throws(APIError) -> UInt64 {
        var group: UInt64?
        let current = now()
        for (index, request) in requests.enumerated() {
            guard let office = Self.importOffice(request.operation) else {
                throw APIError(.unprocessableContent, "not_an_import", "request \(index) is not an import of the digitisation campaign",
                               field: "requests[\(index)].operation")
            }
            _ = try RequestParsing.recordedAt(request.recordedAt, now: current, field: "requests[\(index)].recordedAt")
            let its = try gateway.group(for: office, field: "requests[\(index)].office")
            if let group, group != its {
                throw APIError(.unprocessableContent, "mixed_groups", "request \(index) belongs to shard group \(its), the batch to \(group); send one batch per group",
                               field: "requests[\(index)].office")
            }
            group = its
        }
        guard let group else { throw APIError.badRequest("empty_batch", "the batch holds no request", field: "body") }
        return group
    }

    /// The office of an operation the import route accepts.
    static func importOffice(_ operation: RegistryOperation) -> OfficeCode? {
        operation.isCampaignOperation ? operation.office : nil
    }

    /// What the policy is asked for an operation of the import route.
    static func accessAction(_ operation: RegistryOperation) -> AccessAction? {
        switch operation {
        case .importHistoricalAct(let item): .importRecords(office: item.content.office)
        case .submitForReview(let item): .importRecords(office: item.register.office)
        case .settleReview(let decision): .reviewRecords(region: decision.register.office.region)
        case .registerBirth, .registerDeath, .appendMention: nil
        }
    }

    /// The audit record's action: `settle_review` for a batch of review decisions only,
    /// `import_records` otherwise.
    static func auditAction(_ requests: [RegistryRequest]) -> String {
        let settlesOnly = requests.allSatisfy { if case .settleReview = $0.operation { true } else { false } }
        return settlesOnly ? "settle_review" : "import_records"
    }

    /// The audit record's subject: how many records and the places of the first and the last
    /// (a batch is one log entry; its requests are in the entry itself).
    static func auditSubject(_ requests: [RegistryRequest]) -> String {
        let places = requests.compactMap { place($0.operation)?.path }
        guard let first = places.first, let last = places.last else { return "\(requests.count) records" }
        return places.count == 1 ? first : "\(requests.count) records: \(first) to \(last)"
    }

    static func place(_ operation: RegistryOperation) -> ActID? {
        switch operation {
        case .importHistoricalAct(let item): ActID(register: item.register, number: item.number)
        case .submitForReview(let item): item.place
        case .settleReview(let decision): decision.place
        case .registerBirth, .registerDeath, .appendMention: nil
        }
    }
}

/// The answer to `POST /v1/imports`: one result per request, in order.
public struct ImportBatchResponse: Codable, Sendable, Equatable {
    /// The shard group.
    public var group: UInt64
    /// The log index of the entry (0 when nothing was proposed: every request was a duplicate or refused).
    public var logIndex: UInt64
    /// Requests that wrote something.
    public var accepted: Int
    /// Requests already applied earlier (a re-run of the same file): nothing written again.
    public var duplicates: Int
    /// Requests refused, each with its rules.
    public var rejected: Int
    /// Records queued for review.
    public var queued: Int
    /// One result per request.
    public var items: [ImportItemResult]

    /// Creates a value from its parts.
    public init(group: UInt64, logIndex: UInt64, items: [ImportItemResult]) {
        self.group = group
        self.logIndex = logIndex
        self.items = items
        accepted = items.filter { $0.status == .accepted }.count
        duplicates = items.filter { $0.status == .duplicate }.count
        rejected = items.filter { $0.status == .rejected }.count
        queued = items.filter { $0.status == .queued }.count
    }
}

/// What became of one request of an import batch.
public struct ImportItemResult: Codable, Sendable, Equatable {
    /// The three fates of a request.
    public enum Status: String, Codable, Sendable {
        /// An act was imported.
        case accepted
        /// The request had been applied before: nothing written again.
        case duplicate
        /// Rules were broken: nothing written.
        case rejected
        /// The record was queued for review.
        case queued
        /// A reviewer discarded the record.
        case discarded
    }

    /// The request id.
    public var requestID: Registry.RequestID
    /// What became of it.
    public var status: Status
    /// The act written or found (accepted, duplicate).
    public var actPath: String?
    /// Every rule broken (rejected).
    public var violations: [RuleViolation]?

    /// Creates a value from its parts.
    public init(requestID: Registry.RequestID, status: Status, actPath: String?, violations: [RuleViolation]?) {
        self.requestID = requestID
        self.status = status
        self.actPath = actPath
        self.violations = violations
    }

    init(request: RegistryRequest, outcome: CommandOutcome) {
        requestID = request.requestID
        switch outcome {
        case .accepted(let entry):
            status = .accepted
            actPath = entry.actID.path
        case .duplicate(let entry):
            status = .duplicate
            actPath = entry.actID.path
        case .rejected(let violations):
            status = .rejected
            self.violations = violations
        case .review(let receipt):
            actPath = receipt.place.path
            switch receipt.status {
            case _ where !receipt.isNew: status = .duplicate
            case .discarded: status = .discarded
            case .open, .imported: status = .queued
            }
        case .batch:
            status = .rejected
            violations = []
        }
    }
}

extension HTTPField.Name {
    /// Requests of an import batch that wrote something.
    static let importAccepted = HTTPField.Name("Sijil-Import-Accepted")!
    /// Requests of an import batch already applied earlier.
    static let importDuplicates = HTTPField.Name("Sijil-Import-Duplicates")!
    /// Requests of an import batch refused.
    static let importRejected = HTTPField.Name("Sijil-Import-Rejected")!
}

/// `GET /v1/reviews`: open review records of a shard group.
public struct ReviewPage: Codable, Sendable, Equatable {
    /// The shard group.
    public var group: UInt64
    /// The records, in register and number order.
    public var items: [ReviewItemBody]
    /// Pass as `after` for the next page; absent after the last.
    public var next: String?
}

/// One queued record as the review API shows it: both keyings and the fields they disagree on.
public struct ReviewItemBody: Codable, Sendable, Equatable {
    /// "office/year/kind/number".
    public var place: String
    /// The scan's reference.
    public var scanReference: String
    /// The scan's SHA-256.
    public var scanDigest: String
    /// The fields whose keyings differ.
    public var disagreements: [String]
    /// The keyings, each as keyer and fields.
    public var keyings: [Keying]
    /// "open", "imported" or "discarded".
    public var status: String

    init(_ record: ReviewRecord) {
        place = record.item.place.path
        scanReference = record.item.scanReference
        scanDigest = record.item.scanDigest
        disagreements = record.item.disagreements
        keyings = record.item.keyings
        status = record.status.name
    }
}
