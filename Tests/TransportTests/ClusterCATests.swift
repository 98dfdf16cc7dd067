import Foundation
import SwiftASN1
import Testing
@testable import Transport
@_spi(FixedExpiryValidationTime) import X509

/// Certificate creation with a fixed "now", so every date in these tests is exact.
@Suite struct ClusterCATests {
    static let now = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
    static let day: TimeInterval = 86_400

    static func authority(_ name: String = "rsk-prod", days: Int = 3_650) throws -> CertificateAndKeyPEM {
        try ClusterCA.createAuthority(clusterName: name, validityDays: days, now: now)
    }

    static func node(
        _ nodeID: UInt64,
        authority: CertificateAndKeyPEM,
        dnsNames: [String] = ["rsk-1.sijil.test"],
        ipAddresses: [String] = ["10.0.0.7"],
        days: Int = 365
    ) throws -> CertificateAndKeyPEM {
        try ClusterCA.issueNodeCertificate(
            nodeID: nodeID,
            dnsNames: dnsNames,
            ipAddresses: ipAddresses,
            validityDays: days,
            authority: authority,
            now: now
        )
    }

    @Test func authorityIsASelfSignedCAWithTheClusterNameAndRequestedValidity() throws {
        let pem = try Self.authority(days: 3_650)
        let certificate = try Certificate(pemEncoded: pem.certificatePEM)
        let key = try Certificate.PrivateKey(pemEncoded: pem.privateKeyPEM)

        #expect(key.publicKey == certificate.publicKey)
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign)
        #expect(!usage.digitalSignature)
        #expect(NodeCertificateName.organizationalUnit(of: certificate.subject) == "rsk-prod")
        #expect(certificate.notValidAfter == Self.now.addingTimeInterval(3_650 * Self.day))
        #expect(certificate.notValidBefore == Self.now.addingTimeInterval(-ClusterCA.notValidBeforeBackdateSeconds))
        #expect(pem.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(pem.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test func nodeCertificateVerifiesAgainstItsCAAndCarriesNodeIDNamesAndUsages() async throws {
        let authority = try Self.authority()
        let pem = try Self.node(
            42,
            authority: authority,
            dnsNames: ["rsk-1.sijil.test", "localhost"],
            ipAddresses: ["10.0.0.7", "::1"]
        )
        let certificate = try Certificate(pemEncoded: pem.certificatePEM)
        let authorityCertificate = try Certificate(pemEncoded: authority.certificatePEM)

        // Path validation by swift-certificates directly, independent of ClusterCA's own check.
        var verifier = Verifier(rootCertificates: CertificateStore([authorityCertificate])) {
            RFC5280Policy(fixedExpiryValidationTime: Self.now)
        }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore())
        guard case .validCertificate(let chain) = result else {
            Issue.record("node certificate does not verify: \(result)")
            return
        }
        #expect(Array(chain) == [certificate, authorityCertificate])

        #expect(try Certificate.PrivateKey(pemEncoded: pem.privateKeyPEM).publicKey == certificate.publicKey)
        #expect(certificate.issuer == authorityCertificate.subject)
        #expect(try NodeCertificateName.nodeID(of: certificate) == 42)
        #expect(try ClusterCA.nodeID(fromCertificatePEM: pem.certificatePEM) == 42)
        #expect(NodeCertificateName.organizationalUnit(of: certificate.subject) == "rsk-prod")
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(
            Array(names) == [
                .dnsName("rsk-1.sijil.test"),
                .dnsName("localhost"),
                .ipAddress(ASN1OctetString(contentBytes: [10, 0, 0, 7])),
                .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
            ]
        )
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.digitalSignature && usage.keyEncipherment && !usage.keyCertSign)
        let extendedUsage = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(extendedUsage.contains(.serverAuth) && extendedUsage.contains(.clientAuth))
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try certificate.extensions.authorityKeyIdentifier?.keyIdentifier
            == authorityCertificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(certificate.notValidAfter == Self.now.addingTimeInterval(365 * Self.day))

        #expect(
            try await ClusterCA.verifyNodeCertificate(
                certificatePEM: pem.certificatePEM,
                authorityCertificatePEM: authority.certificatePEM,
                now: Self.now
            ) == 42
        )
    }

    @Test func nodeCertificateFromAnotherCAFailsVerification() async throws {
        let authority = try Self.authority()
        let foreign = try Self.authority("elsewhere")
        let pem = try Self.node(7, authority: foreign)
        await #expect {
            _ = try await ClusterCA.verifyNodeCertificate(
                certificatePEM: pem.certificatePEM,
                authorityCertificatePEM: authority.certificatePEM,
                now: Self.now
            )
        } throws: { error in
            guard case ClusterCAError.notIssuedByAuthority = error else { return false }
            return true
        }
    }

    @Test func expiredNodeCertificateFailsVerification() async throws {
        let authority = try Self.authority()
        let pem = try Self.node(7, authority: authority, days: 30)
        let later = Self.now.addingTimeInterval(31 * Self.day)
        await #expect {
            _ = try await ClusterCA.verifyNodeCertificate(
                certificatePEM: pem.certificatePEM,
                authorityCertificatePEM: authority.certificatePEM,
                now: later
            )
        } throws: { error in
            guard case ClusterCAError.notValidAt(later, _, _) = error else { return false }
            return true
        }
    }

    @Test(arguments: [
        ("", "it is empty"),
        (String(repeating: "a", count: ClusterCA.clusterNameLengthMax + 1), "it is longer than 48 characters"),
        ("rsk prod", "only ASCII letters, digits, '.', '_' and '-' are allowed"),
        ("سجل", "only ASCII letters, digits, '.', '_' and '-' are allowed"),
    ])
    func invalidClusterNameIsRefusedWithTheReason(name: String, reason: String) {
        #expect(throws: ClusterCAError.invalidClusterName(name, reason: reason)) {
            try ClusterCA.createAuthority(clusterName: name, validityDays: 10, now: Self.now)
        }
    }

    @Test(arguments: [0, -1, ClusterCA.validityDaysMax + 1])
    func validityOutsideTheAllowedRangeIsRefused(days: Int) throws {
        #expect(throws: ClusterCAError.invalidValidityDays(days)) {
            try ClusterCA.createAuthority(clusterName: "c", validityDays: days, now: Self.now)
        }
        let authority = try Self.authority()
        #expect(throws: ClusterCAError.invalidValidityDays(days)) {
            try Self.node(1, authority: authority, days: days)
        }
    }

    @Test(arguments: ["", "bad_name", "-lead.example", "trail-.example", "a..b", "10.0.0.1", "::1", "é.example"])
    func invalidDNSNameIsRefused(name: String) throws {
        let authority = try Self.authority()
        #expect(throws: ClusterCAError.invalidDNSName(name)) {
            try Self.node(1, authority: authority, dnsNames: [name], ipAddresses: [])
        }
    }

    @Test(arguments: ["300.1.1.1", "10.0.0", "localhost", "", "1::2::3"])
    func invalidIPAddressIsRefused(address: String) throws {
        let authority = try Self.authority()
        #expect(throws: ClusterCAError.invalidIPAddress(address)) {
            try Self.node(1, authority: authority, dnsNames: [], ipAddresses: [address])
        }
    }

    @Test func nodeCertificateNeedsAtLeastOneAndAtMostTheMaximumNames() throws {
        let authority = try Self.authority()
        #expect(throws: ClusterCAError.noSubjectAlternativeNames) {
            try Self.node(1, authority: authority, dnsNames: [], ipAddresses: [])
        }
        let tooMany = (0...ClusterCA.subjectAlternativeNamesMax).map { "n\($0).example" }
        #expect(throws: ClusterCAError.tooManySubjectAlternativeNames(count: tooMany.count)) {
            try Self.node(1, authority: authority, dnsNames: tooMany, ipAddresses: [])
        }
        let exactlyMax = Array(tooMany.dropLast())
        let pem = try Self.node(1, authority: authority, dnsNames: exactlyMax, ipAddresses: [])
        let names = try #require(try Certificate(pemEncoded: pem.certificatePEM).extensions.subjectAlternativeNames)
        #expect(names.count == ClusterCA.subjectAlternativeNamesMax)
    }

    @Test func nodeCertificateMayNotOutliveItsCA() throws {
        let authority = try Self.authority(days: 100)
        #expect(throws: ClusterCAError.validityExceedsAuthority(
            requestedNotAfter: Self.now.addingTimeInterval(101 * Self.day),
            authorityNotAfter: Self.now.addingTimeInterval(100 * Self.day)
        )) {
            try Self.node(1, authority: authority, days: 101)
        }
        _ = try Self.node(1, authority: authority, days: 100)
    }

    @Test func issuingRefusesAKeyOfAnotherCAAndACertificateThatIsNotACA() throws {
        let authority = try Self.authority()
        let other = try Self.authority("other")
        let mixed = CertificateAndKeyPEM(certificatePEM: authority.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        #expect(throws: ClusterCAError.privateKeyDoesNotMatchCertificate(what: "CA")) {
            try Self.node(1, authority: mixed)
        }
        let node = try Self.node(2, authority: authority)
        #expect(throws: ClusterCAError.notACertificateAuthority) {
            try Self.node(3, authority: node)
        }
        #expect {
            try Self.node(3, authority: CertificateAndKeyPEM(certificatePEM: "garbage", privateKeyPEM: authority.privateKeyPEM))
        } throws: { error in
            guard case ClusterCAError.invalidPEM(what: "CA certificate", _) = error else { return false }
            return true
        }
    }

    @Test func issuingFromACAThatIsNotValidYetOrAnyMoreIsRefused() throws {
        let authority = try Self.authority(days: 10)
        #expect {
            try ClusterCA.issueNodeCertificate(
                nodeID: 1,
                dnsNames: ["a.example"],
                ipAddresses: [],
                validityDays: 1,
                authority: authority,
                now: Self.now.addingTimeInterval(11 * Self.day)
            )
        } throws: { error in
            guard case ClusterCAError.notValidAt = error else { return false }
            return true
        }
    }

    @Test func nodeIDRoundTripsThroughTheCommonNameAndOnlyCanonicalFormsParse() {
        for nodeID: UInt64 in [0, 1, 42, UInt64.max] {
            #expect(NodeCertificateName.nodeID(fromCommonName: NodeCertificateName.commonName(for: nodeID)) == nodeID)
        }
        for name in ["node-", "node-007", "node-+1", "node--1", "node-1a", "Node-1", "node-18446744073709551616", "x-1", "node-١"] {
            #expect(NodeCertificateName.nodeID(fromCommonName: name) == nil, "\(name) must not parse")
        }
    }

    @Test func certificateWithoutANodeIDIsReportedAsSuch() throws {
        let authority = try Self.authority()
        #expect {
            try ClusterCA.nodeID(fromCertificatePEM: authority.certificatePEM)
        } throws: { error in
            guard case ClusterCAError.certificateWithoutNodeID = error else { return false }
            return true
        }
    }

    @Test func errorCodesAreStableAndDistinct() {
        let errors: [ClusterCAError] = [
            .invalidClusterName("", reason: ""), .invalidValidityDays(0), .invalidDNSName(""),
            .invalidIPAddress(""), .noSubjectAlternativeNames, .tooManySubjectAlternativeNames(count: 0),
            .invalidPEM(what: "", detail: ""), .unreadableFile(path: "", detail: ""), .notACertificateAuthority,
            .privateKeyDoesNotMatchCertificate(what: ""),
            .validityExceedsAuthority(requestedNotAfter: Self.now, authorityNotAfter: Self.now),
            .notValidAt(Self.now, notValidBefore: Self.now, notValidAfter: Self.now),
            .certificateWithoutNodeID(subject: ""), .notIssuedByAuthority(detail: ""), .missingKeyUsage(""),
            .certificateConstructionFailed(detail: ""),
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        #expect(ClusterCAError.invalidValidityDays(0).code == "ca.invalid_validity_days")
        #expect(ClusterCAError.invalidDNSName("x_y").description.contains("x_y"))
    }
}
