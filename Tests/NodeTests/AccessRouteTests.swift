import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Node
import Registry
import Services
import Testing

/// Every kind of denial through the HTTP API, on a real single node: no token, an expired token,
/// a forged token, another office's register, a full copy for someone not entitled, a partner
/// without a purpose (or with one not granted), a role that may not act.
@Suite(.serialized) struct AccessRouteTests {
    /// The error code of a response ("undecodable" when it carries none).
    static func errorCode(_ response: TestResponse) -> String {
        (try? Bodies.decode(APIError.Body.self, response.body))?.error.code ?? "undecodable"
    }

    static func registerBirth(_ client: some TestClientProtocol, _ fixture: SingleNodeFixture, office: UInt32 = 401003) async throws -> WriteResponse {
        try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post,
                             body: Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(office: office)))) { response in
            #expect(response.status == .created)
            return try Bodies.decode(WriteResponse.self, response.body)
        }
    }

    @Test func aRequestWithoutATokenIsRefusedWith401ButHealthAndMetricsStayOpen() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.registerBirth(client, fixture)
                for uri in ["/v1/acts/\(act.actPath)", "/v1/cluster/status", "/v1/search?name=x&office=0401003", "/v1/audit/groups/4001"] {
                    try await client.run(nil, uri: uri, method: .get) { response in
                        #expect(response.status == .unauthorized, "\(uri)")
                        #expect(Self.errorCode(response) == "auth.token_missing")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    }
                }
                try await client.run(nil, uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await client.run(nil, uri: "/metrics", method: .get) { #expect($0.status == .ok) }
            }
        }
    }

    @Test func anExpiredTokenIsRefusedWith401() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.registerBirth(client, fixture)
                try await client.run(fixture.tokens.expired, uri: "/v1/acts/\(act.actPath)", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(Self.errorCode(response) == "auth.token_expired")
                }
            }
        }
    }

    @Test func aForgedTokenIsRefusedWith401AndWritesNothing() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let body = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth()))
                try await client.run(fixture.tokens.forged, uri: "/v1/acts/births", method: .post, body: body) { response in
                    #expect(response.status == .unauthorized)
                    #expect(Self.errorCode(response) == "auth.token_forged")
                }
                try await client.run(fixture.tokens.registrar, uri: "/v1/registers/0401003/\(Timestamp.minute(of: Date()).date.year)/birth", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test func anOfficerIsDeniedAnotherOfficesRegisterForReadsAndWrites() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let agdal = try await Self.registerBirth(client, fixture, office: 401001)
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(agdal.actPath)", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.other_office")
                }
                let body = Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(office: 401001)))
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/births", method: .post, body: body) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.other_office")
                }
                let hassan = try await Self.registerBirth(client, fixture, office: 401003)
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(hassan.actPath)", method: .get) { #expect($0.status == .ok) }
            }
        }
    }

    /// An officer's token writes acts and mentions signed with that officer's identifier only:
    /// another officer's name in the body is refused, and nothing is written.
    @Test func anOfficerCannotSignAnActOrAMentionAsAnotherOfficer() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let colleague = OfficerRef(identifier: "OEC-0401003-02", nameArabic: "نادية بنيس", nameLatin: "Nadia Bennis")
                let body = Bodies.json(RegisterBirthBody(officer: colleague, declaration: Bodies.birth()))
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/births", method: .post, body: body) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.officer_mismatch")
                }
                let own = try await client.run(fixture.tokens.officer, uri: "/v1/acts/births", method: .post,
                                               body: Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth()))) { response in
                    #expect(response.status == .created)
                    return try Bodies.decode(WriteResponse.self, response.body)
                }
                #expect(own.actID.number == 1, "the refused registration took no number")
                let mention = AppendMentionBody(officer: colleague, mention: .marriage(MarriageMention(
                    spouse: PersonName(givenName: Name(arabic: "سلمى", latin: "Salma"), familyName: Name(arabic: "الفاسي", latin: "El Fassi")),
                    marriageDate: Timestamp.minute(of: Date()).date,
                    reference: .adoulDeed(AdoulDeedReference(notarialSection: "قسم التوثيق بالرباط", number: "1", page: "2", date: Timestamp.minute(of: Date()).date)))))
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(own.actPath)/mentions", method: .post, body: Bodies.json(mention)) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.officer_mismatch")
                }
                // A registrar of the region transcribes for the office's officers.
                try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, body: body) { response in
                    #expect(response.status == .created)
                }
            }
        }
    }

    @Test func aFullCopyForSomeoneNotEntitledIsDeniedAtTheCounterAndAtTheEWindow() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.registerBirth(client, fixture)
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(act.actPath)/copy?form=fullCopy&relation=other", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "copy.not_entitled")
                }
                let order = CopyRequestBody(act: act.actPath, form: .fullCopy, language: .french, copies: 1, relation: .other,
                                            requesterName: "Someone", delivery: EWindowRouteTests.address)
                try await client.run(nil, uri: "/v1/e-window/requests", method: .post, body: Bodies.json(order)) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "copy.not_entitled")
                }
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(act.actPath)/copy?form=extract&relation=other", method: .get) {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    @Test func aPartnerWithoutAPurposeOrWithOneNotGrantedIsDenied() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.registerBirth(client, fixture)
                let civilID = try #require(act.civilDigitalID)
                try await client.run(fixture.tokens.partner, uri: "/v1/partners/persons/\(civilID.digits)", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.purpose_missing")
                }
                try await client.run(fixture.tokens.healthFacility, uri: "/v1/partners/persons/\(civilID.digits)?purpose=vitalStatus", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.purpose_not_granted")
                }
                try await client.run(fixture.tokens.partner, uri: "/v1/acts/\(act.actPath)", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.role_not_permitted")
                }
            }
        }
    }

    @Test func operatorsAdministerTheClusterButReadNoActAndOfficersCannotAdminister() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await Self.registerBirth(client, fixture)
                try await client.run(fixture.tokens.operator, uri: "/v1/acts/\(act.actPath)", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.errorCode(response) == "auth.role_not_permitted")
                }
                try await client.run(fixture.tokens.officer, uri: "/v1/admin/search/rebuild", method: .post) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.run(fixture.tokens.operator, uri: "/v1/cluster/status", method: .get) { #expect($0.status == .ok) }
            }
        }
    }
}
