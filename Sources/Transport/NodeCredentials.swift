import Foundation
import NIOSSL
import X509

/// What one node presents and trusts on the wire: its certificate and private key, and the
/// cluster CA certificate, which is the only trust root.
///
/// Loading checks everything that can be checked locally, so a misconfigured node fails at
/// start with a clear ``ClusterCAError`` instead of failing every handshake with its peers.
public struct NodeCredentials: Sendable {
    /// The node id written in the node certificate (`CN=node-<id>`).
    public let nodeID: UInt64
    /// When the node certificate expires; an operator renews it before this date.
    public let certificateNotValidAfter: Date
    /// When the cluster CA expires.
    public let authorityNotValidAfter: Date
    /// The node certificate's serial number (hexadecimal bytes, colon-separated): tells two
    /// certificates of the same node apart, e.g. before and after a renewal.
    public let certificateSerial: String

    /// The node certificate, as the TLS library takes it.
    public let certificate: NIOSSLCertificate
    /// The node's private key, as the TLS library takes it.
    public let privateKey: NIOSSLPrivateKey
    /// The cluster CA certificate, as the TLS library takes it.
    public let authority: NIOSSLCertificate

    /// Parses and cross-checks the three PEM documents.
    ///
    /// Checks: the node certificate names a node id, its key matches, it was signed by the CA,
    /// the CA is a CA, and both certificates are valid at `now`.
    /// - Parameters:
    ///   - certificatePEM: the node certificate, one PEM `CERTIFICATE` block.
    ///   - privateKeyPEM: the node's private key, one PEM `PRIVATE KEY` block.
    ///   - authorityCertificatePEM: the cluster CA certificate, one PEM `CERTIFICATE` block.
    ///   - now: the time at which validity is checked.
    public init(
        certificatePEM: String,
        privateKeyPEM: String,
        authorityCertificatePEM: String,
        now: Date
    ) throws(ClusterCAError) {
        let certificate = try PEMParsing.certificate(certificatePEM, what: "node certificate")
        let key = try PEMParsing.privateKey(privateKeyPEM, what: "node private key")
        let authority = try PEMParsing.certificate(authorityCertificatePEM, what: "CA certificate")
        try ClusterCA.checkIsAuthority(authority)
        guard key.publicKey == certificate.publicKey else {
            throw .privateKeyDoesNotMatchCertificate(what: "node")
        }
        guard certificate.issuer == authority.subject,
            authority.publicKey.isValidSignature(certificate.signature, for: certificate)
        else {
            throw .notIssuedByAuthority(detail: "issuer \(certificate.issuer), CA \(authority.subject)")
        }
        for checked in [authority, certificate] {
            guard checked.notValidBefore <= now, now <= checked.notValidAfter else {
                throw .notValidAt(now, notValidBefore: checked.notValidBefore, notValidAfter: checked.notValidAfter)
            }
        }
        self.nodeID = try NodeCertificateName.nodeID(of: certificate)
        self.certificateNotValidAfter = certificate.notValidAfter
        self.authorityNotValidAfter = authority.notValidAfter
        self.certificateSerial = certificate.serialNumber.bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined(separator: ":")
        do {
            self.certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
            self.privateKey = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
            self.authority = try NIOSSLCertificate(bytes: Array(authorityCertificatePEM.utf8), format: .pem)
        } catch {
            throw .invalidPEM(what: "node credentials", detail: String(describing: error))
        }
    }

    /// Reads the three PEM files written by `sijil cert create-node` and `sijil cert create-ca`
    /// and checks them as ``init(certificatePEM:privateKeyPEM:authorityCertificatePEM:now:)`` does.
    /// - Parameters:
    ///   - certificateFile: path of the node certificate PEM file.
    ///   - privateKeyFile: path of the node private key PEM file.
    ///   - authorityCertificateFile: path of the cluster CA certificate PEM file.
    ///   - now: the time at which validity is checked.
    public static func load(
        certificateFile: String,
        privateKeyFile: String,
        authorityCertificateFile: String,
        now: Date
    ) throws(ClusterCAError) -> NodeCredentials {
        try NodeCredentials(
            certificatePEM: PEMParsing.readFile(atPath: certificateFile),
            privateKeyPEM: PEMParsing.readFile(atPath: privateKeyFile),
            authorityCertificatePEM: PEMParsing.readFile(atPath: authorityCertificateFile),
            now: now
        )
    }

    /// TLS 1.3 only, the cluster CA as the only trust root, and a certificate required from the
    /// peer in both directions.
    ///
    /// The accepting side uses `.noHostnameVerification`: with `.fullVerification` the TLS library
    /// would match the dialer's certificate against the dialer's source IP, which NAT, several
    /// interfaces or a changed route break. The dialer's identity is instead its node id, checked
    /// by ``ConnectionAuthenticator`` against its hello and the peer list. The dialing side uses
    /// `.fullVerification`: the certificate must also carry the DNS name or IP the node was
    /// dialled at, which catches a peer list that points at the wrong machine.
    func tlsConfiguration(for side: ConnectionDirection) -> TLSConfiguration {
        var configuration: TLSConfiguration
        switch side {
        case .inbound:
            configuration = .makeServerConfiguration(
                certificateChain: [.certificate(certificate)],
                privateKey: .privateKey(privateKey)
            )
            configuration.certificateVerification = .noHostnameVerification
        case .outbound:
            configuration = .makeClientConfiguration()
            configuration.certificateChain = [.certificate(certificate)]
            configuration.privateKey = .privateKey(privateKey)
            configuration.certificateVerification = .fullVerification
        }
        configuration.trustRoots = .certificates([authority])
        configuration.additionalTrustRoots = []
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        configuration.renegotiationSupport = .none
        return configuration
    }
}
