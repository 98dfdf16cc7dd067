import Foundation
import Transport

/// Writes and reads the PEM files of the cluster CA and node certificates (`sijil cert ...`,
/// `sijil cluster init`). Private keys are written mode 0600.
public enum CertificateFiles {
    /// Validity of a CA made by the CLI: ten years, the life of a national deployment between
    /// two planned key ceremonies.
    public static let authorityValidityDays = 3_650
    /// Validity of a node certificate: two years, renewed at the operator's yearly maintenance.
    public static let nodeValidityDays = 730

    /// Writes a file, readable only by its owner when `secret`.
    public static func write(_ text: String, to path: String, secret: Bool) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: secret ? 0o600 : 0o644]) else {
            throw NodeConfiguration.Problem(description: "\(path): cannot write")
        }
    }

    /// Creates a CA and writes `ca.pem` and `ca.key` into `directory`.
    @discardableResult
    public static func createAuthority(clusterName: String, directory: String, now: Date = Date()) throws -> CertificateAndKeyPEM {
        let authority = try ClusterCA.createAuthority(clusterName: clusterName, validityDays: authorityValidityDays, now: now)
        try write(authority.certificatePEM, to: directory + "/ca.pem", secret: false)
        try write(authority.privateKeyPEM, to: directory + "/ca.key", secret: true)
        return authority
    }

    /// Reads `ca.pem` and `ca.key` from a directory.
    public static func loadAuthority(directory: String) throws -> CertificateAndKeyPEM {
        CertificateAndKeyPEM(
            certificatePEM: try String(contentsOfFile: directory + "/ca.pem", encoding: .utf8),
            privateKeyPEM: try String(contentsOfFile: directory + "/ca.key", encoding: .utf8))
    }

    /// Issues a node certificate for the host names and addresses it is reached under and writes
    /// `node-<id>.pem` and `node-<id>.key` into `directory`.
    public static func createNode(id: UInt64, hosts: [String], authority: CertificateAndKeyPEM, directory: String, now: Date = Date(),
                                  validityDays: Int = nodeValidityDays) throws {
        let ips = hosts.filter { $0.contains(":") || $0.allSatisfy { $0.isNumber || $0 == "." } }
        let names = hosts.filter { !ips.contains($0) }
        let issued = try ClusterCA.issueNodeCertificate(
            nodeID: id, dnsNames: names, ipAddresses: ips, validityDays: validityDays, authority: authority, now: now)
        try write(issued.certificatePEM, to: directory + "/node-\(id).pem", secret: false)
        try write(issued.privateKeyPEM, to: directory + "/node-\(id).key", secret: true)
    }
}
