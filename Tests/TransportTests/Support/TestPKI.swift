import Foundation
import Transport

/// A cluster CA made for one test, and node certificates under it.
///
/// Certificates used on real sockets must be valid at the wall-clock time, because the TLS
/// library checks expiry against the system clock; the CA therefore starts 800 days before
/// `now`, so a node certificate that expired long ago can still be issued under it.
struct TestPKI {
    static let clusterName = "test-cluster"
    static let secondsPerDay: TimeInterval = 86_400

    let now: Date
    let authority: CertificateAndKeyPEM

    init(now: Date = Date()) throws {
        self.now = now
        self.authority = try ClusterCA.createAuthority(
            clusterName: Self.clusterName,
            validityDays: 3_650,
            now: now.addingTimeInterval(-800 * Self.secondsPerDay)
        )
    }

    /// A certificate for `nodeID`, reachable as `localhost` and `127.0.0.1`.
    func nodeCertificate(
        _ nodeID: UInt64,
        issuedDaysAgo: Int = 0,
        validityDays: Int = 365
    ) throws -> CertificateAndKeyPEM {
        try ClusterCA.issueNodeCertificate(
            nodeID: nodeID,
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"],
            validityDays: validityDays,
            authority: authority,
            now: now.addingTimeInterval(-Double(issuedDaysAgo) * Self.secondsPerDay)
        )
    }

    /// Loaded credentials for `nodeID`, checked at `now`.
    func credentials(_ nodeID: UInt64) throws -> NodeCredentials {
        let certificate = try nodeCertificate(nodeID)
        return try NodeCredentials(
            certificatePEM: certificate.certificatePEM,
            privateKeyPEM: certificate.privateKeyPEM,
            authorityCertificatePEM: authority.certificatePEM,
            now: now
        )
    }
}
