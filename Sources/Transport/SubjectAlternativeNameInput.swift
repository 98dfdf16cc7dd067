import NIOCore
import SwiftASN1
import X509

/// Validates the DNS names and IP addresses given for a node certificate and turns them into
/// subjectAltName entries.
enum SubjectAlternativeNameInput {
    /// The longest DNS name, 253 characters, and label, 63 characters (RFC 1035 §2.3.4).
    static let dnsNameLengthMax = 253
    static let dnsLabelLengthMax = 63

    static func generalNames(dnsNames: [String], ipAddresses: [String]) throws(ClusterCAError) -> [GeneralName] {
        let count = dnsNames.count + ipAddresses.count
        guard count > 0 else { throw .noSubjectAlternativeNames }
        guard count <= ClusterCA.subjectAlternativeNamesMax else {
            throw .tooManySubjectAlternativeNames(count: count)
        }
        var names: [GeneralName] = []
        for name in dnsNames {
            guard isValidDNSName(name) else { throw .invalidDNSName(name) }
            names.append(.dnsName(name.lowercased()))
        }
        for address in ipAddresses {
            names.append(.ipAddress(ASN1OctetString(contentBytes: try ipAddressBytes(address)[...])))
        }
        return names
    }

    /// A host name of letters, digits and hyphens in dot-separated labels; an IP literal is
    /// refused here because TLS matches IP literals only against IP address entries.
    static func isValidDNSName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= dnsNameLengthMax else { return false }
        guard (try? SocketAddress(ipAddress: name, port: 0)) == nil else { return false }
        let labels = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...dnsLabelLengthMax).contains(label.count) else { return false }
            guard label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else { return false }
            return label.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-")
            }
        }
    }

    /// The 4 or 16 network-order bytes of an IPv4 or IPv6 literal.
    static func ipAddressBytes(_ text: String) throws(ClusterCAError) -> [UInt8] {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: text, port: 0)
        } catch {
            throw .invalidIPAddress(text)
        }
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            throw .invalidIPAddress(text)
        }
    }
}
