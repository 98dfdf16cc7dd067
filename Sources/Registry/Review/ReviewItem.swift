/// One field of a keyed record, as the keyer typed it (a dotted name such as
/// `child.given.latin` and its text).
public struct KeyedField: Hashable, Sendable, Codable {
    /// The field's name in the campaign's files.
    public var name: String
    /// The text keyed in.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One keyer's reading of a paper record.
public struct Keying: Hashable, Sendable, Codable {
    /// The keyer's id in the digitisation campaign.
    public var keyer: String
    /// Every field keyed, in the order of the file.
    public var fields: [KeyedField]

    /// Creates a keying.
    public init(keyer: String, fields: [KeyedField]) {
        self.keyer = keyer
        self.fields = fields
    }
}

/// A paper record whose two independent keyings disagree: it waits in the register's review
/// queue, with both readings and the scan they were keyed from, until a reviewer settles it.
/// Queued by the import (`RegistryOperation.submitForReview`); settled by
/// `RegistryOperation.settleReview`.
public struct ReviewItem: Hashable, Sendable, Codable {
    /// The paper register the record belongs to (office, year, kind).
    public var register: RegisterID
    /// The record's number in the paper register.
    public var number: UInt64
    /// The reference of the scanned page image.
    public var scanReference: String
    /// The SHA-256 of the scanned image, 64 lowercase hex digits.
    public var scanDigest: String
    /// The two keyings, in the order they were read.
    public var keyings: [Keying]

    /// Creates an item.
    public init(register: RegisterID, number: UInt64, scanReference: String, scanDigest: String, keyings: [Keying]) {
        self.register = register
        self.number = number
        self.scanReference = scanReference
        self.scanDigest = scanDigest
        self.keyings = keyings
    }

    /// Where the act will stand once imported.
    public var place: ActID { ActID(register: register, number: number) }

    /// Names of the fields whose values differ between the keyings (a field keyed by one and
    /// not the other differs), sorted.
    public var disagreements: [String] {
        guard keyings.count == 2 else { return [] }
        let first = Dictionary(keyings[0].fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let second = Dictionary(keyings[1].fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        return Set(first.keys).union(second.keys).filter { first[$0] != second[$0] }.sorted()
    }
}

/// Bounds of a review item, checked before it is queued.
public enum ReviewLimits {
    /// Keyings of one record: the campaign keys every record twice, independently.
    public static let keyingsPerItem = 2
    /// Fields of one keying: a death act with every optional field has about 40.
    public static let fieldsPerKeyingMax = 96
    /// Bytes of a field name.
    public static let fieldNameBytesMax = 64
    /// Bytes of a keyed value (the longest free text of an act).
    public static let fieldValueBytesMax = RegistryLimits.textBytesMax
    /// Most review items in one page of `RegistryQuery.reviews`.
    public static let pageMax: UInt32 = 64
}

extension KeyedField: CanonicalCodable {
    /// Writes name then value.
    public func encode(to writer: inout ByteWriter) {
        writer.write(name)
        writer.write(value)
    }

    /// Reads name then value.
    public init(from reader: inout ByteReader) throws(CodecError) {
        name = try reader.readString(maxBytes: ReviewLimits.fieldNameBytesMax)
        value = try reader.readString(maxBytes: ReviewLimits.fieldValueBytesMax)
    }
}

extension Keying: CanonicalCodable {
    /// Writes the keyer then the fields.
    public func encode(to writer: inout ByteWriter) {
        writer.write(keyer)
        writer.writeArray(fields) { $1.encode(to: &$0) }
    }

    /// Reads the keyer then the fields.
    public init(from reader: inout ByteReader) throws(CodecError) {
        keyer = try reader.readString(maxBytes: RegistryLimits.referenceBytesMax)
        fields = try reader.readArray(maxCount: ReviewLimits.fieldsPerKeyingMax) { (r: inout ByteReader) throws(CodecError) in try KeyedField(from: &r) }
    }
}

extension ReviewItem: CanonicalCodable {
    /// Writes register, number, scan reference and digest, keyings.
    public func encode(to writer: inout ByteWriter) {
        register.encode(to: &writer)
        writer.write(number)
        writer.write(scanReference)
        writer.write(scanDigest)
        writer.writeArray(keyings) { $1.encode(to: &$0) }
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        register = try RegisterID(from: &reader)
        number = try reader.readUInt64()
        scanReference = try reader.readString(maxBytes: RegistryLimits.referenceBytesMax)
        scanDigest = try reader.readString(maxBytes: 64)
        keyings = try reader.readArray(maxCount: ReviewLimits.keyingsPerItem) { (r: inout ByteReader) throws(CodecError) in try Keying(from: &r) }
    }
}
