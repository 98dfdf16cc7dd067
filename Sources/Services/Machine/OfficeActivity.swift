import Registry

/// What an office has done, counted at apply time on every replica: the operator's dashboard
/// shows it live, and the e-window's delay report reads its delivery buckets.
public struct OfficeActivity: Hashable, Sendable, Codable {
    /// The office.
    public var office: OfficeCode
    /// Acts drawn up (live or imported).
    public var actsRegistered: UInt64 = 0
    /// Marginal mentions appended.
    public var mentionsAdded: UInt64 = 0
    /// Preliminary declarations filed.
    public var declarationsFiled: UInt64 = 0
    /// Copy requests paid.
    public var requestsPaid: UInt64 = 0
    /// Copies issued through the e-window.
    public var copiesIssued: UInt64 = 0
    /// Requests delivered within 3 days of payment.
    public var deliveredWithin3Days: UInt64 = 0
    /// Delivered after 3 and within 5 days (still within the promise).
    public var deliveredWithin5Days: UInt64 = 0
    /// Delivered after the 5-day promise.
    public var deliveredLate: UInt64 = 0
    /// The time of the last command that touched the office.
    public var lastActivity: Timestamp?

    /// Creates empty counters for an office.
    public init(office: OfficeCode) {
        self.office = office
    }
}

extension OfficeActivity: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        office.encode(to: &writer)
        for value in [actsRegistered, mentionsAdded, declarationsFiled, requestsPaid, copiesIssued,
                      deliveredWithin3Days, deliveredWithin5Days, deliveredLate] {
            writer.write(value)
        }
        writer.writeOptional(lastActivity) { $1.encode(to: &$0) }
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        office = try OfficeCode(from: &reader)
        actsRegistered = try reader.readUInt64()
        mentionsAdded = try reader.readUInt64()
        declarationsFiled = try reader.readUInt64()
        requestsPaid = try reader.readUInt64()
        copiesIssued = try reader.readUInt64()
        deliveredWithin3Days = try reader.readUInt64()
        deliveredWithin5Days = try reader.readUInt64()
        deliveredLate = try reader.readUInt64()
        lastActivity = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try Timestamp(from: &r) }
    }
}

/// Acts of one office whose event fell in one month.
public struct VitalCount: Hashable, Sendable, Codable {
    /// The office.
    public var office: OfficeCode
    /// The year of the event.
    public var year: Int
    /// The month of the event, 1 to 12.
    public var month: Int
    /// Birth or death.
    public var kind: ActKind
    /// Acts counted.
    public var count: UInt64

    /// Creates a count.
    public init(office: OfficeCode, year: Int, month: Int, kind: ActKind, count: UInt64) {
        self.office = office
        self.year = year
        self.month = month
        self.kind = kind
        self.count = count
    }
}

/// One office's line of the delay report against the 3-to-5-day promise.
public struct DelayReportRow: Hashable, Sendable, Codable {
    /// The office.
    public var office: OfficeCode
    /// Delivered within 3 days of payment.
    public var deliveredWithin3Days: UInt64
    /// Delivered after 3 and within 5 days.
    public var deliveredWithin5Days: UInt64
    /// Delivered after 5 days.
    public var deliveredLate: UInt64
    /// Paid, not yet delivered, still within 5 days.
    public var openWithinPromise: UInt64
    /// Paid, not yet delivered, more than 5 days ago.
    public var openOverdue: UInt64
}

/// An issued copy, stored with its request so that anyone holding the code can check it.
public struct IssuedCopy: Hashable, Sendable, Codable {
    /// The request it was issued for.
    public var reference: ServiceReference
    /// The verification code printed on the copy.
    public var verificationCode: String
    /// The copy as signed (the JSON of `CivilStatusCopy`).
    public var copy: [UInt8]
}

extension IssuedCopy: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        reference.encode(to: &writer)
        writer.write(verificationCode)
        writer.writeBytes(copy)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        reference = try ServiceReference(from: &reader)
        verificationCode = try reader.readString(maxBytes: 32)
        copy = try reader.readBytes(maxBytes: ServiceLimits.issuedCopyBytesMax)
    }
}
