import Foundation
import HummingbirdTesting
import Registry
import Services
import Testing
@testable import Node

/// A token is refused before it expires once the topology revokes it, by its id or as one of
/// its holder's tokens issued up to a time; revocations travel in topology versions, which may
/// not drop one.
@Suite struct TokenRevocationTests {
    static let key = TokenKey()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func token(subject: String, issuedSecondsAgo: Double) throws -> (String, AccessClaims) {
        let claims = TokenKey.claims(subject: subject, role: .officer, office: OfficeCode(401003), lifetimeSeconds: 36_000,
                                     now: now.addingTimeInterval(-issuedSecondsAgo))
        return (try key.issue(claims), claims)
    }

    @Test func aRevokedTokenIsRefusedWithTheReasonEvenOnceVerifiedAndKept() throws {
        let revocations = TokenRevocations()
        let access = AccessControl(publicKey: Self.key.privateKey.publicKey, revocations: revocations, now: { Self.now })
        let (stolen, stolenClaims) = try Self.token(subject: "OEC-0401003-01", issuedSecondsAgo: 60)
        let (other, _) = try Self.token(subject: "OEC-0401003-01", issuedSecondsAgo: 30)
        #expect(try access.check(stolen).get().tokenID == stolenClaims.tokenID, "verified, and kept by the node")

        revocations.take([ClusterTopology.Revocation(tokenID: stolenClaims.tokenID, reason: "reported stolen", revokedAt: "2027-01-15T08:00:00Z")])
        #expect(access.check(stolen) == .failure(.revoked(reason: "reported stolen")))
        #expect(TokenProblem.revoked(reason: "reported stolen").code == "auth.token_revoked")
        #expect(try access.check(other).get().subject == "OEC-0401003-01", "the holder's other token is not this one")

        revocations.take([])
        #expect((try? access.check(stolen).get()) != nil, "the list is the topology's: what it does not list is not revoked")
    }

    @Test func aHoldersRevocationRefusesTheTokensIssuedUntilItAndNoneAfter() throws {
        let (before, _) = try Self.token(subject: "OEC-0401003-07", issuedSecondsAgo: 3_600)
        let (atTheSecond, _) = try Self.token(subject: "OEC-0401003-07", issuedSecondsAgo: 600)
        let (after, _) = try Self.token(subject: "OEC-0401003-07", issuedSecondsAgo: 599)
        let (colleague, _) = try Self.token(subject: "OEC-0401003-08", issuedSecondsAgo: 3_600)
        let through = UInt64(Self.now.timeIntervalSince1970) - 600
        let revocation = ClusterTopology.Revocation(subject: "OEC-0401003-07", issuedThrough: through, reason: "left the office", revokedAt: "2027-01-15T07:50:00Z")
        let access = AccessControl(publicKey: Self.key.privateKey.publicKey, revocations: TokenRevocations([revocation]), now: { Self.now })
        #expect(access.check(before) == .failure(.revoked(reason: "left the office")))
        #expect(access.check(atTheSecond) == .failure(.revoked(reason: "left the office")))
        #expect((try? access.check(after).get()) != nil, "a token issued after the revocation is the holder's new one")
        #expect((try? access.check(colleague).get()) != nil)
    }

    /// A token issued to a holder right after their tokens were revoked, in the same second, is
    /// dated one second later so that the revocation does not catch it.
    @Test func aTokenIssuedInTheSecondOfItsHoldersRevocationIsDatedAfterIt() {
        var topology = TopologyGrowthTests.rabat()
        #expect(topology.firstUnrevokedIssueTime(subject: "OEC-0401003-07", from: 1_800_000_000) == 1_800_000_000)
        topology.revokedTokens = [ClusterTopology.Revocation(subject: "OEC-0401003-07", issuedThrough: 1_800_000_000, reason: "left", revokedAt: "")]
        #expect(topology.firstUnrevokedIssueTime(subject: "OEC-0401003-07", from: 1_800_000_000) == 1_800_000_001)
        #expect(topology.firstUnrevokedIssueTime(subject: "OEC-0401003-07", from: 1_800_000_005) == 1_800_000_005)
        #expect(topology.firstUnrevokedIssueTime(subject: "OEC-0401003-08", from: 1_800_000_000) == 1_800_000_000)
    }

    @Test func aVersionAddsARevocationOnceAndNoVersionDropsOne() throws {
        let before = TopologyGrowthTests.rabat()
        let stolen = ClusterTopology.Revocation(tokenID: "0123456789abcdef0123456789abcdef", reason: "reported stolen", revokedAt: "2027-01-15T08:00:00Z")
        let next = try #require(try before.revoking(stolen))
        #expect(next.effectiveVersion == before.effectiveVersion + 1)
        #expect(next.revokedTokens == [stolen])
        #expect(try next.revoking(stolen) == nil, "revoking twice changes nothing")
        let left = ClusterTopology.Revocation(subject: "OEC-0401003-07", issuedThrough: 1_800_000_000, reason: "left", revokedAt: "2027-01-15T08:00:00Z")
        let both = try #require(try next.revoking(left))
        var earlier = left
        earlier.issuedThrough = 1_700_000_000
        #expect(try both.revoking(earlier) == nil, "an earlier revocation of the same holder's tokens is already covered")

        var dropped = both
        dropped.version = both.effectiveVersion + 1
        dropped.revokedTokens = [left]
        #expect(dropped.successorProblems(of: both).contains { $0.contains("a token revocation was dropped (token 0123456789abcdef0123456789abcdef)") })

        for bad in [ClusterTopology.Revocation(tokenID: "x", subject: "y", issuedThrough: 1, reason: "r", revokedAt: ""),
                    ClusterTopology.Revocation(subject: "y", reason: "r", revokedAt: ""),
                    ClusterTopology.Revocation(tokenID: "x", reason: "", revokedAt: "")] {
            #expect(throws: NodeConfiguration.Problem.self) { try before.revoking(bad) }
            var listed = before
            listed.revokedTokens = [bad]
            #expect(!listed.problems().isEmpty, "\(bad)")
        }
    }

    @Test func aRevocationIsLeftOutOnlyADayAfterEveryTokenItCoversExpired() throws {
        let day: UInt64 = 86_400
        let end: UInt64 = 1_800_000_000
        @Sendable func at(_ seconds: UInt64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
        let token = ClusterTopology.Revocation(tokenID: "0123456789abcdef0123456789abcdef", expiresAt: end, reason: "stolen", revokedAt: "")
        let holder = ClusterTopology.Revocation(subject: "OEC-0401003-07", issuedThrough: end, reason: "left", revokedAt: "")
        let unbounded = ClusterTopology.Revocation(tokenID: "fedcba9876543210fedcba9876543210", reason: "recorded without its end", revokedAt: "")
        #expect(token.lapsesAt == end)
        #expect(holder.lapsesAt == end + 90 * day, "a token issued through the revocation's time lives 90 days at most")
        #expect(unbounded.lapsesAt == nil)

        var listed = TopologyGrowthTests.rabat()
        listed.version = 2
        listed.revokedTokens = [token, holder, unbounded]
        let fresh = ClusterTopology.Revocation(tokenID: "00112233445566778899aabbccddeeff", expiresAt: end + 400 * day, reason: "lost", revokedAt: "")
        #expect(try listed.revoking(fresh, now: at(end + day - 1))?.revokedTokens == [token, holder, unbounded, fresh])
        #expect(try listed.revoking(fresh, now: at(end + day))?.revokedTokens == [holder, unbounded, fresh])
        #expect(try listed.revoking(fresh, now: at(end + 91 * day))?.revokedTokens == [unbounded, fresh], "the one without an end is kept for ever")

        // A node judges a version that leaves one out by its own clock.
        var pruned = listed
        pruned.version = 3
        pruned.revokedTokens = [holder, unbounded]
        #expect(pruned.successorProblems(of: listed, now: at(end + day)).isEmpty)
        #expect(pruned.successorProblems(of: listed, now: at(end + day - 1)).contains { $0.contains("a token revocation was dropped (token 0123456789abcdef") })
        pruned.revokedTokens = [token, holder]
        #expect(pruned.successorProblems(of: listed, now: at(end + 1_000 * day)).contains { $0.contains("(token fedcba9876543210") })

        // Where a revocation may go, the token it covered is refused as expired anyway.
        let claims = TokenKey.claims(subject: "OEC-0401003-07", role: .officer, office: OfficeCode(401003), lifetimeSeconds: AccessTokenLimits.lifetimeSecondsMax,
                                     now: at(end))
        let later = at(end + 90 * day + day)
        let access = AccessControl(publicKey: Self.key.privateKey.publicKey, revocations: TokenRevocations(), now: { later })
        #expect(access.check(try Self.key.issue(claims)) == .failure(.expired(atSeconds: end + 90 * day)))
    }

    /// On a running node: a token that works is refused with 401 `auth.token_revoked` once the
    /// node takes the version that revokes it, and the node keeps that version over a restart.
    @Test func aNodeRefusesATokenFromTheVersionThatRevokesIt() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let claims = try #require(try? AccessControl(topology: fixture.runtime.topology).check(fixture.tokens.registrar).get())
            try await app.test(.router) { client in
                try await client.run(fixture.tokens.registrar, uri: "/v1/cluster/status", method: .get) { response in
                    #expect(response.status != .unauthorized)
                }
                let revocation = ClusterTopology.Revocation(tokenID: claims.tokenID, reason: "laptop lost", revokedAt: "2027-01-15T08:00:00Z")
                let next = try #require(try fixture.runtime.topology.revoking(revocation))
                #expect(try fixture.runtime.applyTopology(next).changed)
                try await client.run(fixture.tokens.registrar, uri: "/v1/cluster/status", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    let body = String(buffer: response.body)
                    #expect(body.contains("auth.token_revoked") && body.contains("laptop lost"), "\(body)")
                }
                try await client.run(fixture.tokens.officer, uri: "/v1/cluster/status", method: .get) { response in
                    #expect(response.status != .unauthorized, "other tokens are not touched")
                }
            }
            let kept = try NodeConfiguration.load(path: fixture.layout.configurationPath(node: 1)).topology
            #expect(kept.revokedTokens?.map(\.tokenID) == [claims.tokenID], "a restart takes the version it accepted")
        }
    }
}
