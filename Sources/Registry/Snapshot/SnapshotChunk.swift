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

/// Limits of snapshot streams.
public enum SnapshotLimits {
    /// Longest key. State keys are at most 30 bytes; the node's shard prefix adds a few.
    public static let keyBytesMax = 256
    /// Largest value. The largest record, an act with every string at its limit, is under 64 KiB.
    public static let valueBytesMax = 256 * 1024
    /// Most pairs in one chunk, whatever its byte size (bounds the decoder's array).
    public static let pairsPerChunkMax = 1 << 20
    /// Smallest chunk limit a writer accepts: room for the largest pair.
    public static let chunkBytesMin = SnapshotChunk.overheadBytes + SnapshotChunk.pairOverheadBytes + keyBytesMax + valueBytesMax
}

/// A snapshot stream that cannot be written or restored.
public enum SnapshotError: Error, Equatable, Sendable {
    /// The chunk's checksum does not match its bytes.
    case checksumMismatch
    /// The chunk does not parse.
    case malformed(String)
    /// The chunk's layout version is unknown.
    case unsupportedVersion(UInt8)
    /// The chunk is not the next one expected.
    case outOfOrder(expected: UInt64, received: UInt64)
    /// Keys do not ascend strictly across the stream, or fall outside the state's key space.
    case keysOutOfOrder
    /// The final chunk's digest is not the digest of the pairs received.
    case digestMismatch
    /// A chunk arrived after the final one.
    case streamAlreadyComplete
    /// A stored pair is larger than the snapshot limits.
    case pairTooLarge(keyBytes: Int, valueBytes: Int)

    /// A stable code for logs.
    public var code: String {
        switch self {
        case .checksumMismatch: "snapshot.checksum_mismatch"
        case .malformed: "snapshot.malformed"
        case .unsupportedVersion: "snapshot.unsupported_version"
        case .outOfOrder: "snapshot.out_of_order"
        case .keysOutOfOrder: "snapshot.keys_out_of_order"
        case .digestMismatch: "snapshot.digest_mismatch"
        case .streamAlreadyComplete: "snapshot.stream_already_complete"
        case .pairTooLarge: "snapshot.pair_too_large"
        }
    }
}

/// The running digest of a snapshot stream: SHA-256 over every pair in order, each as
/// u32 key length ‖ key ‖ u32 value length ‖ value.
struct StreamDigest {
    private var hasher = SHA256()

    mutating func add(key: [UInt8], value: [UInt8]) {
        var writer = ByteWriter(reservingCapacity: key.count + value.count + 8)
        writer.writeBytes(key)
        writer.writeBytes(value)
        hasher.update(data: writer.bytes)
    }

    func finalize() -> ChainDigest {
        ChainDigest(unchecked: Array(hasher.finalize()))
    }
}
