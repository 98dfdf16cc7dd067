import Crypto

/// Why a copy does not verify.
public enum CopyInvalidReason: Hashable, Sendable, CustomStringConvertible {
    /// The copy's layout version is unknown.
    case unsupportedVersion(UInt8)
    /// The copy names another signing key than the one given.
    case wrongKey(expected: String, found: String)
    /// The signature is not 64 bytes.
    case malformedSignature
    /// The signature does not match the content: the copy was altered.
    case signatureMismatch
    /// The verification code is not the one derived from the signature.
    case verificationCodeMismatch

    /// Why, in English.
    public var description: String {
        switch self {
        case .unsupportedVersion(let v): "copy layout version \(v) is unknown"
        case .wrongKey(let expected, let found): "copy was signed with key \(found), not \(expected)"
        case .malformedSignature: "signature is not an Ed25519 signature"
        case .signatureMismatch: "signature does not match the content: the copy was altered"
        case .verificationCodeMismatch: "verification code does not match the signature"
        }
    }
}

/// The result of verifying a copy.
public enum CopyVerification: Hashable, Sendable {
    /// Signed by the key and unaltered.
    case valid
    /// Not valid, and why.
    case invalid(CopyInvalidReason)
}

/// Verifies a copy against the issuing office's public key: anyone holding a copy can check it.
public func verify(_ copy: CivilStatusCopy, publicKey: Curve25519.Signing.PublicKey) -> CopyVerification {
    guard copy.formatVersion == CivilStatusCopy.formatVersion else { return .invalid(.unsupportedVersion(copy.formatVersion)) }
    let fingerprint = CopyIssuer.fingerprint(of: publicKey)
    guard copy.keyFingerprint == fingerprint else {
        return .invalid(.wrongKey(expected: fingerprint, found: copy.keyFingerprint))
    }
    guard copy.signature.count == 64 else { return .invalid(.malformedSignature) }
    guard publicKey.isValidSignature(copy.signature, for: copy.signedBytes) else { return .invalid(.signatureMismatch) }
    guard copy.verificationCode == VerificationCode.derive(fromSignature: copy.signature) else {
        return .invalid(.verificationCodeMismatch)
    }
    return .valid
}
