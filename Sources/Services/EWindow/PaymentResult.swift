import Registry

/// What the payment provider answered for one attempt.
public enum PaymentResult: Hashable, Sendable, Codable {
    /// The amount is captured; `reference` is the provider's transaction reference.
    case authorised(reference: String)
    /// The card was declined; nothing was charged.
    case declined(reason: String)
    /// No answer in time: the provider may or may not have charged. The attempt stays open and
    /// is retried with the same payment key, which the provider answers idempotently.
    case timedOut
}

extension PaymentResult: CanonicalCodable {
    /// Writes a tag then the payload.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .authorised(let reference):
            writer.write(UInt8(1))
            writer.write(reference)
        case .declined(let reason):
            writer.write(UInt8(2))
            writer.write(reason)
        case .timedOut:
            writer.write(UInt8(3))
        }
    }

    /// Reads the tag and payload.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .authorised(reference: try reader.readString())
        case 2: self = .declined(reason: try reader.readString())
        case 3: self = .timedOut
        default: throw .invalidTag(offset: at)
        }
    }
}

/// The payment side of a copy request: which attempt is open, how the last one ended.
public struct PaymentState: Hashable, Sendable, Codable {
    /// Attempts opened so far; the open or last attempt is this number.
    public var attempts: UInt32 = 0
    /// An attempt is open: charged or not, its answer is not recorded yet (or it timed out).
    public var open = false
    /// Declined attempts.
    public var declined: UInt32 = 0
    /// Timed-out answers recorded.
    public var timeouts: UInt32 = 0
    /// The provider's reference of the authorised capture.
    public var reference: String?
    /// Why the last attempt was declined.
    public var lastDecline: String?

    /// Creates an empty payment state.
    public init() {}
}

extension PaymentState: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(attempts)
        writer.write(open)
        writer.write(declined)
        writer.write(timeouts)
        writer.writeOptional(reference)
        writer.writeOptional(lastDecline)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        attempts = try reader.readUInt32()
        open = try reader.readBool()
        declined = try reader.readUInt32()
        timeouts = try reader.readUInt32()
        reference = try reader.readOptionalString()
        lastDecline = try reader.readOptionalString()
    }
}
