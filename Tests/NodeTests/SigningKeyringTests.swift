import Crypto
import Foundation
import HummingbirdTesting
import Registry
import Testing
@testable import Node

/// A region signs copies with its current key; copies signed with the keys it had before (a
/// cluster restored from a backup) still verify, and a topology version cannot drop those keys.
@Suite struct SigningKeyringTests {
    static func key(_ byte: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32))
    }

    static func published(_ key: Curve25519.Signing.PrivateKey) -> String { key.publicKey.rawRepresentation.base64EncodedString() }

    static func copy(signedWith key: Curve25519.Signing.PrivateKey) throws -> CivilStatusCopy {
        try CopyIssuer(signingKey: key).issue(
            SearchIndexWriterMergeTests.record(1, given: "Yassine"), form: .extract, language: .french,
            issuedAt: Timestamp(date: GregorianDate(year: 2026, month: 1, day: 15), time: TimeOfDay(hour: 9, minute: 0)),
            requester: CopyRequester(relation: .other))
    }

    /// RSK signs with key 1 and had keys 2 and 3; CS signs with key 4.
    static func topology(rskFormer: [String]? = [published(key(2)), published(key(3))], csFormer: [String]? = nil) -> ClusterTopology {
        var topology = TopologyGrowthTests.rabat()
        topology.regions[0].signingPublicKey = published(key(1))
        topology.regions[0].formerSigningPublicKeys = rskFormer
        let (casablanca, nodes) = TopologyGrowthTests.casablanca(topology)
        topology.nodes += nodes
        topology.regions.append(casablanca)
        topology.regions[1].signingPublicKey = published(key(4))
        topology.regions[1].formerSigningPublicKeys = csFormer
        return topology
    }

    @Test func copiesSignedWithAFormerKeyVerifyAndNewOnesAreSignedWithTheCurrentKey() throws {
        let keyring = try SigningKeyring(keys: [RegionSigningKey(region: "RSK", privateKey: Self.key(1))], topology: Self.topology())
        for byte: UInt8 in [1, 2, 3] {
            let verdict = keyring.verify(try Self.copy(signedWith: Self.key(byte)))
            #expect(verdict.valid && verdict.region == "RSK", "key \(byte): \(verdict)")
        }
        #expect(keyring.verify(try Self.copy(signedWith: Self.key(4))).region == "CS")

        let issued = try #require(keyring.issuer(region: "RSK")).issue(
            SearchIndexWriterMergeTests.record(1, given: "Yassine"), form: .extract, language: .french,
            issuedAt: Timestamp(date: GregorianDate(year: 2026, month: 1, day: 15), time: TimeOfDay(hour: 9, minute: 0)),
            requester: CopyRequester(relation: .other))
        #expect(issued.keyFingerprint == CopyIssuer.fingerprint(of: Self.key(1).publicKey), "never signed with a former key")

        var altered = try Self.copy(signedWith: Self.key(2))
        altered.lines[0].value += "X"
        let verdict = keyring.verify(altered)
        #expect(!verdict.valid && verdict.region == "RSK" && verdict.reason?.contains("altered") == true, "\(verdict)")

        let unknown = keyring.verify(try Self.copy(signedWith: Self.key(9)))
        #expect(!unknown.valid && unknown.region == nil && unknown.reason?.contains("no region of this cluster signs with key") == true)

        let withoutFormer = try SigningKeyring(keys: [], topology: Self.topology(rskFormer: nil))
        #expect(!withoutFormer.verify(try Self.copy(signedWith: Self.key(2))).valid, "a key the topology does not list verifies nothing")
    }

    @Test func aMalformedFormerKeyOrOneClaimedByTwoRegionsIsRefusedByName() throws {
        #expect { try SigningKeyring(keys: [], topology: Self.topology(rskFormer: ["not a key"])) } throws: { error in
            "\(error)".contains("region RSK: formerSigningPublicKeys[0] is not a base64 Ed25519 key")
        }
        #expect { try SigningKeyring(keys: [], topology: Self.topology(csFormer: [Self.published(Self.key(2))])) } throws: { error in
            "\(error)".contains("verifies copies of both CS and RSK")
        }
    }

    @Test func aTopologyVersionCannotChangeTheSigningKeyOrDropAFormerOne() throws {
        let before = Self.topology()
        var added = before
        added.version = 2
        added.regions[0].formerSigningPublicKeys?.append(Self.published(Self.key(5)))
        #expect(added.successorProblems(of: before).isEmpty)

        var dropped = before
        dropped.version = 2
        dropped.regions[0].formerSigningPublicKeys?.removeFirst()
        #expect(dropped.successorProblems(of: before).contains { $0.contains("region RSK dropped a former copy-signing key") })

        var changed = before
        changed.version = 2
        changed.regions[1].signingPublicKey = Self.published(Self.key(6))
        #expect(changed.successorProblems(of: before).contains { $0.contains("region CS changed its copy-signing key") })
    }

    /// A node verifies the copies of a region added after it started (the topology version
    /// `add-region` pushes) without a restart; a version whose keys do not read is refused and
    /// changes nothing.
    @Test func aRegionAddedWhileTheNodeRunsHasItsCopiesVerifiedWithoutARestart() async throws {
        let casablancaCopy = try Self.copy(signedWith: Self.key(4))
        try await SingleNodeFixture.with { fixture, app in
            let before = fixture.runtime.topology
            let nodes = (1...3).map { index in
                let port = SingleNodeFixture.freePort()
                return ClusterTopology.Node(id: UInt64(600 + index), region: "CS", peer: "127.0.0.1:\(port + ClusterLayout.peerPortOffset)", http: "127.0.0.1:\(port)")
            }
            var casablanca = ClusterTopology.Region(key: "CS", code: 6, durability: "region",
                                                    shards: ClusterTopology.shards(regionCode: 6, count: 1, members: nodes.map(\.id)))
            casablanca.signingPublicKey = Self.published(Self.key(4))
            let next = try before.addingRegion(casablanca, nodes: nodes)

            var broken = next
            broken.regions[1].formerSigningPublicKeys = ["not a key"]
            #expect { try fixture.runtime.applyTopology(broken) } throws: { error in
                "\(error)".contains("cannot follow") && "\(error)".contains("formerSigningPublicKeys[0] is not a base64 Ed25519 key")
            }
            #expect(fixture.runtime.topology == before, "a refused version changes nothing")

            try await app.test(.router) { client in
                try await client.run(fixture.tokens.registrar, uri: "/v1/copies/verify", method: .post, body: Bodies.json(casablancaCopy)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(!answer.valid && answer.reason?.contains("no region of this cluster signs with key") == true, "\(answer)")
                }
                let applied = try fixture.runtime.applyTopology(next)
                #expect(applied.changed)
                try await client.run(fixture.tokens.registrar, uri: "/v1/copies/verify", method: .post, body: Bodies.json(casablancaCopy)) { response in
                    let answer = try Bodies.decode(CopyVerificationResponse.self, response.body)
                    #expect(answer.valid && answer.region == "CS", "\(answer)")
                }
            }
            #expect(fixture.runtime.keyring.issuer(region: "CS") == nil, "the node holds no key of another region")
            #expect(fixture.runtime.keyring.issuer(region: "RSK") != nil)
        }
    }
}
