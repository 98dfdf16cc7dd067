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
