import Crypto
import Foundation
import Registry
import Services

/// The cluster's token-signing key on disk (`keys/tokens.signing.key`): the raw Ed25519 private
/// key in base64, readable only by its owner. Made by `cluster init`; used by `sijil token
/// issue` and by `sijil dev` to mint the tour's tokens. Nodes never read it.
public struct TokenKey: Sendable {
    /// The raw private key (kept as bytes: the key type is not `Sendable`).
    let raw: [UInt8]

    /// The private key.
    public var privateKey: Curve25519.Signing.PrivateKey {
        // The bytes came from a valid key or were checked when read.
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else { preconditionFailure("token key bytes checked at load") }
        return key
    }

    /// A new random key.
    public init() {
        raw = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// Reads a key file.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw NodeConfiguration.Problem(description: "\(path) is missing: this cluster directory was made without a token key; start from a new directory (`sijil dev --dir <new>`)")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text) else {
            throw NodeConfiguration.Problem(description: "\(path): not a base64 token key")
        }
        self.raw = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: raw).rawRepresentation)
    }

    /// The file's text.
    public var fileText: String { privateKey.rawRepresentation.base64EncodedString() + "\n" }

    /// The public key as published in `topology.toml`.
    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// Signs a token for `claims`.
    public func issue(_ claims: AccessClaims) throws -> String {
        try AccessToken.issue(claims, signingKey: privateKey)
    }

    /// Claims valid from `now` for `lifetimeSeconds`, with a random token id.
    public static func claims(subject: String, role: Role, office: OfficeCode? = nil, region: RegionCode? = nil,
                              purposes: [PartnerPurpose] = [], nameLatin: String = "", nameArabic: String = "",
                              lifetimeSeconds: UInt64, now: Date = Date()) -> AccessClaims {
        var generator = SystemRandomNumberGenerator()
        let issued = UInt64(max(0, now.timeIntervalSince1970))
        return AccessClaims(tokenID: RequestID(high: generator.next(), low: generator.next()).description, subject: subject,
                            nameLatin: nameLatin, nameArabic: nameArabic, role: role, office: office, region: region,
                            purposes: purposes, issuedAtSeconds: issued, expiresAtSeconds: issued + lifetimeSeconds)
    }
}
