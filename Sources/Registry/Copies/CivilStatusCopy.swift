/// One labelled line of a copy, as printed.
public struct CopyLine: Hashable, Sendable, Codable {
    /// The label, e.g. "Prénom".
    public var label: String
    /// The value, e.g. "Yassine".
    public var value: String

    /// Creates a line.
    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// A signed copy of an act, as issued. Every word printed on the copy is in ``header``,
/// ``lines`` and ``mentions``, and the signature covers them all, so a copy altered in any way
/// no longer verifies.
public struct CivilStatusCopy: Hashable, Sendable, Codable {
    /// The version of the signed layout.
    public static let formatVersion: UInt8 = 1

    /// The layout version this copy was signed with.
    public var formatVersion: UInt8
    /// Full copy or extract.
    public var form: CopyForm
    /// Arabic or French.
    public var language: CopyLanguage
    /// The act copied.
    public var actID: ActID
    /// When the copy was issued (a parameter of issuing, never a clock read).
    public var issuedAt: Timestamp
    /// The title, e.g. "Copie intégrale d'acte de naissance".
    public var title: String
    /// The heading lines (kingdom, region, province, office).
    public var header: [String]
    /// The act's lines.
    public var lines: [CopyLine]
    /// The marginal mentions shown, as printed, in order.
    public var mentions: [String]
    /// The first 8 bytes of SHA-256 of the signing public key, hex.
    public var keyFingerprint: String
    /// The Ed25519 signature over ``signedBytes``.
    public var signature: [UInt8]
    /// Ten characters a citizen can type to check the copy (derived from the signature).
    public var verificationCode: String

    /// The canonical bytes the signature covers (everything but the signature and the code).
    public var signedBytes: [UInt8] {
        var writer = ByteWriter(reservingCapacity: 2048)
        writer.writeRaw(Array("sijil/copy/v1".utf8))
        writer.write(formatVersion)
        form.encode(to: &writer)
        language.encode(to: &writer)
        actID.encode(to: &writer)
        issuedAt.encode(to: &writer)
        writer.write(title)
        writer.writeArray(header) { $0.write($1) }
        writer.writeArray(lines) { writer, line in
            writer.write(line.label)
            writer.write(line.value)
        }
        writer.writeArray(mentions) { $0.write($1) }
        writer.write(keyFingerprint)
        return writer.bytes
    }
}
