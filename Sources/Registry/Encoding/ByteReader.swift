/// Reads Sijil's canonical binary encoding from untrusted bytes.
///
/// Every read is bounds-checked and every length is checked against a limit before anything
/// is allocated, so a hostile or corrupted buffer produces a ``CodecError``, never a crash and
/// never a huge allocation.
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int

    /// Creates a reader over `bytes`, starting at the first byte.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// How many bytes are left.
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int) throws(CodecError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset) }
        let slice = bytes[offset..<(offset + count)]
        offset += count
        return slice
    }

    /// Reads `width` bytes as a big-endian integer, indexing the buffer directly (no slice).
    private mutating func readInteger<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(CodecError) -> T {
        let width = MemoryLayout<T>.size
        guard width <= remaining else { throw .truncated(offset: offset) }
        var value: T = 0
        for index in offset..<(offset + width) { value = (value << 8) | T(bytes[index]) }
        offset += width
        return value
    }

    /// Reads one byte.
    public mutating func readUInt8() throws(CodecError) -> UInt8 {
        try readInteger(UInt8.self)
    }

    /// Reads a big-endian `UInt16`.
    public mutating func readUInt16() throws(CodecError) -> UInt16 {
        try readInteger(UInt16.self)
    }

    /// Reads a big-endian `UInt32`.
    public mutating func readUInt32() throws(CodecError) -> UInt32 {
        try readInteger(UInt32.self)
    }

    /// Reads a big-endian `UInt64`.
    public mutating func readUInt64() throws(CodecError) -> UInt64 {
        try readInteger(UInt64.self)
    }

    /// Reads a boolean; any byte other than 0 or 1 is an error.
    public mutating func readBool() throws(CodecError) -> Bool {
        let at = offset
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        default: throw .invalidTag(offset: at)
        }
    }

    /// Reads a length-prefixed UTF-8 string of at most `maxBytes` bytes; invalid UTF-8 is an error.
    public mutating func readString(maxBytes: Int = CodecLimits.stringBytesMax) throws(CodecError) -> String {
        let at = offset
        let count = Int(try readUInt32())
        guard count <= maxBytes else { throw .lengthOverLimit(offset: at, length: count, limit: maxBytes) }
        guard count <= remaining else { throw .truncated(offset: offset) }
        let start = offset
        let string = bytes.withUnsafeBufferPointer { buffer -> String? in
            let utf8 = UnsafeBufferPointer(rebasing: buffer[start..<(start + count)])
            // `String(decoding:as:)` is specialised for a buffer of bytes, where the validating
            // initialiser looked up generic metadata on every call. It repairs invalid UTF-8
            // with U+FFFD, so the text is valid exactly when the string holds the same bytes.
            let decoded = String(decoding: utf8, as: UTF8.self)
            let unchanged = decoded.utf8.withContiguousStorageIfAvailable { Self.sameBytes($0, utf8) } ?? decoded.utf8.elementsEqual(utf8)
            return unchanged ? decoded : nil
        }
        guard let string else { throw .invalidUTF8(offset: at) }
        offset += count
        return string
    }

    /// Whether two buffers hold the same bytes, compared eight at a time (the generic
    /// `elementsEqual` went byte by byte through iterators).
    public static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let first = a.baseAddress, let second = b.baseAddress else { return true }
        let left = UnsafeRawPointer(first), right = UnsafeRawPointer(second)
        var at = 0
        while at + 8 <= a.count {
            guard left.loadUnaligned(fromByteOffset: at, as: UInt64.self) == right.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            else { return false }
            at += 8
        }
        while at < a.count {
            guard first[at] == second[at] else { return false }
            at += 1
        }
        return true
    }

    /// Reads a length-prefixed byte string of at most `maxBytes` bytes.
    public mutating func readBytes(maxBytes: Int) throws(CodecError) -> [UInt8] {
        let at = offset
        let count = Int(try readUInt32())
        guard count <= maxBytes else { throw .lengthOverLimit(offset: at, length: count, limit: maxBytes) }
        return Array(try take(count))
    }

    /// Reads exactly `count` bytes with no prefix.
    public mutating func readRaw(_ count: Int) throws(CodecError) -> [UInt8] {
        Array(try take(count))
    }

    /// Reads an optional written by ``ByteWriter/writeOptional(_:_:)``.
    public mutating func readOptional<T>(_ body: (inout ByteReader) throws(CodecError) -> T) throws(CodecError) -> T? {
        try readBool() ? try body(&self) : nil
    }

    /// Reads an optional string.
    public mutating func readOptionalString(maxBytes: Int = CodecLimits.stringBytesMax) throws(CodecError) -> String? {
        try readOptional { (reader: inout ByteReader) throws(CodecError) in try reader.readString(maxBytes: maxBytes) }
    }

    /// Reads a count-prefixed sequence of at most `maxCount` elements.
    public mutating func readArray<T>(
        maxCount: Int, _ body: (inout ByteReader) throws(CodecError) -> T
    ) throws(CodecError) -> [T] {
        let at = offset
        let count = Int(try readUInt32())
        guard count <= maxCount else { throw .lengthOverLimit(offset: at, length: count, limit: maxCount) }
        // Each element takes at least one byte, so a count larger than what is left is a lie.
        guard count <= remaining else { throw .truncated(offset: at) }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try body(&self)) }
        return values
    }

    /// Reads a one-byte tag of a raw-representable enum.
    public mutating func readEnum<E: RawRepresentable>(_ type: E.Type) throws(CodecError) -> E where E.RawValue == UInt8 {
        let at = offset
        guard let value = E(rawValue: try readUInt8()) else { throw .invalidTag(offset: at) }
        return value
    }

    /// Fails unless every byte has been read.
    public func expectEnd() throws(CodecError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }
}

/// Limits that apply while decoding untrusted bytes.
public enum CodecLimits {
    /// Longest string field in bytes. The longest real Moroccan place or court name is well under
    /// 200 bytes of UTF-8 Arabic; 1,024 leaves room for free-text fields without letting one field
    /// inflate an entry.
    public static let stringBytesMax = 1_024
}

/// A malformed canonical encoding. Codes are stable and appear in logs and API errors.
public enum CodecError: Error, Equatable, Sendable {
    /// The buffer ended before the value did.
    case truncated(offset: Int)
    /// An enum tag, boolean or presence byte has a value that means nothing.
    case invalidTag(offset: Int)
    /// A string is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// A length or count exceeds its limit.
    case lengthOverLimit(offset: Int, length: Int, limit: Int)
    /// Bytes are left after the value.
    case trailingBytes(count: Int)
    /// The format version is not one this code reads.
    case unsupportedVersion(UInt8)
    /// A field decoded but its value is out of its domain (for example month 13).
    case invalidValue(offset: Int, reason: String)

    /// A stable code for logs and API errors.
    public var code: String {
        switch self {
        case .truncated: "codec.truncated"
        case .invalidTag: "codec.invalid_tag"
        case .invalidUTF8: "codec.invalid_utf8"
        case .lengthOverLimit: "codec.length_over_limit"
        case .trailingBytes: "codec.trailing_bytes"
        case .unsupportedVersion: "codec.unsupported_version"
        case .invalidValue: "codec.invalid_value"
        }
    }
}
