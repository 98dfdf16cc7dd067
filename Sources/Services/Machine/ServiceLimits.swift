/// Limits of the services' state machine and queries.
public enum ServiceLimits {
    /// Longest free text (names, addresses, reasons) in bytes, as for the register's places.
    public static let textBytesMax = 512
    /// Audit records in one command: one HTTP call makes one or two; a batch of reads from one
    /// page stays far below.
    public static let auditRecordsPerCommandMax = 64
    /// Pairs read per scan page: bounds the memory of one step of a query.
    public static let scanPageMax = 256
    /// Most items in one page of a queue, the audit log or the death feed.
    public static let pageItemsMax = 200
    /// Largest issued copy stored with its request (JSON as signed): a full copy with 200
    /// mentions in Arabic stays under 128 KiB.
    public static let issuedCopyBytesMax = 256 << 10
    /// Longest tracking number or provider reference.
    public static let referenceBytesMax = 64
    /// Largest encoded service command: an issued copy and its envelope.
    public static let commandBytesMax = 1 << 20
}

/// A broken rule of a service command: a stable code, the field, and a reason for people.
public struct ServiceViolation: Hashable, Sendable, Codable, Error {
    /// The stable code, e.g. `copy_request.not_paid`.
    public var code: String
    /// The field at fault (form field or JSON path).
    public var field: String
    /// Why.
    public var reason: String

    /// Creates a violation.
    public init(_ code: String, _ field: String, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }
}
