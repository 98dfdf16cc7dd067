import Foundation
import Hummingbird
import NodeCore
import Registry

/// An error answered by the HTTP API, always as JSON:
/// `{"error": {"code": "...", "message": "...", "field": "...", "violations": [...]}}`.
///
/// `code` is stable (clients branch on it); `message` is English for people; `field` names the
/// part of the request at fault when there is one; `violations` lists every registry rule a
/// refused act breaks, each with its field path and the field's French and Arabic labels.
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable code.
    public var code: String
    /// What was done.
    public var message: String
    /// The part of the request at fault.
    public var field: String?
    /// Every registry rule broken.
    public var violations: [RuleViolation]
    /// Seconds after which a retry makes sense (sent as `Retry-After`).
    public var retryAfterSeconds: Int?
    /// Nodes to send the request to instead (sent as `Sijil-Region-Nodes`, 421 only).
    public var alternates: [String] = []

    /// Creates a value from its parts.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil,
                violations: [RuleViolation] = [], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.violations = violations
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The JSON body.
    public struct Body: Codable, Sendable, Equatable {
        /// The error.
        public var error: Detail
        /// The error as sent on the wire.
        public struct Detail: Codable, Sendable, Equatable {
            /// A stable code.
            public var code: String
            /// What was done.
            public var message: String
            /// The part of the request at fault.
            public var field: String?
            /// Every registry rule broken.
            public var violations: [RuleViolation]?
        }
    }

    /// The whole body.
    public var body: Body {
        Body(error: .init(code: code, message: message, field: field, violations: violations.isEmpty ? nil : violations))
    }

    /// Seconds a client waits before retrying a request that failed for want of a leader: a new
    /// leader is normally elected within one election timeout (about a second).
    public static let retryAfterSeconds = 1

    /// Maps a node-core failure to an HTTP error. Every failure whose write may still commit says
    /// so, and tells the client to retry with the same `Idempotency-Key` (the registry answers a
    /// retried request with its original outcome, never a second act).
    public init(failure: ClientFailure) {
        let retry = "retry with the same Idempotency-Key and body"
        switch failure {
        case .unknownGroup(let group):
            self.init(.notFound, "unknown_group", "shard group \(group) is not hosted by this node")
        case .noLeader(let group):
            self.init(.serviceUnavailable, "no_leader", "shard group \(group) has no leader at the moment; \(retry)",
                      retryAfterSeconds: Self.retryAfterSeconds)
        case .notLeader(let group, let hint):
            self.init(.serviceUnavailable, "not_leader", "leadership of shard group \(group) moved (leader hint: node \(hint)); \(retry)",
                      retryAfterSeconds: Self.retryAfterSeconds)
        case .overloaded(let why):
            self.init(.serviceUnavailable, "overloaded", "the node is overloaded (\(why)); retry later", retryAfterSeconds: Self.retryAfterSeconds)
        case .timedOut(let unknown):
            self.init(.serviceUnavailable, failure.code,
                      unknown ? "no answer in time: the write may or may not have been registered; \(retry)"
                              : "no answer in time; nothing was changed, retry",
                      retryAfterSeconds: Self.retryAfterSeconds)
        case .superseded:
            self.init(.serviceUnavailable, "superseded", "a new leader replaced the proposal; it was not registered; \(retry)",
                      retryAfterSeconds: Self.retryAfterSeconds)
        case .invalidChange(let why):
            self.init(.conflict, "invalid_change", why)
        case .groupHalted(let group, let reason):
            self.init(.serviceUnavailable, "group_halted", "shard group \(group) stopped on this node: \(reason); ask another node")
        case .storage(let why):
            self.init(.internalServerError, "storage_error", "storage error: \(why)")
        case .outcomeUnknown(let why):
            self.init(.serviceUnavailable, "outcome_unknown", "the write may or may not have been registered (\(why)); \(retry)",
                      retryAfterSeconds: Self.retryAfterSeconds)
        case .tooStale(let staleMs, let bound):
            let how = staleMs.map { "\($0) ms" } ?? "an unknown time (it has not heard from the group's leader recently)"
            self.init(.serviceUnavailable, "too_stale", "this replica is \(how) behind, more than max_stale_ms=\(bound); ask a fresher node or read linearizably",
                      field: "max_stale_ms", retryAfterSeconds: Self.retryAfterSeconds)
        }
    }

    /// The code of a request this node cannot serve because another region holds the act.
    public static let otherRegionCode = "other_region"

    /// 421: the act's region is held by other nodes; `nodes` are their HTTP addresses. A
    /// client sends the same request (same key, same body) to one of them.
    public static func otherRegion(_ region: String, group: UInt64, node: UInt64, nodes: [String]) -> APIError {
        var error = APIError(.misdirectedRequest, otherRegionCode,
                             "node \(node) holds no replica of region \(region) (group \(group)); send the same request to one of its nodes: \(nodes.joined(separator: ", "))",
                             field: "office")
        error.alternates = nodes
        return error
    }

    /// A refusal by the registry's rules: 422 with every violation.
    public static func rejected(_ violations: [RuleViolation]) -> APIError {
        let first = violations.first
        if violations.count == 1, let first, first.rule.code == "registry.request_id_reused" {
            return APIError(.conflict, first.rule.code, first.reason, field: "Idempotency-Key", violations: violations)
        }
        if let first, first.rule.code == "registry.act_not_found" {
            return APIError(.notFound, first.rule.code, first.reason, field: first.field.rawValue, violations: violations)
        }
        return APIError(.unprocessableContent, "act_rejected",
                        "the request breaks \(violations.count) rule(s) of the register; nothing was written",
                        field: first?.field.rawValue, violations: violations)
    }

    /// A 400 error.
    public static func badRequest(_ code: String, _ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code, message, field: field)
    }
}
