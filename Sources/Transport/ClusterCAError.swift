import Foundation

/// Why a cluster certificate could not be created, loaded or accepted.
///
/// Every case has a stable ``code`` for scripts and logs; the associated values name the
/// offending input so an operator can fix the command line in one pass.
public enum ClusterCAError: Error, Equatable, Sendable {
    /// The cluster name is empty, too long, or contains characters that do not belong in a name.
    case invalidClusterName(String, reason: String)
    /// The validity in days is outside `1...ClusterCA.validityDaysMax`.
    case invalidValidityDays(Int)
    /// A DNS name for the subjectAltName is not a valid host name.
    case invalidDNSName(String)
    /// An IP address for the subjectAltName is not an IPv4 or IPv6 literal.
    case invalidIPAddress(String)
    /// A node certificate needs at least one DNS name or IP address to be reachable under.
    case noSubjectAlternativeNames
    /// More names than ``ClusterCA/subjectAlternativeNamesMax`` were given.
    case tooManySubjectAlternativeNames(count: Int)
    /// A PEM document could not be parsed; `what` names which input (for example `"certificate"`).
    case invalidPEM(what: String, detail: String)
    /// A file could not be read, or is larger than ``ClusterCA/pemFileSizeBytesMax``.
    case unreadableFile(path: String, detail: String)
    /// The certificate given as the cluster CA is not a certificate authority.
    case notACertificateAuthority
    /// The private key given does not belong to the certificate given with it.
    case privateKeyDoesNotMatchCertificate(what: String)
    /// The node certificate would outlive the CA that signs it.
    case validityExceedsAuthority(requestedNotAfter: Date, authorityNotAfter: Date)
    /// The certificate is not valid at the given time (expired, or not valid yet).
    case notValidAt(Date, notValidBefore: Date, notValidAfter: Date)
    /// The certificate's subject does not carry a node id as `CN=node-<id>`.
    case certificateWithoutNodeID(subject: String)
    /// The certificate was not issued by the cluster CA.
    case notIssuedByAuthority(detail: String)
    /// The certificate lacks a usage the transport needs (mutual TLS needs serverAuth and clientAuth).
    case missingKeyUsage(String)
    /// Building or signing the certificate failed inside the certificate library.
    case certificateConstructionFailed(detail: String)

    /// A stable, machine-readable identifier of the error kind.
    public var code: String {
        switch self {
        case .invalidClusterName: "ca.invalid_cluster_name"
        case .invalidValidityDays: "ca.invalid_validity_days"
        case .invalidDNSName: "ca.invalid_dns_name"
        case .invalidIPAddress: "ca.invalid_ip_address"
        case .noSubjectAlternativeNames: "ca.no_subject_alternative_names"
        case .tooManySubjectAlternativeNames: "ca.too_many_subject_alternative_names"
        case .invalidPEM: "ca.invalid_pem"
        case .unreadableFile: "ca.unreadable_file"
        case .notACertificateAuthority: "ca.not_a_certificate_authority"
        case .privateKeyDoesNotMatchCertificate: "ca.private_key_does_not_match_certificate"
        case .validityExceedsAuthority: "ca.validity_exceeds_authority"
        case .notValidAt: "ca.not_valid_at"
        case .certificateWithoutNodeID: "ca.certificate_without_node_id"
        case .notIssuedByAuthority: "ca.not_issued_by_authority"
        case .missingKeyUsage: "ca.missing_key_usage"
        case .certificateConstructionFailed: "ca.certificate_construction_failed"
        }
    }
}

extension ClusterCAError: CustomStringConvertible {
    /// An English sentence for operators, prefixed with the stable code.
    public var description: String {
        let message: String
        switch self {
        case .invalidClusterName(let name, let reason):
            message = "cluster name \"\(name)\" is invalid: \(reason)"
        case .invalidValidityDays(let days):
            message = "validity of \(days) days is outside 1...\(ClusterCA.validityDaysMax)"
        case .invalidDNSName(let name):
            message = "\"\(name)\" is not a valid DNS name"
        case .invalidIPAddress(let address):
            message = "\"\(address)\" is not an IPv4 or IPv6 address"
        case .noSubjectAlternativeNames:
            message = "a node certificate needs at least one DNS name or IP address"
        case .tooManySubjectAlternativeNames(let count):
            message = "\(count) names given, at most \(ClusterCA.subjectAlternativeNamesMax) allowed"
        case .invalidPEM(let what, let detail):
            message = "the \(what) is not valid PEM: \(detail)"
        case .unreadableFile(let path, let detail):
            message = "cannot read \(path): \(detail)"
        case .notACertificateAuthority:
            message = "the given CA certificate is not a certificate authority"
        case .privateKeyDoesNotMatchCertificate(let what):
            message = "the private key does not belong to the \(what) certificate"
        case .validityExceedsAuthority(let requested, let authority):
            message = "the certificate would be valid until \(requested), after the CA expires at \(authority)"
        case .notValidAt(let now, let notBefore, let notAfter):
            message = "the certificate is not valid at \(now) (valid from \(notBefore) to \(notAfter))"
        case .certificateWithoutNodeID(let subject):
            message = "the certificate subject \(subject) carries no node id (CN=node-<id>)"
        case .notIssuedByAuthority(let detail):
            message = "the certificate was not issued by the cluster CA: \(detail)"
        case .missingKeyUsage(let usage):
            message = "the certificate lacks the \(usage) usage"
        case .certificateConstructionFailed(let detail):
            message = "building the certificate failed: \(detail)"
        }
        return "\(code): \(message)"
    }
}
