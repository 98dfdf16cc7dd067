import Crypto

/// Why a copy cannot be issued.
public enum CopyRefusal: Error, Hashable, Sendable {
    /// The requester is not entitled to this form.
    case denied(EntitlementDenial)
    /// The stored act and mentions do not read consistently (a correction of the wrong kind):
    /// the state was altered; nothing is issued until the shard is repaired.
    case inconsistentRecord(mentionSequences: [UInt32])
    /// The signing library failed.
    case signingFailed

    /// A stable code.
    public var code: String {
        switch self {
        case .denied(let denial): denial.code
        case .inconsistentRecord: "copy.inconsistent_record"
        case .signingFailed: "copy.signing_failed"
        }
    }
}

/// Issues signed copies of acts.
public struct CopyIssuer {
    private let signingKey: Curve25519.Signing.PrivateKey
    private let reference: ReferenceData

    /// Creates an issuer with the office's signing key (provided by the caller).
    public init(signingKey: Curve25519.Signing.PrivateKey, reference: ReferenceData = .embedded) {
        self.signingKey = signingKey
        self.reference = reference
    }

    /// The fingerprint printed on copies: the first 8 bytes of SHA-256 of the public key, hex.
    public static func fingerprint(of key: Curve25519.Signing.PublicKey) -> String {
        Hex.encode(Array(SHA256.hash(data: key.rawRepresentation)).prefix(8))
    }

    /// Issues a copy of `record` in `form` and `language`, at `issuedAt` (a parameter: the
    /// copy is a deterministic function of its inputs), for `requester`.
    public func issue(_ record: ActRecord, form: CopyForm, language: CopyLanguage, issuedAt: Timestamp,
                      requester: CopyRequester) throws(CopyRefusal) -> CivilStatusCopy {
        if case .denied(let denial) = CopyEntitlement.evaluate(requester, form: form, record: record) {
            throw .denied(denial)
        }
        let view = ActView(record)
        guard view.inconsistentMentions.isEmpty else {
            throw .inconsistentRecord(mentionSequences: view.inconsistentMentions)
        }
        let content = CopyContent(record: record, form: form, language: language, reference: reference)
        var copy = CivilStatusCopy(
            formatVersion: CivilStatusCopy.formatVersion, form: form, language: language, actID: record.act.id,
            issuedAt: issuedAt, title: content.title, header: content.header, lines: content.lines,
            mentions: content.mentions, keyFingerprint: Self.fingerprint(of: signingKey.publicKey),
            signature: [], verificationCode: "")
        guard let signature = try? signingKey.signature(for: copy.signedBytes) else { throw .signingFailed }
        copy.signature = Array(signature)
        copy.verificationCode = VerificationCode.derive(fromSignature: copy.signature)
        return copy
    }
}

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
