import Registry

/// The services' keys in a shard's state, beside the register's (`StateKeys` uses 0x01–0x50).
/// Every key starts with a one-byte namespace in 0x60–0x6F; integers are big-endian.
public enum ServiceKeys {
    /// `0x60`: the audit chain's length and head.
    public static let auditState: [UInt8] = [0x60]
    /// `0x61 position(8)`: an audit entry.
    public static func auditEntry(_ position: UInt64) -> [UInt8] { [0x61] + be(position) }
    /// The end of the audit entries.
    public static let auditEntriesEnd: [UInt8] = [0x62]
    /// `0x62 office(4) id(16)`: a preliminary declaration.
    public static func declaration(_ reference: ServiceReference) -> [UInt8] { [0x62] + reference.canonicalBytes }
    /// `0x63 office(4) status(1) id(16)`: the declaration queue of an office, by status.
    public static func declarationQueue(_ office: OfficeCode, _ status: DeclarationStatus, _ id: RequestID?) -> [UInt8] {
        [0x63] + be(office.rawValue) + [status.rawValue] + (id?.bytes ?? [])
    }
    /// `0x64 office(4) id(16)`: a copy request.
    public static func copyRequest(_ reference: ServiceReference) -> [UInt8] { [0x64] + reference.canonicalBytes }
    /// The key range of every copy request.
    public static let copyRequestsRange: (start: [UInt8], end: [UInt8]) = ([0x64], [0x65])
    /// `0x65 office(4) status(1) id(16)`: the e-window queue of an office, by status.
    public static func copyQueue(_ office: OfficeCode, _ status: CopyRequestStatus, _ id: RequestID?) -> [UInt8] {
        [0x65] + be(office.rawValue) + [status.rawValue] + (id?.bytes ?? [])
    }
    /// `0x66 code(ASCII)`: an issued copy by its verification code.
    public static func issuedCopy(code: String) -> [UInt8] { [0x66] + Array(code.utf8) }
    /// `0x67`: the death feed's length.
    public static let deathFeedState: [UInt8] = [0x67]
    /// `0x68 position(8)`: a death notice.
    public static func deathNotice(_ position: UInt64) -> [UInt8] { [0x68] + be(position) }
    /// The end of the death notices.
    public static let deathNoticesEnd: [UInt8] = [0x69]
    /// `0x69 office(4) year(2) month(1) kind(1)`: acts of an office by month of the event.
    public static func vitalCount(_ office: OfficeCode, year: Int, month: Int, kind: ActKind) -> [UInt8] {
        [0x69] + be(office.rawValue) + be(UInt16(clamping: year)) + [UInt8(clamping: month), kind.rawValue]
    }
    /// The key range of the vital statistics counters.
    public static let vitalCountsRange: (start: [UInt8], end: [UInt8]) = ([0x69], [0x6A])
    /// `0x6A office(4)`: an office's activity counters.
    public static func officeActivity(_ office: OfficeCode) -> [UInt8] { [0x6A] + be(office.rawValue) }
    /// The key range of the activity counters.
    public static let officeActivityRange: (start: [UInt8], end: [UInt8]) = ([0x6A], [0x6B])

    static func be(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    static func be(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    static func be(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)] }
}
