import NodeCore
import Registry
import Services

extension RegistryGateway {
    /// Proposes one registry batch command on `group`, with the audit record of the caller in
    /// the same log entry (`ServiceOperation.registryWrite`, as every write of the API), and
    /// waits until it is applied. Returns one outcome per request, in order, and the log index
    /// of the entry that applied them (0 when the node refused the whole batch before the log:
    /// every request was a duplicate or broke a rule; no audit record is then written either).
    public func writeBatch(_ command: RegistryCommand, group: UInt64, audit: AuditRecord) async throws(APIError) -> (outcomes: [CommandOutcome], logIndex: UInt64) {
        let requestCount = command.requests.count
        let bytes = ServiceCommand(at: audit.at, audit: audit, operation: .registryWrite(command)).encode()
        guard bytes.count <= ServiceLimits.commandBytesMax else {
            throw APIError(.contentTooLarge, "body_too_large", "the batch and its audit record exceed \(ServiceLimits.commandBytesMax) bytes; send smaller batches",
                           field: "body")
        }
        let (outcomeBytes, index) = try await submitWrite(bytes, group: group, what: "a batch")
        let outcome = try Self.registryOutcome(outcomeBytes, what: "a batch")
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
