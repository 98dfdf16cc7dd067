import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Node
import Registry
import Services
import Testing

/// `POST /v1/imports` and `GET /v1/reviews` on a real single node: who may import and review,
/// idempotent re-runs, and the audit records of both.
@Suite(.serialized) struct ImportRouteTests {
    static let commandType: HTTPFields = [.contentType: "application/vnd.sijil.registry-command"]
    static let hassan = OfficeCode(401003)

    static func historical(number: UInt64, given: String = "Yassine") -> HistoricalActImport {
        var birth = Bodies.birth(given: given)
        birth.birthDate = DualDate(gregorian: GregorianDate(year: 1980, month: 3, day: 2))
        return HistoricalActImport(registerYear: 1980, number: number, drawnUpOn: GregorianDate(year: 1980, month: 3, day: 10),
                                   sourceReference: "RSK-0401003-1980-B/p\(number)", content: .birth(birth))
    }

    static func reviewItem(number: UInt64) -> ReviewItem {
        ReviewItem(register: RegisterID(office: hassan, year: 1980, kind: .birth), number: number,
                   scanReference: "RSK-0401003-1980-B/p\(number)", scanDigest: String(repeating: "cd", count: 32),
                   keyings: [Keying(keyer: "K01", fields: [KeyedField(name: "child.given.lat", value: "Youssef")]),
                             Keying(keyer: "K02", fields: [KeyedField(name: "child.given.lat", value: "Yousef")])])
    }

    /// The body of a batch: request ids from what each operation is about (as the import's are
    /// from the record's content), stamped now.
    static func batch(_ operations: [RegistryOperation]) -> ByteBuffer {
        let now = Timestamp.minute(of: Date())
        let requests = operations.map { operation in
            let id: Registry.RequestID
            switch operation {
            case .importHistoricalAct(let item): id = Registry.RequestID(high: 0x1A, low: item.number)
            case .submitForReview(let item): id = Registry.RequestID(high: 0x1B, low: item.number)
            case .settleReview(let decision): id = Registry.RequestID(high: 0x1C, low: decision.number)
            case .registerBirth, .registerDeath, .appendMention: id = Registry.RequestID(high: 0x1D, low: 1)
            }
            return RegistryRequest(requestID: id, recordedAt: now, officer: Bodies.officer, operation: operation)
        }
        return ByteBuffer(bytes: RegistryCommand.batch(requests).encode())
    }

    static func post(_ client: some TestClientProtocol, _ token: String?, _ operations: [RegistryOperation]) async throws -> TestResponse {
        try await client.run(token, uri: "/v1/imports", method: .post, headers: commandType, body: batch(operations))
    }

    static func imported(_ response: TestResponse) throws -> ImportBatchResponse {
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try Bodies.decode(ImportBatchResponse.self, response.body)
    }

    static func auditRecords(_ client: some TestClientProtocol, _ fixture: SingleNodeFixture) async throws -> (records: [AuditRecord], length: UInt64) {
        let page = try await client.run(fixture.tokens.auditor, uri: "/v1/audit/groups/4001?limit=200", method: .get) { response in
            try Bodies.decode(AuditPageResponse.self, response.body)
        }
        return (page.entries.map(\.record), page.length)
    }

    @Test func importingNeedsARegistrarOfTheRegionOrAnOperator() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let one: [RegistryOperation] = [.importHistoricalAct(Self.historical(number: 1))]
                let missing = try await Self.post(client, nil, one)
                #expect(missing.status == .unauthorized)
                #expect(AccessRouteTests.errorCode(missing) == "auth.token_missing")
                for token in [fixture.tokens.officer, fixture.tokens.auditor, fixture.tokens.partner] {
                    let refused = try await Self.post(client, token, one)
                    #expect(refused.status == .forbidden)
                    #expect(AccessRouteTests.errorCode(refused) == "auth.role_not_permitted")
                }
                let casablanca = try fixture.layout.issueToken(TokenKey.claims(subject: "REG-6-01", role: .registrar, region: RegionCode(6), lifetimeSeconds: 600))
                let otherRegion = try await Self.post(client, casablanca, one)
                #expect(otherRegion.status == .forbidden)
                #expect(AccessRouteTests.errorCode(otherRegion) == "auth.other_region")
                // Nothing was written by the refused calls: the registrar's import is the first.
                #expect(try Self.imported(try await Self.post(client, fixture.tokens.registrar, one)).accepted == 1)
                #expect(try Self.imported(try await Self.post(client, fixture.tokens.operator, [.importHistoricalAct(Self.historical(number: 2))])).accepted == 1)
            }
        }
    }

    @Test func aReRunWritesNothingAndTheBatchIsAuditedOnce() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let operations: [RegistryOperation] = (1...3).map { .importHistoricalAct(Self.historical(number: $0)) }
                let first = try Self.imported(try await Self.post(client, fixture.tokens.registrar, operations))
                #expect(first.accepted == 3 && first.logIndex > 0)
                #expect(first.items.map(\.actPath) == (1...3).map { "0401003/1980/birth/\($0)" })
                let (records, length) = try await Self.auditRecords(client, fixture)
                let imports = records.filter { $0.action == "import_records" }
                #expect(imports.count == 1)
                #expect(imports.first?.actor == "REG-4-01" && imports.first?.purpose == "digitisation")
                #expect(imports.first?.subject == "3 records: 0401003/1980/birth/1 to 0401003/1980/birth/3")

                let again = try Self.imported(try await Self.post(client, fixture.tokens.registrar, operations))
                #expect(again.accepted == 0 && again.duplicates == 3 && again.logIndex == 0)
                #expect(try await Self.auditRecords(client, fixture).length == length)
            }
        }
    }

    @Test func aLiveRegistrationIsRefusedByTheImportRoute() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let refused = try await Self.post(client, fixture.tokens.registrar, [.registerBirth(Bodies.birth())])
                #expect(refused.status == .unprocessableContent)
                #expect(AccessRouteTests.errorCode(refused) == "not_an_import")
            }
        }
    }

    @Test func theReviewQueueIsReadAndSettledByTheRegionsRegistrarAndItsReadIsAudited() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let queued = try Self.imported(try await Self.post(client, fixture.tokens.operator, [.submitForReview(Self.reviewItem(number: 17))]))
                #expect(queued.queued == 1)
                for token in [fixture.tokens.operator, fixture.tokens.officer, fixture.tokens.auditor] {
                    try await client.run(token, uri: "/v1/reviews?group=4001", method: .get) { response in
                        #expect(response.status == .forbidden)
                        #expect(AccessRouteTests.errorCode(response) == "auth.role_not_permitted")
                    }
                }
                let casablanca = try fixture.layout.issueToken(TokenKey.claims(subject: "REG-6-01", role: .registrar, region: RegionCode(6), lifetimeSeconds: 600))
                try await client.run(casablanca, uri: "/v1/reviews?group=4001", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(AccessRouteTests.errorCode(response) == "auth.other_region")
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/reviews?group=9999", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(AccessRouteTests.errorCode(response) == "invalid_group")
                }
                let page = try await client.run(fixture.tokens.registrar, uri: "/v1/reviews?group=4001", method: .get) { response in
                    #expect(response.status == .ok)
                    return try Bodies.decode(ReviewPage.self, response.body)
                }
                #expect(page.items.map(\.place) == ["0401003/1980/birth/17"])
                #expect(page.items.first?.disagreements == ["child.given.lat"])
                #expect(try await Self.auditRecords(client, fixture).records.contains { $0.action == "read_reviews" && $0.actor == "REG-4-01" && $0.subject.hasPrefix("group 4001") })

                let decision = ReviewDecision(register: Self.reviewItem(number: 17).register, number: 17, reviewer: "REV-01",
                                              resolution: .importAct(Self.historical(number: 17, given: "Youssef")))
                let byOperator = try await Self.post(client, fixture.tokens.operator, [.settleReview(decision)])
                #expect(byOperator.status == .forbidden)
                #expect(AccessRouteTests.errorCode(byOperator) == "auth.role_not_permitted")
                let settled = try Self.imported(try await Self.post(client, fixture.tokens.registrar, [.settleReview(decision)]))
                #expect(settled.accepted == 1 && settled.items.first?.actPath == "0401003/1980/birth/17")
                #expect(try await Self.auditRecords(client, fixture).records.contains { $0.action == "settle_review" && $0.actor == "REG-4-01" })
                let after = try await client.run(fixture.tokens.registrar, uri: "/v1/reviews?group=4001", method: .get) { response in
                    try Bodies.decode(ReviewPage.self, response.body)
                }
                #expect(after.items.isEmpty)
            }
        }
    }
}
