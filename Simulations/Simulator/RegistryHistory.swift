import NodeCore
import Raft
import Registry

/// One operation of the registry workload as its client saw it, across every attempt: a
/// write is retried with the same bytes (so the same request id) until it gets a definite
/// answer; a read is tried once.
struct RegistryClientOperation {
    enum Kind {
        case write(RegistryRequest, invalid: Bool)
        case read(RegistryQuery)
    }

    enum Status: Equatable {
        case pending
        /// Accepted, or a duplicate answered with the original entry.
        case acknowledged(AcceptedEntry)
        /// Definitely rejected: no attempt had an unknown outcome, so none can take effect.
        /// `refusedBeforeLog` when the node's precheck refused it.
        case rejected([RuleViolation], refusedBeforeLog: Bool)
        /// May or may not have taken effect (an attempt timed out, then the retries ran out or
        /// a later attempt was rejected, which says nothing of the earlier one).
        case unknown
        /// A read answered from state applied through `index`.
        case answered(RegistryAnswer, index: UInt64)
        /// A read that got no answer.
        case abandoned
    }

    var group: GroupID
    /// The client, or `probeClient` for the progress probes.
    var client: Int
    var kind: Kind
    /// The bytes sent on every attempt.
    var payload: [UInt8]
    var invokedAt: UInt64
    var returnedAt: UInt64?
    var attempts = 0
    /// The attempt awaiting an answer, 0 when none is (answered or timed out).
    var currentAttempt = 0
    /// Attempts that ended without saying whether they took effect.
    var unknownAttempts = 0
    var status: Status = .pending
    /// Whether the final answer was a duplicate: an earlier attempt had taken effect.
    var answeredAsDuplicate = false
    /// Every accepted or duplicate entry received for this request: they must all agree.
    var acknowledgements: [AcceptedEntry] = []

    static let probeClient = -1

    var request: RegistryRequest? {
        if case .write(let request, _) = kind { return request }
        return nil
    }

    /// The office the operation is about (none for a read of the whole group).
    var office: OfficeCode? {
        switch kind {
        case .write(let request, _): request.operation.office
        case .read(let query): query.office
        }
    }

    var isInvalid: Bool {
        if case .write(_, let invalid) = kind { return invalid }
        return false
    }

    var acknowledgedEntry: AcceptedEntry? {
        if case .acknowledged(let entry) = status { return entry }
        return nil
    }
}

/// Everything the registry clients saw, with a logical clock that gives every call and
/// every return a distinct, increasing time, so the real-time order is exact.
struct RegistryHistory {
    var operations: [RegistryClientOperation] = []
    var clock: UInt64 = 0
    var writesAcknowledged = 0
    var readsAnswered = 0
    /// Ticket of each attempt in flight: the operation and the attempt number.
    var tickets: [ClientTicket: (operation: Int, attempt: Int)] = [:]
    /// The probe operation of each group, once sent.
    var probes: [GroupID: Int] = [:]

    mutating func tick() -> UInt64 {
        clock += 1
        return clock
    }

    /// A one-line account of what the clients did, for the per-seed report.
    var summary: String {
        var counts: [String: Int] = [:]
        for op in operations where op.request != nil && op.client != RegistryClientOperation.probeClient {
            if op.attempts > 1 { counts["retried", default: 0] += 1 }
            if op.answeredAsDuplicate { counts["duplicate", default: 0] += 1 }
            switch op.status {
            case .acknowledged: counts["acknowledged", default: 0] += 1
            case .rejected(_, let beforeLog): counts[beforeLog ? "refused" : "rejected-in-log", default: 0] += 1
            case .unknown: counts["unknown", default: 0] += 1
            default: break
            }
        }
        return ["acknowledged", "duplicate", "refused", "rejected-in-log", "unknown", "retried"]
            .map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: " ")
    }

    var writes: [(index: Int, op: RegistryClientOperation, request: RegistryRequest)] {
        operations.enumerated().compactMap { index, op in op.request.map { (index, op, $0) } }
    }
}
