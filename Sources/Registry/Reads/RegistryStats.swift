/// Counts over one shard's registers, and one digest that two replicas can compare to know
/// that every register ends at the same chain head.
///
/// Computed from the register states alone (one small record per register), never by reading
/// the acts: an act count is the register's `actCount`, a mention count its chain length minus
/// its acts.
public struct RegistryStats: Hashable, Sendable {
    /// Registers that hold at least one act.
    public var registers: UInt64
    /// Birth acts.
    public var birthActs: UInt64
    /// Death acts.
    public var deathActs: UInt64
    /// Marginal mentions, on acts of every kind.
    public var mentions: UInt64
    /// SHA-256 over every register in key order: `"sijil/stats/heads/v1" ‖ (register ‖ chain
    /// length ‖ chain head)*`. Equal on two replicas exactly when they hold the same registers
    /// with the same chains.
    public var chainHeadsDigest: ChainDigest

    /// Creates stats.
    public init(registers: UInt64, birthActs: UInt64, deathActs: UInt64, mentions: UInt64, chainHeadsDigest: ChainDigest) {
        self.registers = registers
        self.birthActs = birthActs
        self.deathActs = deathActs
        self.mentions = mentions
        self.chainHeadsDigest = chainHeadsDigest
    }

    /// The domain separator that starts the heads digest.
    static let headsDomain = Array("sijil/stats/heads/v1".utf8)
}

extension RegistryStats: CanonicalCodable {
    /// Writes the counts then the digest.
    public func encode(to writer: inout ByteWriter) {
        writer.write(registers)
        writer.write(birthActs)
        writer.write(deathActs)
        writer.write(mentions)
        chainHeadsDigest.encode(to: &writer)
    }

    /// Reads the counts then the digest.
    public init(from reader: inout ByteReader) throws(CodecError) {
        registers = try reader.readUInt64()
        birthActs = try reader.readUInt64()
        deathActs = try reader.readUInt64()
        mentions = try reader.readUInt64()
        chainHeadsDigest = try ChainDigest(from: &reader)
    }
}
