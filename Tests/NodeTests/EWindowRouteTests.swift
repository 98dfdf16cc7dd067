import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Node
import Registry
import Services
import Testing

/// The services through the API on a real single node: the e-window's whole path with its
/// payment failures, declarations, partners' answers and the audit log.
@Suite(.serialized) struct EWindowRouteTests {
    static let address = DeliveryAddress(recipient: "Ahmed El Alaoui", street: "12 avenue Mohammed V", city: "Rabat", postalCode: "10000", country: "MA")

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T { try Bodies.decode(T.self, response.body) }

    @Test func aCopyIsIssuedOnlyAfterPaymentAndATimedOutPaymentIsNeverChargedTwice() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await AccessRouteTests.registerBirth(client, fixture)
                let order = CopyRequestBody(act: act.actPath, form: .extract, language: .arabic, copies: 2, relation: .other,
                                            requesterName: "Ahmed El Alaoui", delivery: Self.address)
                let created = try await client.run(nil, uri: "/v1/e-window/requests", method: .post, body: Bodies.json(order)) { response in
                    #expect(response.status == .created)
                    return try Self.decode(CopyRequest.self, response)
                }
                #expect(created.feeCentimes == 4_000)
                let reference = created.reference
                let officeID = "\(reference.office)/copy-requests/\(reference.id)"
                // Not paid: the officer cannot issue.
                try await client.run(fixture.tokens.officer, uri: "/v1/offices/\(officeID)/issue", method: .post) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(AccessRouteTests.errorCode(response) == "copy_request.not_paid")
                }
                // A declined card: 402, nothing charged, still awaiting payment.
                try await client.run(nil, uri: "/v1/e-window/requests/\(reference)/payment", method: .post,
                                     body: Bodies.json(PaymentBody(cardNumber: LocalPaymentProvider.declinedCard))) { response in
                    #expect(response.status.code == 402)
                    let decoded = try Self.decode(PaymentResponse.self, response)
                    #expect(decoded.request.status == .awaitingPayment)
                }
                // A capture whose answer is lost: 504; the retry settles the same attempt.
                let timedOut = try await client.run(nil, uri: "/v1/e-window/requests/\(reference)/payment", method: .post,
                                                    body: Bodies.json(PaymentBody(cardNumber: LocalPaymentProvider.timeoutThenAuthorisedCard))) { response in
                    #expect(response.status == .gatewayTimeout)
                    return try Self.decode(PaymentResponse.self, response).request
                }
                #expect(timedOut.status == .paymentPending)
                let paid = try await client.run(nil, uri: "/v1/e-window/requests/\(reference)/payment", method: .post,
                                                body: Bodies.json(PaymentBody(cardNumber: LocalPaymentProvider.timeoutThenAuthorisedCard))) { response in
                    #expect(response.status == .ok)
                    return try Self.decode(PaymentResponse.self, response).request
                }
                #expect(paid.status == .paid)
                #expect(fixture.payments.captures(key: paid.paymentKey) == 1)
                #expect(fixture.payments.allCaptures().values.reduce(0, +) == 1)
                // Another office's officer cannot work this queue.
                let agdal = try fixture.tokens.officer(of: 401001, layout: fixture.layout)
                try await client.run(agdal, uri: "/v1/offices/\(officeID)/issue", method: .post) { response in
                    #expect(response.status == .forbidden)
                    #expect(AccessRouteTests.errorCode(response) == "auth.other_office")
                }
                let issued = try await client.run(fixture.tokens.officer, uri: "/v1/offices/\(officeID)/issue", method: .post) { response in
                    #expect(response.status == .ok)
                    return try Self.decode(IssueResponse.self, response)
                }
                #expect(issued.request.status == .issued)
                #expect(issued.copy.verificationCode == issued.request.verificationCode)
                try await client.run(fixture.tokens.officer, uri: "/v1/offices/\(officeID)/dispatch", method: .post,
                                     body: Bodies.json(DispatchBody(trackingNumber: "RR123456789MA"))) { #expect($0.status == .ok) }
                try await client.run(fixture.tokens.officer, uri: "/v1/offices/\(officeID)/delivery", method: .post) { #expect($0.status == .ok) }
                try await client.run(nil, uri: "/v1/e-window/requests/\(reference)", method: .get) { response in
                    let request = try Self.decode(CopyRequest.self, response)
                    #expect(request.status == .delivered)
                    #expect(request.trackingNumber == "RR123456789MA")
                }
                try await client.run(nil, uri: "/v1/copies/by-code/\(issued.copy.verificationCode)", method: .get) { response in
                    let verification = try Self.decode(CodeVerificationResponse.self, response)
                    #expect(verification.valid)
                    #expect(verification.copy?.actID == act.actID)
                }
                try await client.run(nil, uri: "/v1/copies/by-code/ZZZZZZZZZZ", method: .get) { response in
                    let decoded = try Self.decode(CodeVerificationResponse.self, response)
                    #expect(decoded.valid == false)
                }
                try await client.run(fixture.tokens.auditor, uri: "/v1/statistics/activity", method: .get) { response in
                    let activity = try Self.decode([OfficeActivity].self, response)
                    #expect(activity.first { $0.office == OfficeCode(401003) }?.copiesIssued == 1)
                }
            }
        }
    }

    @Test func aCitizensDeclarationIsReviewedIntoAnActAndALateOneNeedsAJudgment() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let filed = try await client.run(nil, uri: "/v1/declarations", method: .post,
                                                 body: Bodies.json(DeclarationBody(declarantName: "Ahmed El Alaoui", birth: Bodies.birth()))) { response in
                    #expect(response.status == .created)
                    return try Self.decode(PreliminaryDeclaration.self, response)
                }
                #expect(filed.source == .citizen(name: "Ahmed El Alaoui"))
                try await client.run(fixture.tokens.officer, uri: "/v1/offices/0401003/declarations", method: .get) { response in
                    let decoded = try Self.decode([PreliminaryDeclaration].self, response)
                    #expect(decoded.map(\.reference) == [filed.reference])
                }
                let reviewed = try await client.run(fixture.tokens.officer, uri: "/v1/offices/0401003/declarations/\(filed.reference.id)/register", method: .post,
                                                    body: Bodies.json(RegisterDeclarationBody())) { response in
                    #expect(response.status == .ok)
                    return try Self.decode(PreliminaryDeclaration.self, response)
                }
                let act = try #require(reviewed.registeredAct)
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(act.path)", method: .get) { response in
                    let decoded = try Self.decode(ActResponse.self, response)
                    #expect(decoded.record.act.officer.identifier == "OEC-0401003-01")
                }
                var late = Bodies.birth()
                let today = Timestamp.minute(of: Date()).date
                late.birthDate = DualDate(gregorian: GregorianDate(daysSinceEpoch: today.daysSinceEpoch - 45))
                try await client.run(nil, uri: "/v1/declarations", method: .post,
                                     body: Bodies.json(DeclarationBody(declarantName: "Ahmed", birth: late))) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(AccessRouteTests.errorCode(response) == "declaration.late_without_judgment")
                }
                let facility = try await client.run(fixture.tokens.healthFacility, uri: "/v1/declarations", method: .post,
                                                    body: Bodies.json(DeclarationBody(declarantName: "", birth: Bodies.birth(given: "Amine", givenArabic: "أمين")))) { response in
                    #expect(response.status == .created)
                    return try Self.decode(PreliminaryDeclaration.self, response)
                }
                #expect(facility.source == .healthFacility(name: "CHU Ibn Sina"))
            }
        }
    }

    @Test func everyReadIsInTheReplicatedAuditLogWithWhoAndWhyAndTheChainVerifies() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let act = try await AccessRouteTests.registerBirth(client, fixture)
                try await client.run(fixture.tokens.officer, uri: "/v1/acts/\(act.actPath)", method: .get,
                                     headers: [HTTPField.Name("Sijil-Purpose")!: "counter request 2025/77"]) { #expect($0.status == .ok) }
                let civilID = try #require(act.civilDigitalID)
                try await client.run(fixture.tokens.partner, uri: "/v1/partners/persons/\(civilID.digits)?purpose=vitalStatus", method: .get) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text == "{\"alive\":true,\"civilDigitalID\":\"\(civilID.digits)\",\"found\":true}")
                }
                try await client.run(fixture.tokens.officer, uri: "/v1/audit/groups/4001", method: .get) { response in
                    #expect(response.status == .forbidden)
                }
                let page = try await client.run(fixture.tokens.auditor, uri: "/v1/audit/groups/4001?limit=50", method: .get) { response in
                    try Self.decode(AuditPageResponse.self, response)
                }
                let records = page.entries.map(\.record)
                #expect(records.contains { $0.action == "register_birth" && $0.actor == "REG-4-01" })
                #expect(records.contains { $0.action == "read_act" && $0.actor == "OEC-0401003-01" && $0.purpose == "counter request 2025/77" && $0.subject == act.actPath })
                #expect(records.contains { $0.action == "partner_vitalStatus" && $0.actor == "CNSS" && $0.purpose == "vitalStatus" })
                try await client.run(fixture.tokens.auditor, uri: "/v1/audit/groups/4001/verify", method: .get) { response in
                    guard case .intact(let length, _) = try Self.decode(AuditVerification.self, response) else {
                        Issue.record("the audit chain does not verify"); return
                    }
                    #expect(length == page.length)
                }
            }
        }
    }
}
