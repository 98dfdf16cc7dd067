import Registry

/// The civil-status register as the state machine of a shard group: the bridge between the
/// node core's opaque commands and the registry's typed ones.
///
/// - A command is `RegistryCommand.encode()`; its outcome is `CommandOutcome.encode()`.
/// - A query is `RegistryQuery.encode()`; its answer is `RegistryAnswer.encode()`.
///
/// Bytes that do not decode never stop the group and never crash a replica. Before the log,
/// `precheck` refuses them; if such an entry reaches the log anyway (a faulty or foreign
/// proposer), `apply` answers the same deterministic rejection on every replica
/// (`registry.malformed_command` on the field `command`) and writes nothing. Halting instead
/// would let one bad proposal stop every replica of a shard, although the entry changes no
/// state and every replica agrees on what it means. Only a storage fault throws.
public struct RegistryMachine: StateMachine {
    /// The name a `GroupDescriptor.machine` carries for a registry shard.
    public static let machineName = "registry"

    /// The registry rules applied by this machine.
    public let registry: RegistryStateMachine

    /// Creates the machine over a registry state machine (embedded reference data by default).
    public init(registry: RegistryStateMachine = RegistryStateMachine()) {
        self.registry = registry
    }

    /// Refuses a command that cannot change the state, before it is proposed.
    ///
    /// `RegistryStateMachine.precheck` runs the first half of apply (the request id's record,
    /// then validation) on the leader's applied state, so the precheck and the later apply
    /// cannot disagree on the same state. The returned outcome is exactly what apply would
    /// return here, when it writes nothing: `.rejected` (every rule broken), `.duplicate` (the
    /// request id was applied: the original entry), or `.batch` of only those. Returns nil
    /// (propose) when any request would be accepted; a batch is checked only up to the first
    /// such request.
    public func precheck(_ command: [UInt8], state: any KeyValueReader) throws -> [UInt8]? {
        let decoded: RegistryCommand
        do {
            decoded = try RegistryCommand.decode(command)
        } catch {
            return Self.malformedCommandOutcome(error).encode()
        }
        return try registry.precheck(decoded, against: state)?.encode()
    }

    /// Applies a committed command; the context becomes the provenance of what it writes (the
    /// position inside the entry is not recorded: numbering and chaining never depend on it).
    public func apply(_ command: [UInt8], context: CommandContext, state: inout Transaction) throws -> [UInt8] {
        let decoded: RegistryCommand
        do {
            decoded = try RegistryCommand.decode(command)
        } catch {
            return Self.malformedCommandOutcome(error).encode()
        }
        let applyContext = ApplyContext(logIndex: context.index, logTerm: context.term)
        return try registry.apply(decoded, context: applyContext, into: &state).encode()
    }

    /// Answers a `RegistryQuery`. Undecodable bytes get `RegistryAnswer.malformedQuery`, never
    /// an error: the node halts a group whose query throws, which is right for a damaged
    /// record and wrong for a client's typo.
    public func query(_ query: [UInt8], state: any KeyValueReader) throws -> [UInt8] {
        let decoded: RegistryQuery
        do {
            decoded = try RegistryQuery.decode(query)
        } catch {
            return RegistryAnswer.malformedQuery(code: error.code, reason: "\(error)").encode()
        }
        return try decoded.evaluate(in: state).encode()
    }

    /// Refuses: a shard splits through `ShardMachine`, which also moves the services' records
    /// and answers for what moved; this machine alone would leave them behind.
    public func split(_ key: [UInt8], newGroup: GroupID, state: inout Transaction) throws -> StateSplit {
        .refused("a register without its services cannot be split; shards run ShardMachine")
    }

    /// The outcome of a command whose bytes do not decode. Deterministic: it depends only on
    /// the bytes (through the codec error), so every replica answers the same.
    public static func malformedCommandOutcome(_ error: CodecError) -> CommandOutcome {
        .rejected([RuleViolation(.malformedCommand, .command, "the command is not a registry command (\(error.code): \(error))")])
    }
}
