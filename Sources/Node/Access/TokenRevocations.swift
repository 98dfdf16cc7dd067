import NIOConcurrencyHelpers
import Services

/// The token revocations a node enforces: those of its topology version (`revokedTokens`) and
/// those it learned from its peers that the version does not hold yet, renewed by
/// `RevocationExchange` with every version it takes and every revocation it learns, so a
/// revocation holds on the next request, tokens already verified and kept by `VerifiedTokens`
/// included.
public final class TokenRevocations: Sendable {
    private struct Index {
        var byTokenID: [String: String] = [:]
        var bySubject: [String: [(issuedThrough: UInt64, reason: String)]] = [:]
    }

    private let index: NIOLockedValueBox<Index>

    /// The revocations of `list`.
    public init(_ list: [ClusterTopology.Revocation] = []) {
        index = NIOLockedValueBox(Self.index(of: list))
    }

    private static func index(of list: [ClusterTopology.Revocation]) -> Index {
        var index = Index()
        for revocation in list {
            if let id = revocation.tokenID { index.byTokenID[id] = revocation.reason }
            if let subject = revocation.subject, let through = revocation.issuedThrough {
                index.bySubject[subject, default: []].append((through, revocation.reason))
            }
        }
        return index
    }

    /// Enforces `list` from now on.
    public func take(_ list: [ClusterTopology.Revocation]) {
        let next = Self.index(of: list)
        index.withLockedValue { $0 = next }
    }

    /// Why the token with `claims` is revoked, or nil when it is not.
    public func reason(revoking claims: AccessClaims) -> String? {
        index.withLockedValue { index in
            if let reason = index.byTokenID[claims.tokenID] { return reason }
            return index.bySubject[claims.subject]?.first { claims.issuedAtSeconds <= $0.issuedThrough }?.reason
        }
    }
}
