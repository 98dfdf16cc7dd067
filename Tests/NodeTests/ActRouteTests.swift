import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Node
import Registry
import Services
import Testing

/// The register's routes on a real single-node cluster, in process.
@Suite(.serialized) struct ActRouteTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test func registeringABirthAnswersCreatedAndTheActReadsBackIdentical() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let body = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth()))
                let written = try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: body) { response in
                    #expect(response.status == .created)
                    #expect(response.headers[Self.key]?.count == 32)
                    return try Bodies.decode(WriteResponse.self, response.body)
                }
                #expect(written.actPath.hasSuffix("/birth/1"))
                #expect(!written.duplicate)
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(written.actPath)", method: .get) { response in
                    #expect(response.status == .ok)
                    let read = try Bodies.decode(ActResponse.self, response.body)
                    #expect(read.record.act.requestID == written.requestID)
                    #expect(read.record.act.civilDigitalID == written.civilDigitalID)
                    #expect(read.freshness.consistency == .linearizable)
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(written.actPath)?consistency=stale", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("Sijil-Consistency")!] == "stale")
                }
            }
        }
    }

    @Test func aRetryWithTheSameKeyAndBodyGetsTheOriginalActAndNoSecondOne() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let stamp = Timestamp.minute(of: Date())
                let body = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(), recordedAt: stamp))
                let headers: HTTPFields = [Self.key: "0123456789abcdef0123456789abcdef"]
                let first = try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .created)
                    return try Bodies.decode(WriteResponse.self, response.body)
                }
                let second = try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                    return try Bodies.decode(WriteResponse.self, response.body)
                }
                #expect(second.duplicate)
                #expect(second.actID == first.actID)
                try await client.run(fixture.tokens.registrar, uri: "/v1/registers/0401003/\(first.actID.register.year)/birth", method: .get) { response in
                    let register = try Bodies.decode(RegisterBody.self, response.body)
                    #expect(register.state.actCount == 1)
                }
                // The same key with another body is a conflict, and writes nothing.
                let other = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(given: "Amine", givenArabic: "أمين"), recordedAt: stamp))
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, headers: headers, body: other) { response in
                    #expect(response.status == .conflict)
                    let error = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(error.error.code == "registry.request_id_reused")
                }
            }
        }
    }

    @Test func anInvalidActIsRefusedWithEveryViolationAndNothingIsWritten() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                var declaration = Bodies.birth(hijriShiftDays: 5)
                declaration.child.givenName.latin = ""
                let body = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: declaration))
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: body) { response in
                    #expect(response.status == .unprocessableContent)
                    let error = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(error.error.code == "act_rejected")
                    let violations = error.error.violations ?? []
                    #expect(violations.contains { $0.rule.code == "registry.calendar_mismatch" && $0.field.rawValue == "birthDate.hijri" })
                    #expect(violations.contains { $0.rule.code == "registry.required_field_empty" && $0.field.rawValue == "child.givenName.latin" })
                    #expect(violations.allSatisfy { !$0.field.frenchLabel.isEmpty && !$0.field.arabicLabel.isEmpty })
                }
                let year = Timestamp.minute(of: Date()).date.year
                try await client.run(fixture.tokens.registrar, uri: "/v1/registers/0401003/\(year)/birth", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test func malformedRequestsNameTheFieldAtFault() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: ByteBuffer(string: #"{"officer": {}}"#)) { response in
                    #expect(response.status == .badRequest)
                    let error = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(error.error.code == "invalid_json")
                    #expect(error.error.field != nil)
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: ByteBuffer(repeating: 0x20, count: APILimits.actBodyBytesMax + 1)) { response in
                    #expect(response.status == .contentTooLarge)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.code == "body_too_large")
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/0401003/2024/marriage/1", method: .get) { response in
                    #expect(response.status == .badRequest)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.field == "kind")
                }
                // An office of Casablanca-Settat: a registrar of region 04 is refused before the
                // cluster is asked; a registrar of region 06 learns this cluster does not serve it.
                let foreign = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(office: 601001)))
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: foreign) { response in
                    #expect(response.status == .forbidden)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.code == "auth.other_region")
                }
                let casablanca = try fixture.layout.issueToken(TokenKey.claims(subject: "REG-6-01", role: .registrar, region: RegionCode(6), lifetimeSeconds: 600))
                try await client.run(casablanca, uri: "/v1/acts/births", method: .post, body: foreign) { response in
                    #expect(response.status == .notFound)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.code == "office_not_served")
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, headers: [Self.key: "not-hex"], body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .badRequest)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.field == "Idempotency-Key")
                }
            }
        }
    }

    @Test func requestsBeyondTheInFlightLimitAreRefusedButHealthAnswers() async throws {
        try await SingleNodeFixture.with(inFlightLimit: 1) { fixture, app in
            #expect(fixture.inFlight.enter())
            try await app.test(.router) { client in
                try await client.run(fixture.tokens.operator, uri: "/v1/cluster/status", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "1")
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.code == "overloaded")
                }
                try await client.run(fixture.tokens.registrar, uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
            fixture.inFlight.leave()
        }
    }
}
