import Foundation
import HTTPTypes
import Hummingbird
import Registry
import Services

/// Records every read of personal data in the replicated audit log of the shard group the data
/// belongs to (DESIGN §2: who, what, when, for which purpose), and waits until the record is
/// committed before the answer leaves: a read whose record cannot be written is refused (503
/// `audit_unavailable`), never served unrecorded. Writes are recorded with the write itself,
/// in the same log entry (`ServiceOperation.registryWrite`).
public struct AuditTrail: Sendable {
    let services: ServicesGateway
    let now: @Sendable () -> Date

    /// Creates a trail writing through `services`.
    public init(services: ServicesGateway, now: @escaping @Sendable () -> Date) {
        self.services = services
        self.now = now
    }

    /// The record of an action by `caller` (nil: a citizen through the e-window).
    public func record(_ caller: AccessClaims?, request: Request, action: String, subject: String, purpose: String? = nil) -> AuditRecord {
        let stated = request.headers[.purpose].map { String($0.prefix(AuditRecord.textBytesMax)) }
        return AuditRecord(
            at: Timestamp.minute(of: now()), node: services.registry.nodeID, actor: caller?.subject ?? "citizen",
            role: caller?.role.name ?? "citizen", tokenID: caller?.tokenID ?? "", office: caller?.office,
            purpose: purpose ?? stated ?? "unspecified", action: action, subject: subject)
    }

    /// Appends the record of a read to the log of `office`'s group and waits for its commit.
    public func read(_ caller: AccessClaims?, request: Request, action: String, subject: String, office: OfficeCode,
                     purpose: String? = nil) async throws(APIError) {
        try await read(caller, request: request, action: action, subject: subject,
                       group: try services.registry.group(for: office, field: "office"), purpose: purpose)
    }

    /// Appends the record of a read to a group's log and waits for its commit.
    public func read(_ caller: AccessClaims?, request: Request, action: String, subject: String, group: UInt64,
                     purpose: String? = nil) async throws(APIError) {
        let record = record(caller, request: request, action: action, subject: subject, purpose: purpose)
        let command = ServiceCommand(at: record.at, audit: nil, operation: .recordAudit([record]))
        do {
            _ = try await services.submitAccepted(command, group: group)
        } catch {
            throw APIError(.serviceUnavailable, "audit_unavailable",
                           "the read could not be recorded in the audit log (\(error.code): \(error.message)); nothing was disclosed, retry",
                           retryAfterSeconds: APIError.retryAfterSeconds)
        }
    }
}
