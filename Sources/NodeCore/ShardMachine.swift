import Registry
import Services

/// The state machine of a regional shard group: the register and the services on it (audit
/// log, declarations, e-window requests, derived counters), in one log and one state.
///
/// A command's first byte says which: `ServiceCommand.marker` for the services, anything else
/// for the register, whose behaviour is exactly `RegistryMachine`'s. After every register
/// command that wrote something, the services count what it accepted (vital statistics, office
/// activity, death notices) in the same transaction, so the counters follow the register on
/// every replica. Queries are told apart the same way.
///
/// A shard can split (`split`, in `ShardMachine+Split.swift`): a request about an office it
/// gave up is answered `MovedAnswer` and changes nothing.
public struct ShardMachine: StateMachine {
    /// The register's machine, unchanged.
    public let registryMachine: RegistryMachine
    /// The services' machine.
    public let services: ServicesStateMachine

    /// Creates the machine over the embedded reference data.
    public init(registry: RegistryStateMachine = RegistryStateMachine()) {
        self.registryMachine = RegistryMachine(registry: registry)
        self.services = ServicesStateMachine(registry: registry)
    }

    /// Refuses, before the log, a command that would write nothing (as `RegistryMachine` does).
    public func precheck(_ command: [UInt8], state: any KeyValueReader) throws -> [UInt8]? {
        if let moved = try moved({ Self.offices(ofCommand: command) }, state: state) { return moved }
        guard ServiceCommand.isServiceCommand(command) else { return try registryMachine.precheck(command, state: state) }
        let decoded: ServiceCommand
        do { decoded = try ServiceCommand.decode(command) } catch { return Self.malformed(error).encode() }
        if case .registryWrite(let registryCommand) = decoded.operation {
            // The register's own precheck (the first half of its apply, stopping at the first
            // request that would be accepted) answers exactly what applying to a scratch state
            // would: `.registry(outcome)` when the register writes nothing, in which case the
            // audit record is not appended either. Applying a whole import batch twice per
            // entry is what it saves.
            return try registryMachine.registry.precheck(registryCommand, against: state).map { ServiceOutcome.registry($0).encode() }
        }
        var scratch = Transaction(base: state)
        let outcome = try services.apply(decoded, context: ApplyContext(logIndex: 0, logTerm: 0), into: &scratch)
        return outcome.writesNothing ? outcome.encode() : nil
    }

    /// Applies a committed command of either kind.
    public func apply(_ command: [UInt8], context: CommandContext, state: inout Transaction) throws -> [UInt8] {
        // A command about an office this shard gave up writes nothing (not even its audit record).
        if let moved = try moved({ Self.offices(ofCommand: command) }, state: state) { return moved }
        let applyContext = ApplyContext(logIndex: context.index, logTerm: context.term)
        guard ServiceCommand.isServiceCommand(command) else {
            let outcomeBytes = try registryMachine.apply(command, context: context, state: &state)
            if let decoded = try? RegistryCommand.decode(command), let outcome = try? CommandOutcome.decode(outcomeBytes),
               !ServiceOutcome.registryWritesNothing(outcome) {
                try services.afterRegistry(decoded, outcome: outcome, into: &state)
            }
            return outcomeBytes
        }
        let decoded: ServiceCommand
        do { decoded = try ServiceCommand.decode(command) } catch { return Self.malformed(error).encode() }
        return try services.apply(decoded, context: applyContext, into: &state).encode()
    }

    /// Answers a registry or a service query; undecodable bytes get a malformed answer.
    public func query(_ query: [UInt8], state: any KeyValueReader) throws -> [UInt8] {
        if let moved = try moved({ Self.offices(ofQuery: query) }, state: state) { return moved }
        guard ServiceQuery.isServiceQuery(query) else { return try registryMachine.query(query, state: state) }
        let decoded: ServiceQuery
        do { decoded = try ServiceQuery.decode(query) } catch {
            return ServiceAnswer.malformedQuery(code: "query.malformed", reason: "\(error)").encode()
        }
        return try decoded.evaluate(in: state).encode()
    }

    /// The acts a command's application created or changed, from its command and outcome bytes
    /// (for observers such as the search index): a register write's accepted entries, or the
    /// act drawn up from a declaration.
    public static func touchedActs(command: [UInt8], outcome: [UInt8]) -> [TouchedAct] {
        guard ServiceCommand.isServiceCommand(command) else {
            return (try? CommandOutcome.decode(outcome)).map(accepted) ?? []
        }
        switch try? ServiceOutcome.decode(outcome) {
        case .registry(let inner): return accepted(inner)
        case .declaration(let declaration, true): return declaration.registeredAct.map { [TouchedAct(id: $0, created: true)] } ?? []
        default: return []
        }
    }

    static func accepted(_ outcome: CommandOutcome) -> [TouchedAct] {
        switch outcome {
        case .accepted(let entry): [TouchedAct(id: entry.actID, created: entry.mentionSequence == nil)]
        case .batch(let outcomes): outcomes.flatMap(accepted)
        case .duplicate, .rejected, .review: []
        }
    }

    static func malformed(_ error: CodecError) -> ServiceOutcome {
        .rejected([ServiceViolation("service.malformed_command", "command", "the command does not decode (\(error.code))")])
    }
}

/// An act a command created or changed.
public struct TouchedAct: Sendable, Hashable {
    /// The act.
    public var id: ActID
    /// The command drew the act up (it had no mention then); false when it appended a mention.
    public var created: Bool

    /// Creates a value from its parts.
    public init(id: ActID, created: Bool) {
        self.id = id
        self.created = created
    }
}
