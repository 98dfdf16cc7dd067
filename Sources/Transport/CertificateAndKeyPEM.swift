/// A certificate and its private key, both as PEM text, as the CLI writes them to files.
///
/// `certificatePEM` holds one `-----BEGIN CERTIFICATE-----` block (X.509 v3, DER inside).
/// `privateKeyPEM` holds one `-----BEGIN PRIVATE KEY-----` block (PKCS#8, ECDSA P-256).
/// The private key file must be readable only by the node's service account.
public struct CertificateAndKeyPEM: Sendable, Equatable {
    /// The certificate as one PEM `CERTIFICATE` block.
    public var certificatePEM: String
    /// The private key as one PEM PKCS#8 `PRIVATE KEY` block.
    public var privateKeyPEM: String

    /// Pairs a certificate with its private key; neither is parsed here.
    /// - Parameters:
    ///   - certificatePEM: one PEM `CERTIFICATE` block.
    ///   - privateKeyPEM: one PEM `PRIVATE KEY` block.
    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}
