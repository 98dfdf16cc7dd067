import Foundation
import Services

/// The claims of tokens whose signature a node has verified, so that a client sending the same
/// token with every request costs one Ed25519 verification, not one per request. Only
/// tokens that verified are kept (a forged token is verified, and refused, every time); the
/// claims' times are checked by the caller at every use. Bounded: when full it is emptied,
/// which costs one verification per token in use and nothing else.
/// `@unchecked Sendable`: `entries` is read and written only while `lock` is held.
final class VerifiedTokens: @unchecked Sendable {
    /// Distinct tokens kept. Tokens live hours and a node serves a region's staff (a few
    /// thousand officers), so this holds every token in use.
    static let entriesMax = 8_192

    private let lock = NSLock()
    private var entries: [String: AccessClaims] = [:]

    /// The claims of `token` if its signature was verified before.
    func claims(of token: String) -> AccessClaims? {
        lock.lock()
        defer { lock.unlock() }
        return entries[token]
    }

    /// Keeps the claims of a token whose signature verified.
    func keep(_ claims: AccessClaims, of token: String) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= Self.entriesMax { entries.removeAll(keepingCapacity: true) }
        entries[token] = claims
    }

    /// Tokens kept (for tests).
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}
