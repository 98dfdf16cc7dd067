import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Node
import Registry
import Testing

/// Copies, their verification, search, status and metrics on a real single node, in process.
@Suite(.serialized) struct CopyAndSearchRouteTests {
    static func register(_ client: some TestClientProtocol, _ fixture: SingleNodeFixture) async throws -> WriteResponse {
        let body = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth()))
        return try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: body) { response in
            #expect(response.status == .created)
            return try Bodies.decode(WriteResponse.self, response.body)
        }
    }

    @Test func anIssuedCopyVerifiesAndAnAlteredOneDoesNot() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.register(client, fixture)
                let copy = try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(act.actPath)/copy?form=extract&language=french", method: .get) { response in
                    #expect(response.status == .ok)
                    return try Bodies.decode(CivilStatusCopy.self, response.body)
                }
                #expect(copy.lines.contains { $0.value.contains("Yassine") })
                try await client.run(fixture.tokens.registrar, uri: "/v1/copies/verify", method: .post, body: Bodies.json(copy)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(answer.valid)
                    #expect(answer.region == "RSK")
                }
                var altered = copy
                altered.lines[0].value += "X"
                try await client.run(fixture.tokens.registrar, uri: "/v1/copies/verify", method: .post, body: Bodies.json(altered)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(!answer.valid)
                    #expect(answer.reason?.contains("altered") == true)
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(act.actPath)/copy?form=extract&language=arabic&format=html", method: .get) { response in
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(String(buffer: response.body).contains("dir=\"rtl\""))
                }
            }
        }
    }

    @Test func aFullCopyIsRefusedToSomeoneWithoutTitle() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.register(client, fixture)
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(act.actPath)/copy?form=fullCopy&relation=other", method: .get) { response in
                    #expect(response.status == .forbidden)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.code == "copy.not_entitled")
                }
                let civilID = try #require(act.civilDigitalID)
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(act.actPath)/copy?form=fullCopy&relation=person&requesterCivilID=\(civilID)&format=text", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Yassine"))
                }
            }
        }
    }

    @Test func searchFindsARegisteredActOnceIndexedAndSaysItReadsTheIndex() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.register(client, fixture)
                let deadline = ContinuousClock.now + .seconds(120)
                var found: SearchResponse?
                while ContinuousClock.now < deadline {
                    let answer = try await client.run(fixture.tokens.registrar, uri: "/v1/search?name=Yasin%20Alaoui&office=0401003", method: .get) { response in
                        try Bodies.decode(SearchResponse.self, response.body)
                    }
                    if !answer.hits.isEmpty { found = answer; break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let answer = try #require(found, "the act reached the index within 120 s")
                #expect(answer.hits.map(\.actPath) == [act.actPath])
                #expect(answer.consistency == "index")
                try await client.run(fixture.tokens.registrar, uri: "/v1/search", method: .get) { response in
                    #expect(response.status == .badRequest)
                    let decoded = try Bodies.decode(APIError.Body.self, response.body)
                    #expect(decoded.error.code == "search_too_broad")
                }
            }
        }
    }

    @Test func statusAndMetricsReportTheGroupAndItsLeader() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                _ = try await Self.register(client, fixture)
                try await client.run(fixture.tokens.operator, uri: "/v1/cluster/status", method: .get) { response in
                    let status = try Bodies.decode(NodeStatusBody.self, response.body)
                    #expect(status.node == 1)
                    #expect(status.groups.map(\.group) == [4001])
                    #expect(status.groups.first?.leader == 1)
                }
                try await client.run(fixture.tokens.registrar, uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    for metric in ["sijil_fsync_seconds", "sijil_commit_seconds", "sijil_group_leader", "sijil_group_apply_lag"] {
                        #expect(text.contains(metric), "metric \(metric)")
                    }
                }
            }
        }
    }
}
