import NodeCore
import Registry

extension RegistryGateway {
    /// Proposes one registry batch command on `group` and waits until it is applied. Returns
    /// one outcome per request, in order, and the log index of the entry that applied them (0
    /// when the node refused the whole batch before the log: every request was a duplicate or
    /// broke a rule).
    public func writeBatch(_ command: [UInt8], requestCount: Int, group: UInt64) async throws(APIError) -> (outcomes: [CommandOutcome], logIndex: UInt64) {
        let outcomeBytes: [UInt8]
        let index: UInt64
        switch await submitRequest(.write(group: group, command: command)) {
        case .applied(let at, let outcome):
            outcomeBytes = outcome
            index = at
        case .refused(let outcome):
            outcomeBytes = outcome
            index = 0
        case .failed(let failure):
            throw APIError(failure: failure)
        case let other:
            throw APIError(.internalServerError, "unexpected_answer", "the node answered a batch with \(other)")
        }
        let outcome: CommandOutcome
        do { outcome = try CommandOutcome.decode(outcomeBytes) } catch {
            throw APIError(.internalServerError, "malformed_outcome", "the state machine's outcome does not decode: \(error)")
        }
        switch outcome {
        case .batch(let outcomes) where outcomes.count == requestCount:
            return (outcomes, index)
        case .rejected(let violations):
            // The command itself did not decode at the leader.
            throw APIError.rejected(violations)
        default:
            throw APIError(.internalServerError, "unexpected_outcome", "a batch of \(requestCount) requests was answered with \(outcome)")
        }
    }
}
