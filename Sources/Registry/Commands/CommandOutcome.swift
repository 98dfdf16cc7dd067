/// What an accepted request produced.
public struct AcceptedEntry: Hashable, Sendable, Codable {
    /// The request.
    public var requestID: RequestID
    /// The act created, or the act the mention was written on.
    public var actID: ActID
    /// The civil digital identifier assigned (birth acts only).
    public var civilDigitalID: CivilDigitalID?
    /// The mention's sequence on its act (mentions only).
    public var mentionSequence: UInt32?
    /// The entry's position in its register's chain, from 1.
    public var chainPosition: UInt64
    /// The register's chain head after this entry.
    public var chainHead: ChainDigest

    /// Creates an accepted entry.
    public init(requestID: RequestID, actID: ActID, civilDigitalID: CivilDigitalID?, mentionSequence: UInt32?,
                chainPosition: UInt64, chainHead: ChainDigest) {
        self.requestID = requestID
        self.actID = actID
        self.civilDigitalID = civilDigitalID
        self.mentionSequence = mentionSequence
        self.chainPosition = chainPosition
        self.chainHead = chainHead
    }
}

extension AcceptedEntry: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        requestID.encode(to: &writer)
        actID.encode(to: &writer)
        writer.writeOptional(civilDigitalID) { $1.encode(to: &$0) }
        writer.writeOptional(mentionSequence) { $0.write($1) }
        writer.write(chainPosition)
        chainHead.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        requestID = try RequestID(from: &reader)
        actID = try ActID(from: &reader)
        civilDigitalID = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
        mentionSequence = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try r.readUInt32() }
        chainPosition = try reader.readUInt64()
        chainHead = try ChainDigest(from: &reader)
    }
}

/// The outcome of applying a command, returned to the client that proposed it.
public enum CommandOutcome: Hashable, Sendable, Codable {
    /// The request was applied.
    case accepted(AcceptedEntry)
    /// The request broke rules; nothing was written. Every violated rule is listed.
    case rejected([RuleViolation])
    /// The request id was already applied with the same body: this is its original outcome,
    /// and nothing new was written.
    case duplicate(AcceptedEntry)
    /// The outcomes of a batch, one per request, in order.
    case batch([CommandOutcome])
    /// A review operation that imported no act: a record queued, found already queued by the
    /// same request, or discarded (`ReviewReceipt.isNew` says whether anything was written).
    case review(ReviewReceipt)

    /// The version byte that starts an encoded outcome.
    public static let formatVersion: UInt8 = 1

    /// Most violations kept in one outcome; validation stops adding beyond this so that an
    /// outcome stays small however malformed the request.
    public static let violationsMax = 64

    /// The binary form returned through the node to the proposing client.
    public func encode() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.formatVersion)
        encodeBody(to: &writer)
        return writer.bytes
    }

    private func encodeBody(to writer: inout ByteWriter) {
        switch self {
        case .accepted(let entry):
            writer.write(UInt8(1))
            entry.encode(to: &writer)
        case .rejected(let violations):
            writer.write(UInt8(2))
            writer.writeArray(violations) { $1.encode(to: &$0) }
        case .duplicate(let entry):
            writer.write(UInt8(3))
            entry.encode(to: &writer)
        case .batch(let outcomes):
            writer.write(UInt8(4))
            writer.writeArray(outcomes) { $1.encodeBody(to: &$0) }
        case .review(let receipt):
            writer.write(UInt8(5))
            receipt.encode(to: &writer)
        }
    }

    /// Decodes an outcome; never traps on malformed bytes.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> CommandOutcome {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        let outcome = try decodeBody(from: &reader, allowBatch: true)
        try reader.expectEnd()
        return outcome
    }

    private static func decodeBody(from reader: inout ByteReader, allowBatch: Bool) throws(CodecError) -> CommandOutcome {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1:
            return .accepted(try AcceptedEntry(from: &reader))
        case 2:
            return .rejected(try reader.readArray(maxCount: violationsMax) { (r: inout ByteReader) throws(CodecError) in
                try RuleViolation(from: &r)
            })
        case 3:
            return .duplicate(try AcceptedEntry(from: &reader))
        case 5:
            return .review(try ReviewReceipt(from: &reader))
        case 4 where allowBatch:
            // Batches do not nest, so recursion depth is at most one.
            return .batch(try reader.readArray(maxCount: RegistryLimits.batchCommandsMax) {
                (r: inout ByteReader) throws(CodecError) in try decodeBody(from: &r, allowBatch: false)
            })
        default:
            throw .invalidTag(offset: at)
        }
    }

    /// The accepted entry, whether new or a duplicate's original.
    public var acceptedEntry: AcceptedEntry? {
        switch self {
        case .accepted(let entry), .duplicate(let entry): entry
        case .rejected, .batch, .review: nil
        }
    }
}
