import Crypto
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// The cluster's certificate authority: makes the CA and issues node certificates.
///
/// Pure functions: the current time comes in as `now`, keys come from the system's secure random
/// source, and the results are PEM text that the CLI (`sijil cert create-ca`,
/// `sijil cert create-node`) writes to files. Every node certificate is signed directly by the
/// CA (no intermediate), and the transport trusts that CA and nothing else.
public enum ClusterCA {
    /// The longest validity a certificate may be given, 30 years.
    ///
    /// Why: the register is kept for generations, but a CA key that is never rotated becomes a
    /// secret nobody remembers how to replace; 30 years forces a planned rotation within one
    /// working life while never expiring by surprise.
    public static let validityDaysMax = 10_950

    /// How long before `now` a new certificate already counts as valid, one hour.
    ///
    /// Why: the machine that runs the CLI and the node that loads the certificate do not share a
    /// clock; a node whose clock runs up to an hour behind must still accept a certificate issued
    /// a moment ago instead of refusing it as "not yet valid".
    public static let notValidBeforeBackdateSeconds: TimeInterval = 3_600

    /// The longest cluster name, 48 characters.
    ///
    /// Why: X.520 caps a common name at 64 characters and the CA's common name appends
    /// `" cluster CA"` (11 characters) to the cluster name.
    public static let clusterNameLengthMax = 48

    /// The most DNS names plus IP addresses one node certificate may carry, 64.
    ///
    /// Why: a node is reached under a handful of names; a longer list is a mistake on the
    /// command line, and each name is checked in every TLS handshake.
    public static let subjectAlternativeNamesMax = 64

    /// The organization written in every subject, so certificates are recognisable in a trust store.
    static let organizationName = "Sijil"

    static let secondsPerDay: TimeInterval = 86_400

    /// Creates a self-signed cluster CA with a new ECDSA P-256 key.
    ///
    /// The CA has basicConstraints `CA:true, pathlen:0` (it signs node certificates only) and
    /// keyUsage `keyCertSign, cRLSign`; its subject is `O=Sijil, OU=<cluster>, CN=<cluster> cluster CA`.
    /// - Parameters:
    ///   - clusterName: the cluster's name, `[A-Za-z0-9._-]`, 1 to ``clusterNameLengthMax`` characters.
    ///   - validityDays: days from `now` until the CA expires, 1 to ``validityDaysMax``.
    ///   - now: the current time; the CA is valid from `now` minus ``notValidBeforeBackdateSeconds``.
    /// - Returns: the CA certificate and its private key as PEM.
    public static func createAuthority(
        clusterName: String,
        validityDays: Int,
        now: Date
    ) throws(ClusterCAError) -> CertificateAndKeyPEM {
        try validateClusterName(clusterName)
        try validateValidityDays(validityDays)
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        do {
            let subject = try DistinguishedName {
                OrganizationName(organizationName)
                OrganizationalUnitName(clusterName)
                CommonName("\(clusterName) cluster CA")
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: certificateKey.publicKey)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: certificateKey.publicKey,
                notValidBefore: now.addingTimeInterval(-notValidBeforeBackdateSeconds),
                notValidAfter: now.addingTimeInterval(Double(validityDays) * secondsPerDay),
                issuer: subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: certificateKey
            )
            return CertificateAndKeyPEM(
                certificatePEM: try certificate.serializeAsPEM().pemString,
                privateKeyPEM: key.pemRepresentation
            )
        } catch {
            throw .certificateConstructionFailed(detail: String(describing: error))
        }
    }

    /// Issues a certificate for one node, signed by the cluster CA, with a new ECDSA P-256 key.
    ///
    /// The subject is `O=Sijil, OU=<cluster name of the CA>, CN=node-<nodeID>`; the certificate
    /// has keyUsage `digitalSignature, keyEncipherment`, extendedKeyUsage `serverAuth, clientAuth`
    /// (every node both accepts and dials connections) and a subjectAltName with every DNS name and
    /// IP address the node is reached under.
    /// - Parameters:
    ///   - nodeID: the node's id, written into the subject.
    ///   - dnsNames: host names peers use to dial this node.
    ///   - ipAddresses: IPv4 or IPv6 literals peers use to dial this node.
    ///   - validityDays: days from `now`, 1 to ``validityDaysMax``, and not beyond the CA's expiry.
    ///   - authority: the CA certificate and private key from ``createAuthority(clusterName:validityDays:now:)``.
    ///   - now: the current time; the CA must be valid at `now`.
    /// - Returns: the node certificate and its private key as PEM.
    public static func issueNodeCertificate(
        nodeID: UInt64,
        dnsNames: [String],
        ipAddresses: [String],
        validityDays: Int,
        authority: CertificateAndKeyPEM,
        now: Date
    ) throws(ClusterCAError) -> CertificateAndKeyPEM {
        try validateValidityDays(validityDays)
        let names = try SubjectAlternativeNameInput.generalNames(dnsNames: dnsNames, ipAddresses: ipAddresses)
        let authorityCertificate = try PEMParsing.certificate(authority.certificatePEM, what: "CA certificate")
        let authorityKey = try PEMParsing.privateKey(authority.privateKeyPEM, what: "CA private key")
        try checkIsAuthority(authorityCertificate)
        guard authorityKey.publicKey == authorityCertificate.publicKey else {
            throw .privateKeyDoesNotMatchCertificate(what: "CA")
        }
        guard authorityCertificate.notValidBefore <= now, now <= authorityCertificate.notValidAfter else {
            throw .notValidAt(
                now,
                notValidBefore: authorityCertificate.notValidBefore,
                notValidAfter: authorityCertificate.notValidAfter
            )
        }
        let notValidAfter = now.addingTimeInterval(Double(validityDays) * secondsPerDay)
        guard notValidAfter <= authorityCertificate.notValidAfter else {
            throw .validityExceedsAuthority(
                requestedNotAfter: notValidAfter,
                authorityNotAfter: authorityCertificate.notValidAfter
            )
        }
        let clusterName = NodeCertificateName.organizationalUnit(of: authorityCertificate.subject) ?? ""
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        do {
            let subject = try DistinguishedName {
                OrganizationName(organizationName)
                OrganizationalUnitName(clusterName)
                CommonName(NodeCertificateName.commonName(for: nodeID))
            }
            let authorityKeyID = try authorityCertificate.extensions.subjectKeyIdentifier?.keyIdentifier
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: certificateKey.publicKey)
                if let authorityKeyID {
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                }
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: certificateKey.publicKey,
                notValidBefore: now.addingTimeInterval(-notValidBeforeBackdateSeconds),
                notValidAfter: notValidAfter,
                issuer: authorityCertificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: authorityKey
            )
            return CertificateAndKeyPEM(
                certificatePEM: try certificate.serializeAsPEM().pemString,
                privateKeyPEM: key.pemRepresentation
            )
        } catch {
            throw .certificateConstructionFailed(detail: String(describing: error))
        }
    }

    /// The end of validity of a CA certificate: no certificate it signs may outlive it.
    public static func notValidAfter(authorityCertificatePEM: String) throws(ClusterCAError) -> Date {
        try PEMParsing.certificate(authorityCertificatePEM, what: "CA certificate").notValidAfter
    }

    /// The node id written in a node certificate's subject (`CN=node-<id>`).
    /// - Parameter certificatePEM: one PEM `CERTIFICATE` block.
    public static func nodeID(fromCertificatePEM certificatePEM: String) throws(ClusterCAError) -> UInt64 {
        try NodeCertificateName.nodeID(of: PEMParsing.certificate(certificatePEM, what: "node certificate"))
    }

    /// Checks a node certificate the way a peer will: signed by the cluster CA, valid at `now`,
    /// usable for both ends of mutual TLS, and naming a node id.
    ///
    /// The transport itself relies on the TLS library for this check during the handshake; this
    /// function is for the CLI and for tests, and uses an independent implementation (RFC 5280
    /// path validation from swift-certificates).
    /// - Parameters:
    ///   - certificatePEM: the node certificate.
    ///   - authorityCertificatePEM: the cluster CA certificate.
    ///   - now: the time at which validity is judged.
    /// - Returns: the node id the certificate names.
    public static func verifyNodeCertificate(
        certificatePEM: String,
        authorityCertificatePEM: String,
        now: Date
    ) async throws(ClusterCAError) -> UInt64 {
        let certificate = try PEMParsing.certificate(certificatePEM, what: "node certificate")
        let authority = try PEMParsing.certificate(authorityCertificatePEM, what: "CA certificate")
        guard certificate.notValidBefore <= now, now <= certificate.notValidAfter else {
            throw .notValidAt(
                now,
                notValidBefore: certificate.notValidBefore,
                notValidAfter: certificate.notValidAfter
            )
        }
        var verifier = Verifier(rootCertificates: CertificateStore([authority])) {
            RFC5280Policy(fixedExpiryValidationTime: now)
        }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore())
        guard case .validCertificate = result else {
            throw .notIssuedByAuthority(detail: String(describing: result))
        }
        let usages = (try? certificate.extensions.extendedKeyUsage) ?? nil
        guard let usages, usages.contains(.serverAuth), usages.contains(.clientAuth) else {
            throw .missingKeyUsage("extendedKeyUsage serverAuth and clientAuth")
        }
        return try NodeCertificateName.nodeID(of: certificate)
    }

    static func validateClusterName(_ name: String) throws(ClusterCAError) {
        guard !name.isEmpty else { throw .invalidClusterName(name, reason: "it is empty") }
        guard name.count <= clusterNameLengthMax else {
            throw .invalidClusterName(name, reason: "it is longer than \(clusterNameLengthMax) characters")
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
        guard allowed else {
            throw .invalidClusterName(name, reason: "only ASCII letters, digits, '.', '_' and '-' are allowed")
        }
    }

    static func validateValidityDays(_ days: Int) throws(ClusterCAError) {
        guard (1...validityDaysMax).contains(days) else { throw .invalidValidityDays(days) }
    }

    static func checkIsAuthority(_ certificate: Certificate) throws(ClusterCAError) {
        let constraints = (try? certificate.extensions.basicConstraints) ?? nil
        guard case .isCertificateAuthority = constraints else { throw .notACertificateAuthority }
    }
}
