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
