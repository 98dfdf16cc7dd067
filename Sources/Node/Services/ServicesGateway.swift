import Foundation
import Hummingbird
import NodeCore
import Registry
import Services

/// Turns service commands and queries into node-core requests on the right shard group and
/// their answers into typed results or `APIError`s. Like `RegistryGateway`, it holds no state:
/// every decision is the shard machine's.
public struct ServicesGateway: Sendable {
    /// The registry gateway (topology, node id, submission).
    public let registry: RegistryGateway

    /// Creates a gateway over the registry's.
    public init(registry: RegistryGateway) {
        self.registry = registry
    }

    /// Proposes a service command on the group of `office` and waits until it is applied (or
    /// refused before the log, when it would write nothing).
    public func submit(_ command: ServiceCommand, office: OfficeCode, field: String) async throws(APIError) -> ServiceOutcome {
        try await submit(command, group: try registry.group(for: office, field: field))
    }

    /// Proposes a service command on a group and waits until it is applied or refused.
    public func submit(_ command: ServiceCommand, group: UInt64) async throws(APIError) -> ServiceOutcome {
        let (bytes, _) = try await registry.submitWrite(command.encode(), group: group, what: "a write")
        do { return try ServiceOutcome.decode(bytes) } catch {
            throw APIError(.internalServerError, "malformed_outcome", "the services' outcome does not decode: \(error)")
        }
    }

    /// Submits and fails with the outcome's violations when rejected.
    public func submitAccepted(_ command: ServiceCommand, office: OfficeCode, field: String) async throws(APIError) -> ServiceOutcome {
        try await submitAccepted(command, group: try registry.group(for: office, field: field))
    }

    /// Submits to a group and fails with the outcome's violations when rejected.
    public func submitAccepted(_ command: ServiceCommand, group: UInt64) async throws(APIError) -> ServiceOutcome {
        let outcome = try await submit(command, group: group)
        if case .rejected(let violations) = outcome { throw APIError(serviceViolations: violations) }
        return outcome
    }

    /// Runs a service query on a group.
    public func query(_ query: ServiceQuery, group: UInt64, consistency: ReadPolicy = .linearizable) async throws(APIError) -> ServiceAnswer {
        let bytes = query.encode()
        let request: ClientRequest
        switch consistency.consistency {
        case .linearizable: request = .read(group: group, query: bytes)
        case .stale: request = .staleRead(group: group, query: bytes)
        case .bounded: request = .boundedStaleRead(group: group, query: bytes, maxStaleMs: consistency.maxStaleMs ?? 0)
        }
        switch await registry.submit(request) {
        case .answered(_, _, _, let outcome):
            let answer: ServiceAnswer
            do { answer = try ServiceAnswer.decode(outcome) } catch {
                throw APIError(.internalServerError, "malformed_answer", "the services' answer does not decode: \(error)")
            }
            if case .malformedQuery(let code, let reason) = answer { throw APIError(.badRequest, code, reason) }
            return answer
        case .failed(let failure):
            throw APIError(failure: failure)
        case let other:
            throw APIError(.internalServerError, "unexpected_answer", "the node answered a read with \(other)")
        }
    }

    /// Runs a service query on the group of an office.
    public func query(_ query: ServiceQuery, office: OfficeCode, consistency: ReadPolicy = .linearizable) async throws(APIError) -> ServiceAnswer {
        try await self.query(query, group: try registry.group(for: office, field: "office"), consistency: consistency)
    }

    /// Every shard group of the topology, in order.
    public var groups: [UInt64] { registry.topology.regions.flatMap { $0.shards.map(\.group) } }
}

extension APIError {
    /// The error for a services' rejection: the first violation's code and field, every reason
    /// in the message.
    public init(serviceViolations violations: [ServiceViolation]) {
        let first = violations.first ?? ServiceViolation("service.rejected", "", "rejected")
        let status: HTTPResponse.Status
        if first.code.hasSuffix("not_found") {
            status = .notFound
        } else if first.code.hasPrefix("copy.") {
            status = .forbidden
        } else if first.code == "service.id_reused" {
            status = .conflict
        } else {
            status = .unprocessableContent
        }
        self.init(status, first.code, violations.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), field: first.field)
    }
}
