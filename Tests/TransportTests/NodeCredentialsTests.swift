import Foundation
import Testing
@testable import Transport

/// Loading a node's TLS material refuses everything that would only fail later, at handshakes.
@Suite struct NodeCredentialsTests {
    static let now = ClusterCATests.now
    static let day = ClusterCATests.day

    @Test func credentialsCarryTheNodeIDAndExpiryOfTheirCertificate() throws {
        let authority = try ClusterCATests.authority()
        let node = try ClusterCATests.node(9, authority: authority)
        let credentials = try NodeCredentials(
            certificatePEM: node.certificatePEM,
            privateKeyPEM: node.privateKeyPEM,
            authorityCertificatePEM: authority.certificatePEM,
            now: Self.now
        )
        #expect(credentials.nodeID == 9)
        #expect(credentials.certificateNotValidAfter == Self.now.addingTimeInterval(365 * Self.day))
        #expect(credentials.authorityNotValidAfter == Self.now.addingTimeInterval(3_650 * Self.day))
    }

    @Test func credentialsRefuseAKeyOfAnotherNode() throws {
        let authority = try ClusterCATests.authority()
        let node = try ClusterCATests.node(9, authority: authority)
        let other = try ClusterCATests.node(10, authority: authority)
        #expect(throws: ClusterCAError.privateKeyDoesNotMatchCertificate(what: "node")) {
            try NodeCredentials(
                certificatePEM: node.certificatePEM,
                privateKeyPEM: other.privateKeyPEM,
                authorityCertificatePEM: authority.certificatePEM,
                now: Self.now
            )
        }
    }

    @Test func credentialsRefuseACertificateFromAnotherCA() throws {
        let authority = try ClusterCATests.authority()
        let foreign = try ClusterCATests.authority("elsewhere")
        let node = try ClusterCATests.node(9, authority: foreign)
        #expect {
            try NodeCredentials(
                certificatePEM: node.certificatePEM,
                privateKeyPEM: node.privateKeyPEM,
                authorityCertificatePEM: authority.certificatePEM,
                now: Self.now
            )
        } throws: { error in
            guard case ClusterCAError.notIssuedByAuthority = error else { return false }
            return true
        }
    }

    @Test func credentialsRefuseAnExpiredCertificate() throws {
        let authority = try ClusterCATests.authority()
        let node = try ClusterCATests.node(9, authority: authority, days: 30)
        let later = Self.now.addingTimeInterval(31 * Self.day)
        #expect {
            try NodeCredentials(
                certificatePEM: node.certificatePEM,
                privateKeyPEM: node.privateKeyPEM,
                authorityCertificatePEM: authority.certificatePEM,
                now: later
            )
        } throws: { error in
            guard case ClusterCAError.notValidAt(later, _, _) = error else { return false }
            return true
        }
    }

    @Test func credentialsLoadFromThePEMFilesTheCLIWrites() throws {
        let authority = try ClusterCATests.authority()
        let node = try ClusterCATests.node(11, authority: authority)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-credentials-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificateFile = directory.appendingPathComponent("node-11.crt.pem").path
        let keyFile = directory.appendingPathComponent("node-11.key.pem").path
        let authorityFile = directory.appendingPathComponent("ca.crt.pem").path
        try node.certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try node.privateKeyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try authority.certificatePEM.write(toFile: authorityFile, atomically: true, encoding: .utf8)

        let credentials = try NodeCredentials.load(
            certificateFile: certificateFile,
            privateKeyFile: keyFile,
            authorityCertificateFile: authorityFile,
            now: Self.now
        )
        #expect(credentials.nodeID == 11)

        let missing = directory.appendingPathComponent("missing.pem").path
        #expect {
            try NodeCredentials.load(
                certificateFile: missing,
                privateKeyFile: keyFile,
                authorityCertificateFile: authorityFile,
                now: Self.now
            )
        } throws: { error in
            guard case ClusterCAError.unreadableFile(path: missing, _) = error else { return false }
            return true
        }

        let huge = directory.appendingPathComponent("huge.pem").path
        try Data(count: PEMParsing.pemFileSizeBytesMax + 1).write(to: URL(fileURLWithPath: huge))
        #expect {
            try NodeCredentials.load(
                certificateFile: huge,
                privateKeyFile: keyFile,
                authorityCertificateFile: authorityFile,
                now: Self.now
            )
        } throws: { error in
            guard case ClusterCAError.unreadableFile(path: huge, _) = error else { return false }
            return true
        }
    }
}
