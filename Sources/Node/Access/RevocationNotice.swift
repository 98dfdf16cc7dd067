import Foundation
import Services

/// The frame in which a node tells a peer every token revocation it enforces, over the
/// nodes' mutual-TLS transport, so that a node that missed a pushed topology version (it was
/// down, or unreachable) still refuses the tokens it revokes (`RevocationExchange`).
///
/// Layout: the kind byte ``frameKind``, then the revocations as one JSON array (the fields of
/// `ClusterTopology.Revocation`). The node core's frames begin with their version, 1, so the
/// two never meet: a node core that is handed a notice refuses it as a frame of an unknown
/// version and drops it, which is what a node of an earlier version does with one.
public enum RevocationNotice {
    /// The first byte of a notice.
    public static let frameKind: UInt8 = 0x81
    /// The most revocations one notice holds: a node's list goes in as many notices as it
    /// takes, each far below the transport's frame cap (1,000 of the longest revocations take
    /// about 1.4 MB).
    public static let revocationsPerNotice = 1_000
    /// The most revocations a node keeps learned from its peers.
    public static let learnedMax = 50_000
    /// The longest reason, token id, subject and time a learned revocation may carry.
    public static let reasonBytesMax = 1_000
    public static let identifierBytesMax = 256
    public static let revokedAtBytesMax = 64

    /// Whether `frame` is a notice rather than a node-core frame.
    public static func isNotice(_ frame: [UInt8]) -> Bool { frame.first == frameKind }

    /// The notices carrying `revocations`, ``revocationsPerNotice`` at most in each.
    public static func notices(_ revocations: [ClusterTopology.Revocation]) -> [[UInt8]] {
        stride(from: 0, to: revocations.count, by: revocationsPerNotice).map {
            encode(Array(revocations[$0..<min($0 + revocationsPerNotice, revocations.count)]))
        }
    }

    /// The notice carrying `revocations` (at most ``revocationsPerNotice`` of them).
    public static func encode(_ revocations: [ClusterTopology.Revocation]) -> [UInt8] {
        [frameKind] + Array(json(revocations))
    }

    /// `revocations` as one line of JSON.
    static func json(_ revocations: [ClusterTopology.Revocation]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A value type of strings and integers always encodes.
        return (try? encoder.encode(revocations)) ?? Data("[]".utf8)
    }

    /// A notice that cannot be read.
    public struct Unreadable: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The revocations of a notice; each must still pass ``problem(of:nowSeconds:)``.
    public static func decode(_ frame: [UInt8]) throws(Unreadable) -> [ClusterTopology.Revocation] {
        guard isNotice(frame) else { throw Unreadable(description: "not a revocation notice") }
        let list: [ClusterTopology.Revocation]
        do {
            list = try JSONDecoder().decode([ClusterTopology.Revocation].self, from: Data(frame[1...]))
        } catch {
            throw Unreadable(description: "not a JSON list of revocations (\(frame.count) bytes)")
        }
        guard list.count <= revocationsPerNotice else {
            throw Unreadable(description: "\(list.count) revocations, more than the \(revocationsPerNotice) a notice may hold")
        }
        return list
    }

    /// Why a node must not take `revocation` from a peer at `nowSeconds` (its own clock), or
    /// nil when it may. A peer is a node of the cluster (its certificate proves it), but what
    /// it passes on could still refuse tokens it should not: a holder's revocation that reaches
    /// past this node's clock by more than a day would refuse tokens not yet issued, and one
    /// token's that ends after any token can would be kept longer than the token lives.
    public static func problem(of revocation: ClusterTopology.Revocation, nowSeconds: UInt64) -> String? {
        if let problem = revocation.problem { return problem }
        if let id = revocation.tokenID, id.utf8.count > identifierBytesMax { return "a token id of \(id.utf8.count) bytes" }
        if let subject = revocation.subject, subject.utf8.count > identifierBytesMax { return "a subject of \(subject.utf8.count) bytes" }
        if revocation.reason.utf8.count > reasonBytesMax { return "a reason of \(revocation.reason.utf8.count) bytes" }
        if revocation.revokedAt.utf8.count > revokedAtBytesMax { return "a revocation time of \(revocation.revokedAt.utf8.count) bytes" }
        let skew = ClusterTopology.Revocation.keptAfterLapseSeconds
        if revocation.tokenID == nil, let through = revocation.issuedThrough, through > nowSeconds + skew {
            return "\(revocation.subject ?? "")'s tokens revoked through \(through), more than a day past this node's clock (\(nowSeconds))"
        }
        if revocation.tokenID != nil, let end = revocation.expiresAt, end > nowSeconds + AccessTokenLimits.lifetimeSecondsMax + skew {
            return "token \(revocation.tokenID ?? "") said to end at \(end), later than a token issued now can"
        }
        return nil
    }
}

/// What a list of revocations refuses, to tell in constant time whether it covers another.
struct RevocationCover {
    private var tokenIDs: Set<String> = []
    private var throughBySubject: [String: UInt64] = [:]

    init(_ lists: [ClusterTopology.Revocation]...) {
        for list in lists { for revocation in list { insert(revocation) } }
    }

    mutating func insert(_ revocation: ClusterTopology.Revocation) {
        if let id = revocation.tokenID { tokenIDs.insert(id) }
        if revocation.tokenID == nil, let subject = revocation.subject, let through = revocation.issuedThrough {
            throughBySubject[subject] = max(throughBySubject[subject] ?? 0, through)
        }
    }

    /// Whether one revocation of the list covers `revocation` (`Revocation.covers`).
    func covers(_ revocation: ClusterTopology.Revocation) -> Bool {
        if let id = revocation.tokenID { return tokenIDs.contains(id) }
        guard let subject = revocation.subject, let through = revocation.issuedThrough, let held = throughBySubject[subject] else { return false }
        return held >= through
    }
}

extension ClusterTopology.Revocation {
    /// Whether this revocation refuses every token `other` refuses: the same token, or the
    /// same holder's tokens issued through the same time or a later one.
    public func covers(_ other: ClusterTopology.Revocation) -> Bool {
        if let id = other.tokenID { return tokenID == id }
        guard let subject = other.subject, let through = other.issuedThrough else { return false }
        return tokenID == nil && self.subject == subject && (issuedThrough ?? 0) >= through
    }
}
