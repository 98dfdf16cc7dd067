import X509

/// How a node id is written in a node certificate: the subject's common name is `node-<id>`,
/// the id in canonical decimal (no sign, no leading zero).
///
/// The id lives in the subject, which the CA signs, so a node cannot claim another id without a
/// certificate the CA issued for that id.
enum NodeCertificateName {
    static let commonNamePrefix = "node-"

    /// The common name for `nodeID`.
    static func commonName(for nodeID: UInt64) -> String {
        commonNamePrefix + String(nodeID)
    }

    /// The node id of a common name, or nil when it is not exactly `node-<canonical decimal>`.
    static func nodeID(fromCommonName name: String) -> UInt64? {
        guard name.hasPrefix(commonNamePrefix) else { return nil }
        let digits = name.dropFirst(commonNamePrefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let nodeID = UInt64(digits), String(nodeID) == digits else { return nil }
        return nodeID
    }

    /// The node id carried by a certificate's subject.
    ///
    /// Exactly one common name must be present: two would let a certificate be read as either id.
    static func nodeID(of certificate: Certificate) throws(ClusterCAError) -> UInt64 {
        let commonNames = certificate.subject.flatMap { $0 }.filter {
            $0.type == .RDNAttributeType.commonName
        }
        guard commonNames.count == 1, let name = String(commonNames[0].value),
            let nodeID = nodeID(fromCommonName: name)
        else {
            throw .certificateWithoutNodeID(subject: String(describing: certificate.subject))
        }
        return nodeID
    }

    /// The value of the single organizational unit of a distinguished name, if there is exactly one.
    static func organizationalUnit(of name: DistinguishedName) -> String? {
        let units = name.flatMap { $0 }.filter { $0.type == .RDNAttributeType.organizationalUnitName }
        guard units.count == 1 else { return nil }
        return String(units[0].value)
    }
}
