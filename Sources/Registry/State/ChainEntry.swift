/// One link of a register's chain: which stored value it covers, that value's digest, and the
/// head after it.
public struct ChainEntry: Hashable, Sendable {
    /// What the entry covers.
    public enum Kind: UInt8, NamedByteEnum, CanonicalCodable {
        /// An act.
        case act = 1
        /// A marginal mention.
        case mention = 2

        /// The JSON name.
        public var name: String { self == .act ? "act" : "mention" }
    }

    /// The position in the chain, from 1.
    public var position: UInt64
    /// Act or mention.
    public var kind: Kind
    /// The act covered (for a mention, the act it is written on).
    public var actNumber: UInt64
    /// The mention's sequence (0 for an act).
    public var mentionSequence: UInt32
    /// SHA-256 of the stored value's bytes.
    public var valueDigest: ChainDigest
    /// The head after this entry.
    public var head: ChainDigest

    /// The version byte that starts a stored chain entry.
    public static let formatVersion: UInt8 = 1
}

extension ChainEntry: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        writer.write(position)
        kind.encode(to: &writer)
        writer.write(actNumber)
        writer.write(mentionSequence)
        valueDigest.encode(to: &writer)
        head.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        position = try reader.readUInt64()
        kind = try Kind(from: &reader)
        actNumber = try reader.readUInt64()
        mentionSequence = try reader.readUInt32()
        valueDigest = try ChainDigest(from: &reader)
        head = try ChainDigest(from: &reader)
    }
}
