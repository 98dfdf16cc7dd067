import Crypto
import Foundation
import Registry

/// Limits on access tokens.
public enum AccessTokenLimits {
    /// Longest token accepted, in bytes: claims are a few hundred bytes; anything larger is not
    /// ours and is refused before decoding.
    public static let tokenBytesMax = 2_048
    /// Longest subject or token id, in bytes: an identifier and a name.
    public static let subjectBytesMax = 128
    /// Longest lifetime: 90 days, the renewal period of a partner's agreement keys. Officers'
    /// tokens are issued for a shift (hours); nothing lives longer than a quarter.
    public static let lifetimeSecondsMax: UInt64 = 90 * 86_400
}

/// Why a token is refused. Stable codes; all answer 401.
public enum TokenProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// No token was sent.
    case missing
    /// The text is not a token of this format.
    case malformed(String)
    /// The signature does not verify with the cluster's token key: forged or altered.
    case forged
    /// The token's expiry has passed.
    case expired(atSeconds: UInt64)
    /// Issued in the future (more than the allowed clock skew).
    case notYetValid
    /// Revoked by the operators before its expiry (a lost token, a holder who left).
    case revoked(reason: String)

    /// The stable code.
    public var code: String {
        switch self {
        case .missing: "auth.token_missing"
        case .malformed: "auth.token_malformed"
        case .forged: "auth.token_forged"
        case .expired: "auth.token_expired"
        case .notYetValid: "auth.token_not_yet_valid"
        case .revoked: "auth.token_revoked"
        }
    }

    /// For people.
    public var description: String {
        switch self {
        case .missing: "send a token: Authorization: Bearer <token>"
        case .malformed(let why): "the token is not readable: \(why)"
        case .forged: "the token's signature does not verify with this cluster's token key"
        case .expired(let at): "the token expired at \(at) (seconds since 1970)"
        case .notYetValid: "the token is issued in the future"
        case .revoked(let reason): "the token was revoked: \(reason)"
        }
    }
}

/// Signed access tokens: `sjt1.<claims>.<signature>`, both parts base64url without padding. The
/// claims are `AccessClaims` in canonical form; the Ed25519 signature covers
/// `"sijil/token/v1" ‖ claims`. The operator's CLI holds the private key (`cluster init` makes
/// it); nodes hold only the public key, from the topology, so a node cannot mint tokens.
public enum AccessToken {
    /// The token's prefix, naming its format.
    public static let prefix = "sjt1"
    /// Clock skew tolerated on the issue time, in seconds: nodes are NTP-synchronised to well
    /// under a minute.
    public static let clockSkewSecondsMax: UInt64 = 120
    static let domain = Array("sijil/token/v1".utf8)

    /// Signs claims into a token. Throws when the claims are unusable for their role or the
    /// signature fails.
    public static func issue(_ claims: AccessClaims, signingKey: Curve25519.Signing.PrivateKey) throws -> String {
        let problems = claims.problems()
        guard problems.isEmpty else { throw TokenProblem.malformed(problems.joined(separator: "; ")) }
        let payload = claims.canonicalBytes
        let signature = try signingKey.signature(for: domain + payload)
        return "\(prefix).\(Base64URL.encode(payload)).\(Base64URL.encode(Array(signature)))"
    }

    /// Checks a token's format, signature and validity at `nowSeconds`.
    public static func check(_ token: String, publicKey: Curve25519.Signing.PublicKey, nowSeconds: UInt64) -> Result<AccessClaims, TokenProblem> {
        guard token.utf8.count <= AccessTokenLimits.tokenBytesMax else { return .failure(.malformed("longer than \(AccessTokenLimits.tokenBytesMax) bytes")) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix else { return .failure(.malformed("expected \(prefix).<claims>.<signature>")) }
        guard let payload = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2])) else {
            return .failure(.malformed("not base64url"))
        }
        // The signature is checked before the claims are decoded: unsigned bytes are never parsed.
        guard publicKey.isValidSignature(signature, for: domain + payload) else { return .failure(.forged) }
        let claims: AccessClaims
        do { claims = try AccessClaims.decode(canonical: payload) } catch { return .failure(.malformed("claims: \(error.code)")) }
        // Claims `issue` would refuse (a lifetime beyond 90 days, an officer without an office)
        // are refused here too, however they came to be signed: a revocation need not outlive
        // the longest lifetime.
        let problems = claims.problems()
        guard problems.isEmpty else { return .failure(.malformed("claims: \(problems.joined(separator: "; "))")) }
        return validity(of: claims, nowSeconds: nowSeconds)
    }

    /// The time checks alone, for claims whose signature was already verified (a node keeps
    /// the claims of tokens it verified, and checks their times at every request).
    public static func validity(of claims: AccessClaims, nowSeconds: UInt64) -> Result<AccessClaims, TokenProblem> {
        if claims.issuedAtSeconds > nowSeconds + clockSkewSecondsMax { return .failure(.notYetValid) }
        if nowSeconds >= claims.expiresAtSeconds { return .failure(.expired(atSeconds: claims.expiresAtSeconds)) }
        return .success(claims)
    }
}

/// Base64url without padding (RFC 4648 §5), as tokens carry it in headers and cookies.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
