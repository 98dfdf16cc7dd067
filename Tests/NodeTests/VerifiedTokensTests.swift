import Crypto
import Foundation
import Node
import Registry
import Services
import Testing

/// A node verifies a token's signature once and keeps its claims; the times are still checked at
/// every request and a forged token is never kept.
@Suite struct VerifiedTokensTests {
    /// A clock the test moves.
    final class Clock: @unchecked Sendable {
        // `@unchecked Sendable`: `seconds` is read and written only while `lock` is held.
        private let lock = NSLock()
        private var seconds: TimeInterval
        init(_ date: Date) { seconds = date.timeIntervalSince1970 }
        func advance(_ by: TimeInterval) { lock.lock(); seconds += by; lock.unlock() }
        func now() -> Date { lock.lock(); defer { lock.unlock() }; return Date(timeIntervalSince1970: seconds) }
    }

    @Test func aKeptTokenStillExpiresAndAForgedOneIsRefusedEveryTime() throws {
        let key = TokenKey()
        let issued = Date(timeIntervalSince1970: 1_790_000_000)
        let clock = Clock(issued)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: key.publicKeyBase64)))
        let access = AccessControl(publicKey: publicKey, now: { clock.now() })
        let claims = TokenKey.claims(subject: "OEC-0401003-01", role: .officer, office: OfficeCode(401003), lifetimeSeconds: 3_600, now: issued)
        let token = try key.issue(claims)

        for _ in 0..<3 {
            guard case .success(let seen) = access.check(token) else { Issue.record("a valid token is accepted"); return }
            #expect(seen == claims)
        }
        clock.advance(3_600)
        guard case .failure(.expired) = access.check(token) else { Issue.record("a kept token expires like any other"); return }

        let forged = try TokenKey().issue(claims)
        clock.advance(-3_000)
        for _ in 0..<2 {
            guard case .failure(.forged) = access.check(forged) else { Issue.record("a forged token is refused"); return }
        }
    }
}
