import Crypto
import Foundation
import NIOConcurrencyHelpers
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

/// The keys a node issues copies with, and the public keys it verifies copies against: each
/// region's current key, and the keys that signed its copies before (a cluster restored from a
/// backup publishes the backed-up cluster's keys as former keys, `formerSigningPublicKeys`).
public struct SigningKeyring: Sendable {
    /// A public key that verifies copies.
    private struct VerifyingKey: Sendable {
        var region: String
        var raw: Data
    }

    /// Raw key bytes by region (Crypto's key types are not `Sendable`).
    private let privateKeys: [String: Data]
    private let publicKeys: [String: Data]
    /// Every key that verifies copies, current or former, by the fingerprint copies carry.
    private let verifying: [String: VerifyingKey]

    /// A public key as the topology publishes it (raw 32 bytes, base64), or nil when the text is
    /// not one.
    public static func publicKey(base64 text: String) -> Curve25519.Signing.PublicKey? {
        Data(base64Encoded: text).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// Checks every private key against the public key the topology publishes for its region,
    /// and every published key, current or former, for its form.
    public init(keys: [RegionSigningKey], topology: ClusterTopology) throws {
        var publics: [String: Curve25519.Signing.PublicKey] = [:]
        var verifying: [String: VerifyingKey] = [:]
        for region in topology.regions {
            var published: [(field: String, text: String)] = region.signingPublicKey.map { [("signingPublicKey", $0)] } ?? []
            published += (region.formerSigningPublicKeys ?? []).enumerated().map { ("formerSigningPublicKeys[\($0.offset)]", $0.element) }
            for (field, text) in published {
                guard let key = Self.publicKey(base64: text) else {
                    throw NodeConfiguration.Problem(description: "topology: region \(region.key): \(field) is not a base64 Ed25519 key")
                }
                if field == "signingPublicKey" { publics[region.key] = key }
                let fingerprint = CopyIssuer.fingerprint(of: key)
                if let other = verifying[fingerprint], other.region != region.key {
                    let both = [other.region, region.key].sorted()
                    throw NodeConfiguration.Problem(description: "topology: key \(fingerprint) verifies copies of both \(both[0]) and \(both[1])")
                }
                verifying[fingerprint] = VerifyingKey(region: region.key, raw: key.rawRepresentation)
            }
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
        self.verifying = verifying
    }

    /// The copy issuer of a region, when this node holds its key. Copies are only ever signed
    /// with a region's current key.
    public func issuer(region: String) -> CopyIssuer? {
        privateKeys[region].flatMap { try? Curve25519.Signing.PrivateKey(rawRepresentation: $0) }.map { CopyIssuer(signingKey: $0) }
    }

    /// The published current public key of a region.
    public func publicKey(region: String) -> Curve25519.Signing.PublicKey? {
        publicKeys[region].flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// Verifies a copy with the key whose fingerprint it carries, if this cluster publishes it.
    public func verify(_ copy: CivilStatusCopy) -> CopyVerificationResponse {
        guard let known = verifying[copy.keyFingerprint], let key = try? Curve25519.Signing.PublicKey(rawRepresentation: known.raw) else {
            return CopyVerificationResponse(valid: false, region: nil, reason: "no region of this cluster signs with key \(copy.keyFingerprint)")
        }
        switch Registry.verify(copy, publicKey: key) {
        case .valid: return CopyVerificationResponse(valid: true, region: known.region, reason: nil)
        case .invalid(let reason): return CopyVerificationResponse(valid: false, region: known.region, reason: reason.description)
        }
    }
}

/// The keyring of a running node. A topology version the node takes while running (a region
/// added since it started) brings public keys it must verify copies with; the private keys stay
/// the ones it started with, and no version may change a region's key or drop a former one
/// (`ClusterTopology.successorProblems`).
public final class NodeKeyring: Sendable {
    private let keys: [RegionSigningKey]
    private let current: NIOLockedValueBox<SigningKeyring>

    /// Checks `keys` against `topology` (`SigningKeyring.init`).
    public init(keys: [RegionSigningKey], topology: ClusterTopology) throws {
        self.keys = keys
        current = NIOLockedValueBox(try SigningKeyring(keys: keys, topology: topology))
    }

    /// Loads the node's key files and checks them against its topology.
    public convenience init(configuration: NodeConfiguration) throws {
        try self.init(keys: configuration.signingKeyPaths.map(RegionSigningKey.load), topology: configuration.topology)
    }

    /// The keyring now.
    public var keyring: SigningKeyring { current.withLockedValue { $0 } }

    /// The keyring `topology` gives with the node's keys, not taken yet: throws what `topology`
    /// gets wrong.
    func keyring(for topology: ClusterTopology) throws -> SigningKeyring { try SigningKeyring(keys: keys, topology: topology) }

    /// Verifies with `keyring` from now on.
    func take(_ keyring: SigningKeyring) { current.withLockedValue { $0 = keyring } }

    /// `SigningKeyring.issuer(region:)` of the keyring now.
    public func issuer(region: String) -> CopyIssuer? { keyring.issuer(region: region) }

    /// `SigningKeyring.publicKey(region:)` of the keyring now.
    public func publicKey(region: String) -> Curve25519.Signing.PublicKey? { keyring.publicKey(region: region) }

    /// `SigningKeyring.verify(_:)` with the keyring now.
    public func verify(_ copy: CivilStatusCopy) -> CopyVerificationResponse { keyring.verify(copy) }
}
