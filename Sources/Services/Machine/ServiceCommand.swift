import Registry

/// What a service command asks.
public enum ServiceOperation: Hashable, Sendable {
    /// Append records of reads of personal data to the audit log.
    case recordAudit([AuditRecord])
    /// A write to the register, recorded in the audit log in the same entry.
    case registryWrite(RegistryCommand)
    /// File a preliminary declaration.
    case fileDeclaration(PreliminaryDeclaration)
    /// Draw up the act of a pending declaration (with a judgment reference for a late one).
    case registerDeclaration(ServiceReference, officer: OfficerRef, judgment: JudgmentReference?)
    /// Refuse a pending declaration.
    case rejectDeclaration(ServiceReference, reason: String)
    /// Submit a copy request.
    case submitCopyRequest(CopyRequest)
    /// Open a payment attempt (or return the attempt already open).
    case openPayment(ServiceReference)
    /// Record the provider's answer for an attempt.
    case recordPayment(ServiceReference, attempt: UInt32, result: PaymentResult)
    /// Record the copy issued (signed by the node) for a paid request.
    case recordIssue(ServiceReference, verificationCode: String, copy: [UInt8], issuedBy: String)
    /// Record the dispatch by registered mail.
    case recordDispatch(ServiceReference, trackingNumber: String)
    /// Record the delivery.
    case recordDelivery(ServiceReference)
}

/// A command of the services' state machine, carried in a shard group's log beside the
/// register's commands. Every rule about time uses `at`, stamped by the proposing node; the
/// audit record says who asked and is appended when the command changes the state.
public struct ServiceCommand: Hashable, Sendable {
    /// The first byte of every service command. Registry commands start with their format
    /// version (1), so the shard's machine tells the two apart by this byte.
    public static let marker: UInt8 = 0x53
    /// The version byte after the marker.
    public static let formatVersion: UInt8 = 1

    /// When the node drew the command up (UTC, to the minute).
    public var at: Timestamp
    /// Who asked, for the audit log (nil for `recordAudit`, which carries its own records).
    public var audit: AuditRecord?
    /// What is asked.
    public var operation: ServiceOperation

    /// Creates a command.
    public init(at: Timestamp, audit: AuditRecord?, operation: ServiceOperation) {
        self.at = at
        self.audit = audit
        self.operation = operation
    }

    /// Whether `bytes` are a service command (by their first byte).
    public static func isServiceCommand(_ bytes: [UInt8]) -> Bool { bytes.first == marker }

    /// The bytes carried in the log.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 512)
        writer.write(Self.marker)
        writer.write(Self.formatVersion)
        at.encode(to: &writer)
        writer.writeOptional(audit) { $1.encode(to: &$0) }
        switch operation {
        case .recordAudit(let records):
            writer.write(UInt8(1))
            writer.writeArray(records) { $1.encode(to: &$0) }
        case .registryWrite(let command):
            writer.write(UInt8(2))
            writer.writeBytes(command.encode())
        case .fileDeclaration(let declaration):
            writer.write(UInt8(3))
            declaration.encode(to: &writer)
        case .registerDeclaration(let reference, let officer, let judgment):
            writer.write(UInt8(4))
            reference.encode(to: &writer)
            officer.encode(to: &writer)
            writer.writeOptional(judgment) { $1.encode(to: &$0) }
        case .rejectDeclaration(let reference, let reason):
            writer.write(UInt8(5))
            reference.encode(to: &writer)
            writer.write(reason)
        case .submitCopyRequest(let request):
            writer.write(UInt8(6))
            request.encode(to: &writer)
        case .openPayment(let reference):
            writer.write(UInt8(7))
            reference.encode(to: &writer)
        case .recordPayment(let reference, let attempt, let result):
            writer.write(UInt8(8))
            reference.encode(to: &writer)
            writer.write(attempt)
            result.encode(to: &writer)
        case .recordIssue(let reference, let code, let copy, let issuedBy):
            writer.write(UInt8(9))
            reference.encode(to: &writer)
            writer.write(code)
            writer.writeBytes(copy)
            writer.write(issuedBy)
        case .recordDispatch(let reference, let tracking):
            writer.write(UInt8(10))
            reference.encode(to: &writer)
            writer.write(tracking)
        case .recordDelivery(let reference):
            writer.write(UInt8(11))
            reference.encode(to: &writer)
        }
        return writer.bytes
    }

    /// Decodes untrusted bytes; never traps.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> ServiceCommand {
        guard bytes.count <= ServiceLimits.commandBytesMax else {
            throw .lengthOverLimit(offset: 0, length: bytes.count, limit: ServiceLimits.commandBytesMax)
        }
        var reader = ByteReader(bytes)
        let marker = try reader.readUInt8()
        guard marker == Self.marker else { throw .invalidTag(offset: 0) }
        let version = try reader.readUInt8()
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        let at = try Timestamp(from: &reader)
        let audit = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try AuditRecord(from: &r) }
        let tagAt = reader.offset
        let operation: ServiceOperation
        switch try reader.readUInt8() {
        case 1:
            operation = .recordAudit(try reader.readArray(maxCount: ServiceLimits.auditRecordsPerCommandMax) {
                (r: inout ByteReader) throws(CodecError) in try AuditRecord(from: &r)
            })
        case 2:
            operation = .registryWrite(try RegistryCommand.decode(try reader.readBytes(maxBytes: RegistryLimits.commandBytesMax)))
        case 3:
            operation = .fileDeclaration(try PreliminaryDeclaration(from: &reader))
        case 4:
            let reference = try ServiceReference(from: &reader)
            let officer = try OfficerRef(from: &reader)
            let judgment = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try JudgmentReference(from: &r) }
            operation = .registerDeclaration(reference, officer: officer, judgment: judgment)
        case 5:
            operation = .rejectDeclaration(try ServiceReference(from: &reader), reason: try reader.readString())
        case 6:
            operation = .submitCopyRequest(try CopyRequest(from: &reader))
        case 7:
            operation = .openPayment(try ServiceReference(from: &reader))
        case 8:
            operation = .recordPayment(try ServiceReference(from: &reader), attempt: try reader.readUInt32(), result: try PaymentResult(from: &reader))
        case 9:
            operation = .recordIssue(try ServiceReference(from: &reader), verificationCode: try reader.readString(maxBytes: 32),
                                     copy: try reader.readBytes(maxBytes: ServiceLimits.issuedCopyBytesMax), issuedBy: try reader.readString())
        case 10:
            operation = .recordDispatch(try ServiceReference(from: &reader), trackingNumber: try reader.readString(maxBytes: ServiceLimits.referenceBytesMax))
        case 11:
            operation = .recordDelivery(try ServiceReference(from: &reader))
        default:
            throw .invalidTag(offset: tagAt)
        }
        try reader.expectEnd()
        return ServiceCommand(at: at, audit: audit, operation: operation)
    }
}
