import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry

/// The digitisation import's route: `POST /v1/imports`, a batch of historical acts (and review
/// items and decisions) in the registry's binary command form, proposed as one log entry on
/// the shard group of its offices. Binary because the campaign sends tens of thousands of acts
/// a second: decoding JSON at that rate would cost the node more than applying the acts.
struct ImportRoutes: Sendable {
    let gateway: RegistryGateway
    let now: @Sendable () -> Date

    /// The content type of a binary registry command (`RegistryCommand.encode()`).
    static let commandContentType = "application/vnd.sijil.registry-command"

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/imports") { request, _ in try await importBatch(request) }
        router.get("/v1/reviews") { request, _ in try await reviews(request) }
    }

    func importBatch(_ request: Request) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: RegistryLimits.commandBytesMax) } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the body exceeds \(RegistryLimits.commandBytesMax) bytes", field: "body")
        }
        let bytes = Array(buffer.readableBytesView)
        let command: RegistryCommand
        do { command = try RegistryCommand.decode(bytes) } catch {
            throw APIError.badRequest("invalid_command", "the body is not a registry command (\(error.code)): \(error)", field: "body")
        }
        let requests = command.requests
        let group = try checkImportable(requests)
        let (outcomes, logIndex) = try await gateway.writeBatch(bytes, requestCount: requests.count, group: group)
        let items = zip(requests, outcomes).map { ImportItemResult(request: $0, outcome: $1) }
        let body = ImportBatchResponse(group: group, logIndex: logIndex, items: items)
        let headers: HTTPFields = [
            .importAccepted: "\(body.accepted)", .importDuplicates: "\(body.duplicates)", .importRejected: "\(body.rejected)",
            .servedBy: "\(gateway.nodeID)",
        ]
        return HTTPResponses.json(body, headers: headers)
    }

    /// `GET /v1/reviews?group=G&after=office/year/kind/number&limit=N`: a page of the open
    /// review records of one shard group (linearizable).
    func reviews(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let group = parameters.get("group").flatMap(UInt64.init) else {
            throw APIError.badRequest("invalid_group", "give the shard group: group=4001", field: "group")
        }
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
        return HTTPResponses.json(ReviewPage(group: group, items: records.map(ReviewItemBody.init), next: next?.path), headers: ActRoutes.freshnessHeaders(freshness))
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
        switch operation {
        case .importHistoricalAct(let item): item.content.office
        case .submitForReview(let item): item.register.office
        case .settleReview(let decision): decision.register.office
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
