import Crypto

/// One self-describing, checksummed piece of a shard snapshot stream.
///
/// Layout (format 1): `"SJSN"` ‖ version ‖ sequence (u64) ‖ final flag ‖ pair count (u32) ‖
/// pairs (u32 key length, key, u32 value length, value) ‖ stream digest (32 bytes, final chunk
/// only) ‖ SHA-256 of everything before it (32 bytes).
public struct SnapshotChunk: Sendable, Equatable {
    /// The chunk's position in the stream, from 0.
    public var sequence: UInt64
    /// The key-value pairs, in ascending key order, continuing the previous chunk.
    public var pairs: [(key: [UInt8], value: [UInt8])]
    /// The SHA-256 of every pair of the stream, present on the final chunk only.
    public var streamDigest: ChainDigest?

    /// Whether this is the last chunk.
    public var isFinal: Bool { streamDigest != nil }

    static let magic: [UInt8] = Array("SJSN".utf8)
    /// The version byte of the chunk layout.
    public static let formatVersion: UInt8 = 1
    /// Fixed bytes around the pairs: magic, version, sequence, flag, count, digest, checksum.
    static let overheadBytes = 4 + 1 + 8 + 1 + 4 + 32 + 32
    /// Bytes a pair takes in a chunk beyond its key and value.
    static let pairOverheadBytes = 8

    /// Creates a chunk.
    public init(sequence: UInt64, pairs: [(key: [UInt8], value: [UInt8])], streamDigest: ChainDigest?) {
        self.sequence = sequence
        self.pairs = pairs
        self.streamDigest = streamDigest
    }

    /// The chunk's bytes, checksum included.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: Self.overheadBytes + pairs.reduce(0) { $0 + $1.key.count + $1.value.count + 8 })
        writer.writeRaw(Self.magic)
        writer.write(Self.formatVersion)
        writer.write(sequence)
        writer.write(isFinal)
        writer.write(UInt32(pairs.count))
        for pair in pairs {
            writer.writeBytes(pair.key)
            writer.writeBytes(pair.value)
        }
        if let streamDigest { streamDigest.encode(to: &writer) }
        writer.writeRaw(Array(SHA256.hash(data: writer.bytes)))
        return writer.bytes
    }

    /// Decodes and checks a chunk; never traps on malformed bytes.
    public static func decode(_ bytes: [UInt8]) throws(SnapshotError) -> SnapshotChunk {
        guard bytes.count >= overheadBytes - 32 else { throw .malformed("chunk of \(bytes.count) bytes is too short") }
        let body = Array(bytes[..<(bytes.count - 32)])
        guard Array(SHA256.hash(data: body)) == Array(bytes[(bytes.count - 32)...]) else { throw .checksumMismatch }
        var reader = ByteReader(body)
        do {
            guard try reader.readRaw(4) == magic else { throw SnapshotError.malformed("not a snapshot chunk") }
            let version = try reader.readUInt8()
            guard version == formatVersion else { throw SnapshotError.unsupportedVersion(version) }
            let sequence = try reader.readUInt64()
            let isFinal = try reader.readBool()
            let pairs = try reader.readArray(maxCount: SnapshotLimits.pairsPerChunkMax) { (r: inout ByteReader) throws(CodecError) in
                (key: try r.readBytes(maxBytes: SnapshotLimits.keyBytesMax),
                 value: try r.readBytes(maxBytes: SnapshotLimits.valueBytesMax))
            }
            let digest = isFinal ? try ChainDigest(from: &reader) : nil
            try reader.expectEnd()
            return SnapshotChunk(sequence: sequence, pairs: pairs, streamDigest: digest)
        } catch let error as SnapshotError {
            throw error
        } catch let error as CodecError {
            throw .malformed(error.code)
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// Compares sequence, pairs and digest.
    public static func == (lhs: SnapshotChunk, rhs: SnapshotChunk) -> Bool {
        lhs.sequence == rhs.sequence && lhs.streamDigest == rhs.streamDigest
            && lhs.pairs.count == rhs.pairs.count
            && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
