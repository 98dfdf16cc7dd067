/// Writes Sijil's canonical binary encoding.
///
/// Every value that is hashed (register chains), signed (copies) or carried in the Raft log
/// (commands, outcomes) is written with this writer, never with `JSONEncoder`, so that the
/// bytes depend only on the value and on the format version, not on a library's choices.
///
/// The rules are few and fixed:
/// - integers are big-endian and of fixed width;
/// - a string is its exact UTF-8 bytes (no normalisation is applied; two strings that Swift
///   considers equal but that differ in bytes encode differently), preceded by a `UInt32` length;
/// - an optional is one byte (0 absent, 1 present) followed by the value when present;
/// - a sequence is a `UInt32` count followed by its elements, in order;
/// - fields are written in the order the type's `encode(to:)` lists them, which never changes
///   within a format version.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer.
    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends a big-endian `UInt16`.
    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian `UInt32`.
    public mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a big-endian `UInt64`.
    public mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a boolean as one byte, 0 or 1.
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends a length-prefixed UTF-8 string (exact bytes, no normalisation).
    public mutating func write(_ value: String) {
        // The string's own contiguous UTF-8, copied once (no intermediate array).
        var value = value
        value.withUTF8 { utf8 in
            write(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends a length-prefixed byte string.
    public mutating func writeBytes(_ value: [UInt8]) {
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends bytes with no length prefix (fixed-size fields such as digests).
    public mutating func writeRaw(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Appends an optional: a presence byte, then the value when present.
    public mutating func writeOptional<T>(_ value: T?, _ body: (inout ByteWriter, T) -> Void) {
        if let value {
            write(UInt8(1))
            body(&self, value)
        } else {
            write(UInt8(0))
        }
    }

    /// Appends an optional string.
    public mutating func writeOptional(_ value: String?) {
        writeOptional(value) { $0.write($1) }
    }

    /// Appends a count-prefixed sequence.
    public mutating func writeArray<T>(_ values: [T], _ body: (inout ByteWriter, T) -> Void) {
        write(UInt32(values.count))
        for value in values { body(&self, value) }
    }
}

/// A value with a canonical binary form (see ``ByteWriter``).
public protocol CanonicalEncodable {
    /// Writes the value's fields, in their fixed order.
    func encode(to writer: inout ByteWriter)
}

/// A value that can be read back from its canonical binary form, from untrusted bytes.
public protocol CanonicalDecodable {
    /// Reads the value; throws ``CodecError`` on malformed input, never traps.
    init(from reader: inout ByteReader) throws(CodecError)
}

/// Both directions of the canonical binary form.
public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable

extension CanonicalEncodable {
    /// The canonical bytes of this value.
    public var canonicalBytes: [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension CanonicalDecodable {
    /// Decodes a whole buffer; trailing bytes are an error.
    public static func decode(canonical bytes: [UInt8]) throws(CodecError) -> Self {
        var reader = ByteReader(bytes)
        let value = try Self(from: &reader)
        try reader.expectEnd()
        return value
    }
}
