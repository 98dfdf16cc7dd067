import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Node
import Registry
import Services
import Testing

/// A death act registered at the counter puts the death mention on the deceased's birth act
/// (in its own shard group), once however often the registration is retried, and says so; a
/// birth act it cannot reach is named with the reason, and the death act stands.
@Suite(.serialized) struct DeathMentionRouteTests {
    static func death(civilID: CivilDigitalID? = nil, birthAct: ActID? = nil, office: UInt32 = 401003) -> DeathDeclaration {
        let yesterday = GregorianDate(daysSinceEpoch: Timestamp.minute(of: Date()).date.daysSinceEpoch - 1)
        let name = PersonName(givenName: Name(arabic: "ياسين", latin: "Yassine"), familyName: Name(arabic: "العلوي", latin: "El Alaoui"))
        return DeathDeclaration(
            office: OfficeCode(office), deceased: name, sex: .male, birthDate: nil, birthPlace: nil, civilDigitalID: civilID, birthAct: birthAct,
            fatherName: nil, motherName: nil, deathDate: DualDate(gregorian: yesterday), deathTime: TimeOfDay(hour: 6, minute: 30),
            deathPlace: Place(arabic: "الرباط", latin: "Rabat"),
            declarant: Declarant(name: PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"), familyName: name.familyName), relation: .father))
    }

    static func registerDeath(_ client: some TestClientProtocol, _ token: String, _ death: DeathDeclaration, key: String) async throws -> (HTTPResponse.Status, WriteResponse) {
        try await client.run(token, uri: "/v1/acts/deaths", method: .post, headers: [.contentType: "application/json", HTTPField.Name("Idempotency-Key")!: key],
                             body: Bodies.json(RegisterDeathBody(officer: Bodies.officer, declaration: death))) { response in
            (response.status, try Bodies.decode(WriteResponse.self, response.body))
        }
    }

    @Test func aDeathActPutsItsMentionOnTheBirthActOnceAndSaysWhenItCannot() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let token = fixture.tokens.registrar
            try await app.test(.router) { client in
                let birth = try await client.run(token, uri: "/v1/acts/births", method: .post, headers: [.contentType: "application/json"],
                                                 body: Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth()))) { response in
                    try Bodies.decode(WriteResponse.self, response.body)
                }
                let civilID = try #require(birth.civilDigitalID)
                let key = "00112233445566778899aabbccddeeff"
                let (status, death) = try await Self.registerDeath(client, token, Self.death(civilID: civilID), key: key)
                #expect(status == .created)
                #expect(death.deathMention == DeathMentionStatus(birthAct: birth.actPath, written: true, mentionSequence: 1), "\(String(describing: death.deathMention))")

                let (retryStatus, retry) = try await Self.registerDeath(client, token, Self.death(civilID: civilID), key: key)
                #expect(retryStatus == .ok && retry.duplicate && retry.actID == death.actID)
                #expect(retry.deathMention?.written == true && retry.deathMention?.mentionSequence == 1, "the retry finds the same mention")

                let record = try await client.run(token, uri: "/v1/acts/\(birth.actPath)", method: .get) { response in
                    try Bodies.decode(ActResponse.self, response.body).record
                }
                #expect(record.mentions.count == 1, "one mention however often the death is registered")
                guard case .death(let mention)? = record.mentions.first?.body else {
                    Issue.record("the birth act's mention is \(String(describing: record.mentions.first?.body))")
                    return
                }
                #expect(mention.deathAct == death.actID)

                // A birth act not (yet) in the register: the death act stands, the mention is named as not written.
                let missing = ActID(register: RegisterID(office: OfficeCode(401003), year: 1961, kind: .birth), number: 7)
                let (missingStatus, orphan) = try await Self.registerDeath(client, token, Self.death(birthAct: missing), key: "ffeeddccbbaa99887766554433221100")
                #expect(missingStatus == .created)
                #expect(orphan.deathMention?.birthAct == missing.path && orphan.deathMention?.written == false)
                #expect(orphan.deathMention?.code == "registry.act_not_found", "\(String(describing: orphan.deathMention))")
                try await client.run(nil, uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains("sijil_death_mentions_unwritten_total 1"), "counted once, for the sweep")
                }

                // A death act that names no birth act calls for no mention.
                let (_, anonymous) = try await Self.registerDeath(client, token, Self.death(), key: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f")
                #expect(anonymous.deathMention == nil)
            }
        }
    }

    /// The same mention when the death act is drawn up from a declaration (a citizen's, reviewed
    /// by the office's officer).
    @Test func aDeclaredDeathDrawnUpPutsItsMentionOnTheBirthAct() async throws {
        try await SingleNodeFixture.with { fixture, app in
            try await app.test(.router) { client in
                let birth = try await client.run(fixture.tokens.registrar, uri: "/v1/acts/births", method: .post, headers: [.contentType: "application/json"],
                                                 body: Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth()))) { response in
                    try Bodies.decode(WriteResponse.self, response.body)
                }
                let filed = try await client.run(nil, uri: "/v1/declarations", method: .post,
                                                 body: Bodies.json(DeclarationBody(declarantName: "Ahmed El Alaoui", death: Self.death(civilID: birth.civilDigitalID)))) { response in
                    #expect(response.status == .created)
                    return try Bodies.decode(PreliminaryDeclaration.self, response.body)
                }
                let reviewed = try await client.run(fixture.tokens.officer, uri: "/v1/offices/0401003/declarations/\(filed.reference.id)/register", method: .post,
                                                    body: Bodies.json(RegisterDeclarationBody())) { response in
                    #expect(response.status == .ok)
                    return try Bodies.decode(PreliminaryDeclaration.self, response.body)
                }
                let deathAct = try #require(reviewed.registeredAct)
                let record = try await client.run(fixture.tokens.registrar, uri: "/v1/acts/\(birth.actPath)", method: .get) { response in
                    try Bodies.decode(ActResponse.self, response.body).record
                }
                guard case .death(let mention)? = record.mentions.first?.body, record.mentions.count == 1 else {
                    Issue.record("the birth act's mentions are \(record.mentions.map(\.body))")
                    return
                }
                #expect(mention.deathAct == deathAct)
            }
        }
    }

    @Test func theMentionsRequestIdDerivesFromTheDeathActAlone() {
        let first = ActID(register: RegisterID(office: OfficeCode(401003), year: 2026, kind: .death), number: 1)
        let second = ActID(register: RegisterID(office: OfficeCode(401003), year: 2026, kind: .death), number: 2)
        #expect(DeathMentions.requestID(deathAct: first) == DeathMentions.requestID(deathAct: first))
        #expect(DeathMentions.requestID(deathAct: first) != DeathMentions.requestID(deathAct: second))
    }
}
