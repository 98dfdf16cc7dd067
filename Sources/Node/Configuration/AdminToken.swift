import Crypto
import Foundation

/// The operators' credential for administrative requests that change the cluster (membership,
/// durability, topology versions, forced reconfiguration, backups).
///
/// `sijil cluster init` draws 32 random bytes and writes them, hex-encoded, to
/// `certs/admin.token` (mode 0600, kept with the operators like the CA key); every node's
/// configuration holds only its SHA-256 (`admin_token_sha256`). A request carries the token as
/// `Authorization: Bearer <token>`; the node compares digests in constant time. The API is
/// served over TLS only, so the token never crosses the network in clear.
public enum AdminToken {
    /// Bytes of a token: 256 bits, beyond guessing.
    public static let tokenBytes = 32

    /// A new token, as 64 hexadecimal digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<tokenBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The digest a node configuration holds for `token`.
    public static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Whether `presented` is the token whose digest is `expected`, in time independent of
    /// where they differ.
    public static func matches(_ presented: String, expected: [UInt8]) -> Bool {
        let actual = digest(presented)
        guard actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0
    }

    /// Lowercase hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Bytes from hexadecimal digits; nil if any is not one.
    public static func decodeHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
