/// The state of one register (office, year, kind): its numbering and its chain head.
public struct RegisterState: Hashable, Sendable, Codable {
    /// How the register is filled.
    public enum Mode: UInt8, NamedByteEnum, CanonicalCodable {
        /// Numbered by the state machine, densely from 1.
        case live = 1
        /// Filled by imports of a closed paper register, with the paper numbers.
        case historical = 2

        /// The JSON name.
        public var name: String {
            switch self {
            case .live: "live"
            case .historical: "historical"
            }
        }
    }

    /// The register.
    public var register: RegisterID
    /// Live or historical; decided by the first act and never changed.
    public var mode: Mode
    /// How many acts the register holds.
    public var actCount: UInt64
    /// The highest act number (equal to ``actCount`` in a live register).
    public var highestNumber: UInt64
    /// How many entries (acts and mentions) the chain holds.
    public var chainLength: UInt64
    /// The chain head after the last entry (the genesis digest when empty).
    public var chainHead: ChainDigest

    /// A new, empty register.
    public init(register: RegisterID, mode: Mode) {
        self.register = register
        self.mode = mode
        actCount = 0
        highestNumber = 0
        chainLength = 0
        chainHead = RegisterChain.genesis(register)
    }

    /// The version byte that starts a stored register state.
    public static let formatVersion: UInt8 = 1
}

extension RegisterState: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        register.encode(to: &writer)
        mode.encode(to: &writer)
        writer.write(actCount)
        writer.write(highestNumber)
        writer.write(chainLength)
        chainHead.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        register = try RegisterID(from: &reader)
        mode = try Mode(from: &reader)
        actCount = try reader.readUInt64()
        highestNumber = try reader.readUInt64()
        chainLength = try reader.readUInt64()
        chainHead = try ChainDigest(from: &reader)
    }
}

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

/// What is stored under a request id: the digest of the request's canonical bytes (to detect
/// a reused id with a different body) and the original outcome.
struct RequestRecord: Hashable, Sendable, CanonicalCodable {
    var requestDigest: ChainDigest
    var entry: AcceptedEntry

    static let formatVersion: UInt8 = 1

    func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        requestDigest.encode(to: &writer)
        entry.encode(to: &writer)
    }

    init(requestDigest: ChainDigest, entry: AcceptedEntry) {
        self.requestDigest = requestDigest
        self.entry = entry
    }

    init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        requestDigest = try ChainDigest(from: &reader)
        entry = try AcceptedEntry(from: &reader)
    }
}
