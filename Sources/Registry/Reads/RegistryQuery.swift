/// A read of one shard's registry state, in a small versioned binary language, so that every
/// client of a node (the HTTP API, the CLI, the simulator) reads through the node's
/// linearizable read path with the same bytes.
///
/// Queries are registry-level: they name acts, registers and civil digital identifiers and are
/// evaluated against any ``KeyValueReader`` (a replica's live state, a RocksDB checkpoint
/// opened offline, an in-memory store in tests). Every query reads a bounded amount of state:
/// lists are paged with a caller-chosen limit under a fixed maximum, because a query runs on
/// the node's loop and must not stall it.
public enum RegistryQuery: Hashable, Sendable {
    /// An act and its marginal mentions. Answered by ``RegistryAnswer/record(_:)``.
    case act(ActID)
    /// The birth act that assigned a civil digital identifier, with its mentions. Answered by
    /// ``RegistryAnswer/record(_:)``.
    case actByCivilID(CivilDigitalID)
    /// One register's numbering and chain head. Answered by ``RegistryAnswer/register(_:)``.
    case register(RegisterID)
    /// Verifies one register's hash chain from the stored state. Answered by
    /// ``RegistryAnswer/verification(_:)``.
    case verifyRegister(RegisterID)
    /// Verifies every register after `after` (from the first when nil), at most `limit` of
    /// them, in key order. Answered by ``RegistryAnswer/verifications(_:next:)``; a caller
    /// verifies the whole shard by following `next`.
    case verifyAll(after: RegisterID?, limit: UInt32)
    /// The states of the registers after `after`, at most `limit`, in key order. Answered by
    /// ``RegistryAnswer/registers(_:next:)``.
    case registers(after: RegisterID?, limit: UInt32)
    /// Counts and a digest of every register's chain head. Answered by
    /// ``RegistryAnswer/stats(_:)``.
    case stats
    /// The open review records (the campaign's review queue) after `after`, at most `limit`,
    /// in key order. Answered by ``RegistryAnswer/reviews(_:next:)``.
    case reviews(after: ActID?, limit: UInt32)

    /// The version byte that starts an encoded query.
    public static let formatVersion: UInt8 = 1

    /// Most register states in one page. A register state is under 100 bytes; 256 of them
    /// make an answer of about 25 KiB.
    public static let registersPageMax: UInt32 = 256

    /// Most registers verified by one query. Verifying a register reads every act and mention
    /// it holds (tens of thousands in the busiest arrondissement), so a page stays small to
    /// keep one query's work on the node's loop bounded.
    public static let verifyPageMax: UInt32 = 16

    /// The binary form carried through the node.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 32)
        writer.write(Self.formatVersion)
        switch self {
        case .act(let id):
            writer.write(UInt8(1))
            id.encode(to: &writer)
        case .actByCivilID(let id):
            writer.write(UInt8(2))
            id.encode(to: &writer)
        case .register(let register):
            writer.write(UInt8(3))
            register.encode(to: &writer)
        case .verifyRegister(let register):
            writer.write(UInt8(4))
            register.encode(to: &writer)
        case .verifyAll(let after, let limit):
            writer.write(UInt8(5))
            writer.writeOptional(after) { $1.encode(to: &$0) }
            writer.write(limit)
        case .registers(let after, let limit):
            writer.write(UInt8(6))
            writer.writeOptional(after) { $1.encode(to: &$0) }
            writer.write(limit)
        case .stats:
            writer.write(UInt8(7))
        case .reviews(let after, let limit):
            writer.write(UInt8(8))
            writer.writeOptional(after) { $1.encode(to: &$0) }
            writer.write(limit)
        }
        return writer.bytes
    }

    /// Decodes untrusted bytes; never traps. A page limit of zero or above its maximum is an
    /// error (`codec.invalid_value`), so an evaluated query is always bounded.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> RegistryQuery {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        let at = reader.offset
        let query: RegistryQuery
        switch try reader.readUInt8() {
        case 1: query = .act(try ActID(from: &reader))
        case 2: query = .actByCivilID(try CivilDigitalID(from: &reader))
        case 3: query = .register(try RegisterID(from: &reader))
        case 4: query = .verifyRegister(try RegisterID(from: &reader))
        case 5:
            let after = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try RegisterID(from: &r) }
            query = .verifyAll(after: after, limit: try readLimit(&reader, max: verifyPageMax))
        case 6:
            let after = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try RegisterID(from: &r) }
            query = .registers(after: after, limit: try readLimit(&reader, max: registersPageMax))
        case 7: query = .stats
        case 8:
            let after = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try ActID(from: &r) }
            query = .reviews(after: after, limit: try readLimit(&reader, max: ReviewLimits.pageMax))
        default: throw .invalidTag(offset: at)
        }
        try reader.expectEnd()
        return query
    }

    private static func readLimit(_ reader: inout ByteReader, max: UInt32) throws(CodecError) -> UInt32 {
        let at = reader.offset
        let limit = try reader.readUInt32()
        guard limit >= 1 && limit <= max else {
            throw .invalidValue(offset: at, reason: "page limit \(limit) is not between 1 and \(max)")
        }
        return limit
    }
}
