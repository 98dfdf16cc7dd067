import Crypto
import Foundation
import Registry
import TOMLKit

/// One region's copy-signing key as stored in its file (written by `sijil cluster init`):
///
/// ```toml
/// region = "RSK"
/// private_key = "base64 of the raw 32-byte Ed25519 key"
/// ```
///
/// The file is secret (mode 0600) and is distributed with the region's node certificates; the
/// public half is in the topology (`signingPublicKey` of the region), so anyone can verify.
public struct RegionSigningKey: Sendable {
    /// The region key (e.g. "RSK").
    public var region: String
    /// The raw 32 bytes (Crypto's key types are not `Sendable`; a key is rebuilt when used).
    private let privateKeyRaw: Data

    /// Creates a value from its parts.
    public init(region: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.region = region
        self.privateKeyRaw = privateKey.rawRepresentation
    }

    /// The Ed25519 signing key.
    public var privateKey: Curve25519.Signing.PrivateKey {
        // The bytes came from a valid key: rebuilding it cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyRaw)
    }

    /// The public key as published in the topology (raw 32 bytes, base64).
    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    private struct File: Codable {
        var region: String
        var private_key: String
    }

    /// The file's text.
    public func encoded() throws -> String {
        try TOMLEncoder().encode(File(region: region, private_key: privateKey.rawRepresentation.base64EncodedString()))
    }

    /// Reads a region key file.
    public static func load(path: String) throws -> RegionSigningKey {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NodeConfiguration.Problem(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        let file: File
        do { file = try TOMLDecoder().decode(File.self, from: text) } catch {
            throw NodeConfiguration.Problem(description: "\(path): \(error)")
        }
        guard let raw = Data(base64Encoded: file.private_key), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw NodeConfiguration.Problem(description: "\(path): private_key is not a base64 Ed25519 key")
        }
        return RegionSigningKey(region: file.region, privateKey: key)
    }
}

/// The keys a node issues copies with, and the public keys it verifies copies against.
public struct SigningKeyring: Sendable {
    /// Raw key bytes by region (Crypto's key types are not `Sendable`).
    private let privateKeys: [String: Data]
    private let publicKeys: [String: Data]

    /// Checks every private key against the public key the topology publishes for its region.
    public init(keys: [RegionSigningKey], topology: ClusterTopology) throws {
        var publics: [String: Curve25519.Signing.PublicKey] = [:]
        for region in topology.regions {
            guard let text = region.signingPublicKey else { continue }
            guard let raw = Data(base64Encoded: text), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                throw NodeConfiguration.Problem(description: "topology: region \(region.key): signingPublicKey is not a base64 Ed25519 key")
            }
            publics[region.key] = key
        }
        var privates: [String: Data] = [:]
        for key in keys {
            guard let published = publics[key.region] else {
                throw NodeConfiguration.Problem(description: "signing key for region \(key.region): the topology publishes no public key for it")
            }
            guard published.rawRepresentation == key.privateKey.publicKey.rawRepresentation else {
                throw NodeConfiguration.Problem(description: "signing key for region \(key.region) does not match the topology's public key")
            }
            privates[key.region] = key.privateKey.rawRepresentation
        }
        privateKeys = privates
        publicKeys = publics.mapValues(\.rawRepresentation)
    }

    /// The copy issuer of a region, when this node holds its key.
    public func issuer(region: String) -> CopyIssuer? {
        privateKeys[region].flatMap { try? Curve25519.Signing.PrivateKey(rawRepresentation: $0) }.map { CopyIssuer(signingKey: $0) }
    }

    /// The published public key of a region.
    public func publicKey(region: String) -> Curve25519.Signing.PublicKey? {
        publicKeys[region].flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// The region whose key has this fingerprint (as printed on copies).
    public func region(fingerprint: String) -> String? {
        publicKeys.keys.sorted().first { region in publicKey(region: region).map(CopyIssuer.fingerprint) == fingerprint }
    }
}
