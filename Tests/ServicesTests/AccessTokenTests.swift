import Foundation
import Crypto
import Registry
import Services
import Testing

@Suite struct AccessTokenTests {
    /// A fixed key (computed: the key type is not `Sendable`).
    static var key: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
    }
    static let now: UInt64 = 1_780_000_000

    static func claims(role: Role = .officer, office: OfficeCode? = OfficeCode(401003), issued: UInt64 = now, lifetime: UInt64 = 3_600) -> AccessClaims {
        AccessClaims(tokenID: "t1", subject: "OEC-0401003-01", nameLatin: "Said Idrissi", role: role, office: office,
                     issuedAtSeconds: issued, expiresAtSeconds: issued + lifetime)
    }

    @Test func aTokenSignedWithTheClusterKeyChecksBackToItsClaims() throws {
        let token = try AccessToken.issue(Self.claims(), signingKey: Self.key)
        #expect(token.hasPrefix("sjt1."))
        #expect(AccessToken.check(token, publicKey: Self.key.publicKey, nowSeconds: Self.now + 10) == .success(Self.claims()))
    }

    @Test func aTokenSignedWithAnotherKeyIsRefusedAsForged() throws {
        let token = try AccessToken.issue(Self.claims(), signingKey: Curve25519.Signing.PrivateKey())
        #expect(AccessToken.check(token, publicKey: Self.key.publicKey, nowSeconds: Self.now) == .failure(.forged))
    }

    @Test func aTokenWhoseClaimsWereAlteredIsRefusedAsForged() throws {
        let token = try AccessToken.issue(Self.claims(), signingKey: Self.key)
        let parts = token.split(separator: ".").map(String.init)
        // Claims of a registrar, pasted over the officer's: the signature no longer covers them.
        let other = try AccessToken.issue(Self.claims(role: .registrar, office: nil).withRegion(4), signingKey: Curve25519.Signing.PrivateKey())
        let forged = [parts[0], other.split(separator: ".").map(String.init)[1], parts[2]].joined(separator: ".")
        #expect(AccessToken.check(forged, publicKey: Self.key.publicKey, nowSeconds: Self.now) == .failure(.forged))
    }

    @Test func anExpiredTokenIsRefusedFromItsExpirySecondOn() throws {
        let token = try AccessToken.issue(Self.claims(lifetime: 60), signingKey: Self.key)
        #expect(AccessToken.check(token, publicKey: Self.key.publicKey, nowSeconds: Self.now + 59) == .success(Self.claims(lifetime: 60)))
        #expect(AccessToken.check(token, publicKey: Self.key.publicKey, nowSeconds: Self.now + 60) == .failure(.expired(atSeconds: Self.now + 60)))
    }

    @Test func garbageAndTruncatedTokensAreMalformedNotCrashes() {
        for text in ["", "sjt1", "sjt1..", "sjt2.AAAA.BBBB", "sjt1.!!!.???", "Bearer x", String(repeating: "a", count: 5_000)] {
            guard case .failure(let problem) = AccessToken.check(text, publicKey: Self.key.publicKey, nowSeconds: Self.now) else {
                Issue.record("\(text.prefix(20)) was accepted")
                continue
            }
            #expect(problem == .forged || problem.code == "auth.token_malformed", "\(text.prefix(20)): \(problem)")
        }
    }

    @Test func issuingRefusesClaimsUnusableForTheirRole() {
        #expect(throws: TokenProblem.self) { try AccessToken.issue(Self.claims(office: nil), signingKey: Self.key) }
        #expect(throws: TokenProblem.self) { try AccessToken.issue(Self.claims(lifetime: AccessTokenLimits.lifetimeSecondsMax + 1), signingKey: Self.key) }
        let partner = AccessClaims(tokenID: "p", subject: "CNSS", role: .partner, issuedAtSeconds: Self.now, expiresAtSeconds: Self.now + 60)
        #expect(throws: TokenProblem.self) { try AccessToken.issue(partner, signingKey: Self.key) }
    }

    /// `claims` signed as `issue` signs them (the token format of docs/SERVICES.md), without
    /// its checks.
    static func signedWithoutChecks(_ claims: AccessClaims) throws -> String {
        func base64URL(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let payload = claims.canonicalBytes
        let signature = try key.signature(for: Array("sijil/token/v1".utf8) + payload)
        return "\(AccessToken.prefix).\(base64URL(payload)).\(base64URL(Array(signature)))"
    }

    /// Signed claims that `issue` refuses (a 91-day lifetime, an officer without an office) are
    /// refused by `check` as well: the signature alone does not make them usable.
    @Test(arguments: [AccessTokenTests.claims(lifetime: AccessTokenLimits.lifetimeSecondsMax + 1), AccessTokenTests.claims(office: nil)])
    func signedClaimsThatIssuingRefusesAreRefused(claims: AccessClaims) throws {
        let problems = claims.problems()
        #expect(!problems.isEmpty)
        let outcome = AccessToken.check(try Self.signedWithoutChecks(claims), publicKey: Self.key.publicKey, nowSeconds: Self.now + 1)
        #expect(outcome == .failure(.malformed("claims: " + problems.joined(separator: "; "))))
        // Claims within the rules, signed the same way, are accepted.
        let valid = Self.claims()
        #expect(AccessToken.check(try Self.signedWithoutChecks(valid), publicKey: Self.key.publicKey, nowSeconds: Self.now + 1) == .success(valid))
    }

    @Test func aTokenIssuedInTheFutureBeyondTheSkewIsRefused() throws {
        let token = try AccessToken.issue(Self.claims(issued: Self.now + 3_000), signingKey: Self.key)
        #expect(AccessToken.check(token, publicKey: Self.key.publicKey, nowSeconds: Self.now) == .failure(.notYetValid))
    }
}

extension AccessClaims {
    func withRegion(_ code: UInt8) -> AccessClaims {
        var copy = self
        copy.region = RegionCode(code)
        return copy
    }
}
