import Foundation
import Registry

/// A read of the services' state, through the node's read path (linearizable by default).
/// Transient, so it travels as JSON behind `ServiceCommand.marker` (registry queries start with
/// their version byte, 1).
public enum ServiceQuery: Hashable, Sendable, Codable {
    /// One declaration.
    case declaration(ServiceReference)
    /// An office's declarations with a status, in id order after `after`.
    case declarationQueue(office: OfficeCode, status: DeclarationStatus, after: RequestID?, limit: Int)
    /// One copy request.
    case copyRequest(ServiceReference)
    /// An office's copy requests with a status.
    case copyQueue(office: OfficeCode, status: CopyRequestStatus, after: RequestID?, limit: Int)
    /// An issued copy by its verification code.
    case issuedCopy(code: String)
    /// Audit entries after a position.
    case auditLog(after: UInt64, limit: Int)
    /// Recompute the audit chain.
    case verifyAudit
    /// Death notices after a position (the partner's cursor).
    case deathNotices(after: UInt64, limit: Int)
    /// Every vital statistics counter of the group.
    case vitalCounts
    /// Every office's activity counters.
    case officeActivity
    /// The delay report against the 3-to-5-day promise, at `asOf` (stamped by the node).
    case delayReport(asOf: Timestamp)

    /// The bytes sent through the read path.
    public func encode() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { preconditionFailure("a service query did not encode") }
        return [ServiceCommand.marker] + Array(data)
    }

    /// Decodes untrusted bytes.
    public static func decode(_ bytes: [UInt8]) throws -> ServiceQuery {
        guard bytes.first == ServiceCommand.marker else { throw ServiceViolation("query.malformed", "query", "not a service query") }
        return try JSONDecoder().decode(ServiceQuery.self, from: Data(bytes.dropFirst()))
    }

    /// Whether `bytes` are a service query.
    public static func isServiceQuery(_ bytes: [UInt8]) -> Bool { bytes.first == ServiceCommand.marker }
}

/// The answer to a `ServiceQuery`.
public enum ServiceAnswer: Hashable, Sendable, Codable {
    /// A declaration, if it exists.
    case declaration(PreliminaryDeclaration?)
    /// A page of declarations.
    case declarations([PreliminaryDeclaration])
    /// A copy request, if it exists.
    case copyRequest(CopyRequest?)
    /// A page of copy requests.
    case copyRequests([CopyRequest])
    /// An issued copy, if the code is known here.
    case issuedCopy(IssuedCopy?)
    /// A page of audit entries and the log's length.
    case auditEntries([AuditEntry], length: UInt64)
    /// The audit chain's verification.
    case auditVerification(AuditVerification)
    /// A page of death notices and the feed's length.
    case deathNotices([DeathNotice], length: UInt64)
    /// Vital statistics counters.
    case vitalCounts([VitalCount])
    /// Activity counters.
    case officeActivity([OfficeActivity])
    /// The delay report.
    case delayReport([DelayReportRow])
    /// The query did not decode or broke a limit.
    case malformedQuery(code: String, reason: String)

    /// The JSON bytes.
    public func encode() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { preconditionFailure("a service answer did not encode") }
        return Array(data)
    }

    /// Decodes the JSON bytes.
    public static func decode(_ bytes: [UInt8]) throws -> ServiceAnswer {
        try JSONDecoder().decode(ServiceAnswer.self, from: Data(bytes))
    }
}
