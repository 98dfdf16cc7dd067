/// Where a queued record stands.
public enum ReviewStatus: Hashable, Sendable, Codable {
    /// Waiting for a reviewer.
    case open
    /// Settled: the act was imported on the reviewer's decision.
    case imported(reviewer: String, decidedBy: RequestID)
    /// Settled: the record was discarded, for the reason given.
    case discarded(reviewer: String, reason: String, decidedBy: RequestID)

    /// "open", "imported" or "discarded".
    public var name: String {
        switch self {
        case .open: "open"
        case .imported: "imported"
        case .discarded: "discarded"
        }
    }
}

/// A review item as the register keeps it: the item, who queued it, and where it stands.
/// Settled items stay, so the decision on every disagreement can be traced.
public struct ReviewRecord: Hashable, Sendable, Codable {
    /// The item.
    public var item: ReviewItem
    /// The request that queued it.
    public var submittedBy: RequestID
    /// The idempotency digest of that request (a re-run of the same file queues nothing new).
    public var submissionDigest: ChainDigest
    /// Where it stands.
    public var status: ReviewStatus

    /// Creates a record.
    public init(item: ReviewItem, submittedBy: RequestID, submissionDigest: ChainDigest, status: ReviewStatus) {
        self.item = item
        self.submittedBy = submittedBy
        self.submissionDigest = submissionDigest
        self.status = status
    }
}

/// The outcome of a review operation that imports no act: a record queued (or found already
/// queued by the same request), or discarded.
public struct ReviewReceipt: Hashable, Sendable, Codable {
    /// The request.
    public var requestID: RequestID
    /// The queued record's place (register and number).
    public var place: ActID
    /// Where the record stands after the request.
    public var status: ReviewStatus
    /// False when the request had already been applied: nothing was written again.
    public var isNew: Bool

    /// Creates a receipt.
    public init(requestID: RequestID, place: ActID, status: ReviewStatus, isNew: Bool) {
        self.requestID = requestID
        self.place = place
        self.status = status
        self.isNew = isNew
    }
}

extension ReviewStatus: CanonicalCodable {
    /// Writes a tag (1 open, 2 imported, 3 discarded) and its fields.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .open:
            writer.write(UInt8(1))
        case .imported(let reviewer, let decidedBy):
            writer.write(UInt8(2))
            writer.write(reviewer)
            decidedBy.encode(to: &writer)
        case .discarded(let reviewer, let reason, let decidedBy):
            writer.write(UInt8(3))
            writer.write(reviewer)
            writer.write(reason)
            decidedBy.encode(to: &writer)
        }
    }

    /// Reads the tag and its fields.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .open
        case 2: self = .imported(reviewer: try reader.readString(maxBytes: RegistryLimits.referenceBytesMax), decidedBy: try RequestID(from: &reader))
        case 3:
            self = .discarded(reviewer: try reader.readString(maxBytes: RegistryLimits.referenceBytesMax),
                              reason: try reader.readString(maxBytes: RegistryLimits.textBytesMax), decidedBy: try RequestID(from: &reader))
        default: throw .invalidTag(offset: at)
        }
    }
}

extension ReviewRecord: CanonicalCodable {
    static let formatVersion: UInt8 = 1

    /// Writes a version byte, the item, the submitter, its digest, the status.
    public func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        item.encode(to: &writer)
        submittedBy.encode(to: &writer)
        submissionDigest.encode(to: &writer)
        status.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        item = try ReviewItem(from: &reader)
        submittedBy = try RequestID(from: &reader)
        submissionDigest = try ChainDigest(from: &reader)
        status = try ReviewStatus(from: &reader)
    }
}

extension ReviewReceipt: CanonicalCodable {
    /// Writes the request id, place, status, and whether it is new.
    public func encode(to writer: inout ByteWriter) {
        requestID.encode(to: &writer)
        place.encode(to: &writer)
        status.encode(to: &writer)
        writer.write(isNew)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        requestID = try RequestID(from: &reader)
        place = try ActID(from: &reader)
        status = try ReviewStatus(from: &reader)
        isNew = try reader.readBool()
    }
}
