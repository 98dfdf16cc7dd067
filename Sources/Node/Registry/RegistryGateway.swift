import NodeCore
import Raft
import Registry
import Services

/// How fresh a read must be.
public enum ReadConsistency: String, Sendable, Codable {
    /// ReadIndex through the group's leader: the answer reflects every write acknowledged
    /// before the read started (the default).
    case linearizable
    /// This replica's applied state, at once; possibly behind. The answer says by how much.
    case stale
    /// This replica's applied state, only if it is at most a given number of milliseconds
    /// behind the group's commit index (`ReadPolicy.bounded`); refused otherwise. What the
    /// national centre serves read-only national queries with.
    case bounded
}

/// How a read is to be served: its consistency and, for a bounded-stale read, the bound.
public struct ReadPolicy: Sendable, Equatable {
    /// The consistency asked for.
    public var consistency: ReadConsistency
    /// The largest staleness accepted, in milliseconds (bounded reads only).
    public var maxStaleMs: UInt64?

    /// Creates a value from its parts.
    public init(consistency: ReadConsistency, maxStaleMs: UInt64? = nil) {
        precondition((consistency == .bounded) == (maxStaleMs != nil), "a bound exactly for bounded reads")
        self.consistency = consistency
        self.maxStaleMs = maxStaleMs
    }

    /// ReadIndex through the leader (the default).
    public static let linearizable = ReadPolicy(consistency: .linearizable)
    /// This replica's state, however stale (the answer says how stale).
    public static let stale = ReadPolicy(consistency: .stale)
    /// This replica's state if at most `maxStaleMs` behind.
    public static func bounded(maxStaleMs: UInt64) -> ReadPolicy { ReadPolicy(consistency: .bounded, maxStaleMs: maxStaleMs) }
}

/// Where a read was served from and how fresh it is.
public struct ReadFreshness: Sendable, Codable, Equatable {
    /// How the read was served.
    public var consistency: ReadConsistency
    /// The group's log index the answer reflects.
    public var appliedIndex: UInt64
    /// Committed entries this replica had not applied yet (0 for linearizable reads).
    public var behindCommit: UInt64
    /// At most how many milliseconds ago the answer was current (0 for linearizable reads and
    /// on the group's leader; absent when the replica cannot tell).
    public var staleMs: UInt64?
    /// The bound a bounded-stale read asked for.
    public var maxStaleMs: UInt64?
    /// The node id.
    public var node: UInt64
    /// The shard group.
    public var group: UInt64
}

/// The result of a registration or a mention.
public struct WriteReceipt: Sendable, Equatable {
    /// The registry's accepted entry.
    public var entry: AcceptedEntry
    /// The request id had already been applied: this is its original entry, nothing new was written.
    public var duplicate: Bool
    /// The shard group.
    public var group: UInt64
    /// The log index of the entry that applied it (0 for a duplicate answered before the log).
    public var logIndex: UInt64
}

/// Turns registry operations into node-core requests on the right shard group and their answers
/// into typed results or `APIError`s. Holds no state of its own: every decision about an act is
/// the state machine's, taken when the command is applied.
public struct RegistryGateway: Sendable {
    /// How the gateway submits a request to the node core.
    public typealias Submit = @Sendable (ClientRequest) async -> ClientResult

    /// The cluster topology as the node knows it now (a region added to a running cluster is
    /// routed at once).
    public var topology: ClusterTopology { currentTopology() }
    /// This node's id.
    public let nodeID: UInt64
    let submit: Submit
    private let currentTopology: @Sendable () -> ClusterTopology

    /// Creates a value from its parts, over a fixed topology.
    public init(topology: ClusterTopology, nodeID: UInt64, submit: @escaping Submit) {
        self.init(nodeID: nodeID, topology: { topology }, submit: submit)
    }

    /// Creates a value whose topology is read from `topology` at every request.
    public init(nodeID: UInt64, topology: @escaping @Sendable () -> ClusterTopology, submit: @escaping Submit) {
        self.currentTopology = topology
        self.nodeID = nodeID
        self.submit = submit
    }

    /// The shard group that holds an office's acts; 421 `other_region` when this node holds no
    /// replica of it (a node of another region), naming the nodes that do.
    public func group(for office: OfficeCode, field: String) throws(APIError) -> UInt64 {
        let topology = self.topology
        guard let group = topology.group(forOffice: office.rawValue), let region = topology.region(forOffice: office.rawValue) else {
            throw APIError(.notFound, "office_not_served", "no shard group of this cluster holds office \(office)", field: field)
        }
        if let me = topology.node(nodeID), !me.isCenter, me.region != region.key {
            throw APIError.otherRegion(region.key, group: group, node: nodeID, nodes: topology.replicaNodes(of: region).map(\.http))
        }
        return group
    }

    /// Proposes one registry request to the group of `office` and waits until it is applied.
    /// With an audit record, the request travels inside a service command that appends the
    /// record in the same log entry (`ServiceOperation.registryWrite`).
    public func write(_ request: RegistryRequest, office: OfficeCode, field: String, audit: AuditRecord? = nil) async throws(APIError) -> WriteReceipt {
        let group = try group(for: office, field: field)
        let command = RegistryCommand.single(request)
        let bytes = audit.map { ServiceCommand(at: request.recordedAt, audit: $0, operation: .registryWrite(command)).encode() } ?? command.encode()
        let (outcomeBytes, index) = try await submitWrite(bytes, group: group, what: "a write")
        let outcome: CommandOutcome
        if audit != nil {
            outcome = try Self.registryOutcome(outcomeBytes, what: "a register write")
        } else {
            do { outcome = try CommandOutcome.decode(outcomeBytes) } catch {
                throw APIError(.internalServerError, "malformed_outcome", "the state machine's outcome does not decode: \(error)")
            }
        }
        switch outcome {
        case .accepted(let entry): return WriteReceipt(entry: entry, duplicate: false, group: group, logIndex: index)
        case .duplicate(let entry): return WriteReceipt(entry: entry, duplicate: true, group: group, logIndex: index)
        case .rejected(let violations): throw APIError.rejected(violations)
        case .batch, .review: throw APIError(.internalServerError, "unexpected_outcome", "a registration was answered with \(outcome)")
        }
    }

    /// Proposes an encoded write command on `group` and waits: the outcome's bytes and the log
    /// index that applied it (0 when the node refused it before the log).
    func submitWrite(_ bytes: [UInt8], group: UInt64, what: String) async throws(APIError) -> (outcome: [UInt8], index: UInt64) {
        let result = await submit(.write(group: group, command: bytes))
        switch result {
        case .applied(let at, let outcome): return (outcome, at)
        case .refused(let outcome): return (outcome, 0)
        case .failed(let failure): throw APIError(failure: failure)
        case .answered, .done:
            throw APIError(.internalServerError, "unexpected_answer", "the node answered \(what) with \(result)")
        }
    }

    /// The register's outcome inside an audited write's service outcome.
    static func registryOutcome(_ bytes: [UInt8], what: String) throws(APIError) -> CommandOutcome {
        let serviceOutcome: ServiceOutcome
        do { serviceOutcome = try ServiceOutcome.decode(bytes) } catch {
            throw APIError(.internalServerError, "malformed_outcome", "the state machine's outcome does not decode: \(error)")
        }
        switch serviceOutcome {
        case .registry(let inner): return inner
        case .rejected(let violations): throw APIError(serviceViolations: violations)
        case let other: throw APIError(.internalServerError, "unexpected_outcome", "\(what) was answered with \(other)")
        }
    }

    /// Runs a registry query on `group`.
    public func query(_ query: RegistryQuery, group: UInt64, consistency: ReadPolicy) async throws(APIError) -> (RegistryAnswer, ReadFreshness) {
        let bytes = query.encode()
        let request: ClientRequest
        switch consistency.consistency {
        case .linearizable: request = .read(group: group, query: bytes)
        case .stale: request = .staleRead(group: group, query: bytes)
        case .bounded: request = .boundedStaleRead(group: group, query: bytes, maxStaleMs: consistency.maxStaleMs ?? 0)
        }
        switch await submit(request) {
        case .answered(let index, let behind, let staleMs, let outcome):
            let answer: RegistryAnswer
            do { answer = try RegistryAnswer.decode(outcome) } catch {
                throw APIError(.internalServerError, "malformed_answer", "the state machine's answer does not decode: \(error)")
            }
            if case .malformedQuery(let code, let reason) = answer {
                throw APIError(.badRequest, code, reason)
            }
            return (answer, ReadFreshness(consistency: consistency.consistency, appliedIndex: index, behindCommit: behind, staleMs: staleMs,
                                          maxStaleMs: consistency.maxStaleMs, node: nodeID, group: group))
        case .failed(let failure):
            throw APIError(failure: failure)
        case let other:
            throw APIError(.internalServerError, "unexpected_answer", "the node answered a read with \(other)")
        }
    }

    /// An act and its mentions.
    public func record(_ id: ActID, consistency: ReadPolicy) async throws(APIError) -> (ActRecord, ReadFreshness) {
        let group = try group(for: id.register.office, field: "office")
        let (answer, freshness) = try await query(.act(id), group: group, consistency: consistency)
        guard case .record(let record) = answer else { throw Self.unexpected(answer) }
        guard let record else { throw APIError(.notFound, "act_not_found", "no act \(id) in the register") }
        return (record, freshness)
    }

    /// The birth act that assigned a civil digital identifier.
    public func record(civilID: CivilDigitalID, consistency: ReadPolicy) async throws(APIError) -> (ActRecord, ReadFreshness) {
        let group = try group(for: civilID.birthAct.register.office, field: "civilDigitalID")
        let (answer, freshness) = try await query(.actByCivilID(civilID), group: group, consistency: consistency)
        guard case .record(let record) = answer else { throw Self.unexpected(answer) }
        guard let record else { throw APIError(.notFound, "act_not_found", "no act assigned civil digital id \(civilID)") }
        return (record, freshness)
    }

    static func unexpected(_ answer: RegistryAnswer) -> APIError {
        APIError(.internalServerError, "unexpected_answer", "the state machine answered \(answer)")
    }
}
