/// A reviewer's decision on a queued record: import the act as the reviewer establishes it
/// from the scan (usually one keying's reading, corrected where needed), or discard the record
/// (an illegible page to scan again, a record keyed twice under two numbers).
public struct ReviewDecision: Hashable, Sendable, Codable {
    /// What the reviewer decided.
    public enum Resolution: Hashable, Sendable, Codable {
        /// Import the act; its register and number must be the queued record's.
        case importAct(HistoricalActImport)
        /// Do not import; the reason is kept with the settled item.
        case discard(reason: String)
    }

    /// The queued record's register.
    public var register: RegisterID
    /// The queued record's number.
    public var number: UInt64
    /// The reviewer's id.
    public var reviewer: String
    /// The decision.
    public var resolution: Resolution

    /// Creates a decision.
    public init(register: RegisterID, number: UInt64, reviewer: String, resolution: Resolution) {
        self.register = register
        self.number = number
        self.reviewer = reviewer
        self.resolution = resolution
    }

    /// The queued record's place.
    public var place: ActID { ActID(register: register, number: number) }
}

extension ReviewDecision: CanonicalCodable {
    /// Writes register, number, reviewer, then a tag (1 import, 2 discard) and its body.
    public func encode(to writer: inout ByteWriter) {
        register.encode(to: &writer)
        writer.write(number)
        writer.write(reviewer)
        switch resolution {
        case .importAct(let item):
            writer.write(UInt8(1))
            item.encode(to: &writer)
        case .discard(let reason):
            writer.write(UInt8(2))
            writer.write(reason)
        }
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        register = try RegisterID(from: &reader)
        number = try reader.readUInt64()
        reviewer = try reader.readString(maxBytes: RegistryLimits.referenceBytesMax)
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: resolution = .importAct(try HistoricalActImport(from: &reader))
        case 2: resolution = .discard(reason: try reader.readString(maxBytes: RegistryLimits.textBytesMax))
        default: throw .invalidTag(offset: at)
        }
    }
}
