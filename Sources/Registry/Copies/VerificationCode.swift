import Crypto

/// The short code printed on a copy for a citizen to type: the first 50 bits of SHA-256 of the
/// signature in Crockford base32 (no I, L, O, U), ten characters.
public enum VerificationCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// Characters in a code.
    public static let length = 10

    /// The code of a signature.
    public static func derive(fromSignature signature: [UInt8]) -> String {
        let digest = Array(SHA256.hash(data: signature))
        var bits: UInt64 = 0
        for byte in digest.prefix(8) { bits = bits << 8 | UInt64(byte) }
        var code = ""
        for index in 0..<length {
            let shift = UInt64(64 - 5 * (index + 1))
            code.append(alphabet[Int((bits >> shift) & 0x1F)])
        }
        return code
    }
}
