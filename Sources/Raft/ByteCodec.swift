/// Appends fixed-width little-endian integers and length-prefixed byte strings to a buffer.
/// The wire and disk formats of Raft values are built from these primitives only.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes a 4-byte length followed by the bytes.
    public mutating func writeBlob(_ blob: [UInt8]) {
        precondition(blob.count <= Int(UInt32.max), "blob of \(blob.count) bytes cannot be length-prefixed")
        write(UInt32(blob.count))
        bytes.append(contentsOf: blob)
    }

    public mutating func writeRaw(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }
}

/// Why bytes could not be decoded. Decoding never traps on hostile input.
public enum DecodeError: Error, Sendable, Equatable {
    case truncated(needed: Int, available: Int)
    case invalidTag(field: String, value: UInt64)
    case limitExceeded(field: String, value: Int, limit: Int)
    case trailingBytes(count: Int)
}

/// Reads what `ByteWriter` wrote, checking every bound.
public struct ByteReader: ~Copyable {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int) throws(DecodeError) -> Range<Int> {
        guard count <= remaining else { throw .truncated(needed: count, available: remaining) }
        defer { offset += count }
        return offset..<(offset + count)
    }

    public mutating func readUInt8() throws(DecodeError) -> UInt8 {
        bytes[try take(1).lowerBound]
    }

    public mutating func readBool(field: String) throws(DecodeError) -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw .invalidTag(field: field, value: UInt64(other))
        }
    }

    public mutating func readUInt32() throws(DecodeError) -> UInt32 {
        let range = try take(4)
        var value: UInt32 = 0
        for (shift, position) in range.enumerated() { value |= UInt32(bytes[position]) << (8 * shift) }
        return value
    }

    public mutating func readUInt64() throws(DecodeError) -> UInt64 {
        let range = try take(8)
        var value: UInt64 = 0
        for (shift, position) in range.enumerated() { value |= UInt64(bytes[position]) << (8 * shift) }
        return value
    }

    /// Reads a length-prefixed blob of at most `limit` bytes.
    public mutating func readBlob(field: String, limit: Int) throws(DecodeError) -> [UInt8] {
        let count = Int(try readUInt32())
        guard count <= limit else { throw .limitExceeded(field: field, value: count, limit: limit) }
        return Array(bytes[try take(count)])
    }

    /// Reads a count prefix and checks it against `limit` before anything is allocated.
    public mutating func readCount(field: String, limit: Int) throws(DecodeError) -> Int {
        let count = Int(try readUInt32())
        guard count <= limit else { throw .limitExceeded(field: field, value: count, limit: limit) }
        return count
    }

    public mutating func readRaw(count: Int) throws(DecodeError) -> [UInt8] {
        Array(bytes[try take(count)])
    }

    /// Fails if anything is left unread.
    public func expectEnd() throws(DecodeError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }
}
