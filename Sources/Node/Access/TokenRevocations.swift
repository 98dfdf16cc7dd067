import NIOConcurrencyHelpers
import Services

/// The token revocations a node enforces: those of its topology version (`revokedTokens`),
/// renewed with every version it takes, and those it learned from its peers that the version
/// does not hold yet (`RevocationExchange`). A revocation holds on the next request, tokens
/// already verified and kept by `VerifiedTokens` included.
public final class TokenRevocations: Sendable {
    private struct Index {
        var byTokenID: [String: String] = [:]
        var bySubject: [String: [(issuedThrough: UInt64, reason: String)]] = [:]
    }

    private struct Lists {
        var topology: [ClusterTopology.Revocation]
        var learned: [ClusterTopology.Revocation] = []
        var index: Index
    }

    private let lists: NIOLockedValueBox<Lists>

    /// The revocations of a topology's `list`.
    public init(_ list: [ClusterTopology.Revocation] = []) {
        lists = NIOLockedValueBox(Lists(topology: list, index: Self.index(of: list)))
    }

    private static func index(of list: [ClusterTopology.Revocation]) -> Index {
        var index = Index()
        for revocation in list {
            if let id = revocation.tokenID { index.byTokenID[id] = index.byTokenID[id] ?? revocation.reason }
            if let subject = revocation.subject, let through = revocation.issuedThrough {
                index.bySubject[subject, default: []].append((through, revocation.reason))
            }
        }
        return index
    }

    /// Enforces the revocations of a topology version's `list` from now on, with the learned ones.
    public func take(_ list: [ClusterTopology.Revocation]) {
        lists.withLockedValue { lists in
            lists.topology = list
            lists.index = Self.index(of: list + lists.learned)
        }
    }

    /// Enforces the revocations learned from peers in `list` from now on, with the topology's
    /// (replacing the ones learned before).
    public func learn(_ list: [ClusterTopology.Revocation]) {
        lists.withLockedValue { lists in
            lists.learned = list
            lists.index = Self.index(of: lists.topology + list)
        }
    }

    /// Why the token with `claims` is revoked, or nil when it is not.
    public func reason(revoking claims: AccessClaims) -> String? {
        lists.withLockedValue { lists in
            if let reason = lists.index.byTokenID[claims.tokenID] { return reason }
            return lists.index.bySubject[claims.subject]?.first { claims.issuedAtSeconds <= $0.issuedThrough }?.reason
        }
    }
}
