import Raft

/// Identifies one client request inside a node; chosen by the shell, echoed in the response.
public typealias ClientTicket = UInt64

/// What a client (the HTTP API, the CLI, the simulator's clients) asks of a node.
public enum ClientRequest: Sendable, Equatable {
    /// A state-machine command. Proposed by the group's leader; forwarded there by any other node.
    case write(group: GroupID, command: [UInt8])
    /// A linearizable query (ReadIndex), served by this node once it has applied far enough.
    case read(group: GroupID, query: [UInt8])
    /// A query answered from this replica's applied state at once, possibly stale; the response
    /// says how far behind the leader's commit index it is, in entries and in milliseconds.
    case staleRead(group: GroupID, query: [UInt8])
    /// A query answered from this replica's applied state only when that state is at most
    /// `maxStaleMs` behind the group's commit index (see `NodeCore.staleness`); refused with
    /// `tooStale` otherwise. What the centre serves national read-only queries with.
    case boundedStaleRead(group: GroupID, query: [UInt8], maxStaleMs: UInt64)
    case changeMembership(group: GroupID, ops: [MembershipOp])
    case setCenterRule(group: GroupID, center: NodeID?, required: Bool)
    case transferLeadership(group: GroupID, to: NodeID)
    /// The operator's forced reconfiguration of a group that lost a majority of its voters
    /// for good (a destroyed region): this replica's durable log becomes the group's log and
    /// `voters` its only voters (see `NodeCore+Reconfiguration.swift`). Never forwarded.
    case forceReconfiguration(group: GroupID, voters: Set<NodeID>)

    public var group: GroupID {
        switch self {
        case .write(let g, _), .read(let g, _), .staleRead(let g, _), .boundedStaleRead(let g, _, _), .changeMembership(let g, _),
             .setCenterRule(let g, _, _), .transferLeadership(let g, _), .forceReconfiguration(let g, _):
            return g
        }
    }
}

/// The answer to a `ClientRequest`.
public enum ClientResult: Sendable, Equatable {
    /// The command was committed and applied at `index`; `outcome` is the state machine's answer.
    case applied(index: UInt64, outcome: [UInt8])
    /// The state machine refused the command before it was proposed; nothing was written.
    case refused(outcome: [UInt8])
    /// A query's answer, read from state applied through `index`. `behindCommit` is how many
    /// committed entries this replica had not applied yet (0 for linearizable reads); `staleMs`
    /// bounds how long ago the answer was current (0 for linearizable reads and on the leader;
    /// nil when this replica cannot tell, e.g. it has not heard from a leader).
    case answered(index: UInt64, behindCommit: UInt64, staleMs: UInt64?, outcome: [UInt8])
    /// An administrative request was accepted (a configuration entry applied, or a transfer
    /// started).
    case done(index: UInt64)
    case failed(ClientFailure)
}

/// Why a request failed. `timedOut(outcomeUnknown: true)` means the command may still commit:
/// retry it with the same request id, which the state machine makes idempotent.
public enum ClientFailure: Sendable, Equatable {
    case unknownGroup(GroupID)
    case noLeader(GroupID)
    case notLeader(GroupID, leaderHint: NodeID)
    case overloaded(String)
    case timedOut(outcomeUnknown: Bool)
    /// The proposal's log position was taken by another leader's entry: it did not commit.
    case superseded
    case invalidChange(String)
    case groupHalted(GroupID, reason: String)
    case storage(String)
    /// The write may or may not have happened (a forwarded write failed at the leader): retry
    /// it with the same request id.
    case outcomeUnknown(String)
    /// A bounded-stale read found this replica more than `boundMs` behind (`staleMs` nil: it
    /// cannot tell how far behind it is).
    case tooStale(staleMs: UInt64?, boundMs: UInt64)

    /// A stable code for APIs and logs.
    public var code: String {
        switch self {
        case .unknownGroup: "unknown_group"
        case .noLeader: "no_leader"
        case .notLeader: "not_leader"
        case .overloaded: "overloaded"
        case .timedOut(let unknown): unknown ? "timeout_outcome_unknown" : "timeout"
        case .superseded: "superseded"
        case .invalidChange: "invalid_change"
        case .groupHalted: "group_halted"
        case .storage: "storage_error"
        case .outcomeUnknown: "outcome_unknown"
        case .tooStale: "too_stale"
        }
    }
}

/// A completed request, handed back by `NodeCore.runTurn()`.
public struct ClientResponse: Sendable, Equatable {
    public var ticket: ClientTicket
    public var result: ClientResult

    public init(ticket: ClientTicket, result: ClientResult) {
        self.ticket = ticket
        self.result = result
    }
}

extension ClientResult {
    func encode(into writer: inout ByteWriter) {
        switch self {
        case .applied(let index, let outcome):
            writer.write(UInt8(0)); writer.write(index); writer.writeBlob(outcome)
        case .refused(let outcome):
            writer.write(UInt8(1)); writer.writeBlob(outcome)
        case .answered(let index, let behind, let staleMs, let outcome):
            writer.write(UInt8(2)); writer.write(index); writer.write(behind)
            writer.write(staleMs != nil); writer.write(staleMs ?? 0); writer.writeBlob(outcome)
        case .done(let index):
            writer.write(UInt8(3)); writer.write(index)
        case .failed(let failure):
            writer.write(UInt8(4))
            switch failure {
            case .unknownGroup(let g): writer.write(UInt8(0)); writer.write(g)
            case .noLeader(let g): writer.write(UInt8(1)); writer.write(g)
            case .notLeader(let g, let hint): writer.write(UInt8(2)); writer.write(g); writer.write(hint)
            case .overloaded(let why): writer.write(UInt8(3)); writer.writeBlob(Array(why.utf8))
            case .timedOut(let unknown): writer.write(UInt8(4)); writer.write(unknown)
            case .superseded: writer.write(UInt8(5))
            case .invalidChange(let why): writer.write(UInt8(6)); writer.writeBlob(Array(why.utf8))
            case .groupHalted(let g, let why): writer.write(UInt8(7)); writer.write(g); writer.writeBlob(Array(why.utf8))
            case .storage(let why): writer.write(UInt8(8)); writer.writeBlob(Array(why.utf8))
            case .outcomeUnknown(let why): writer.write(UInt8(9)); writer.writeBlob(Array(why.utf8))
            case .tooStale(let staleMs, let bound):
                writer.write(UInt8(10)); writer.write(staleMs != nil); writer.write(staleMs ?? 0); writer.write(bound)
            }
        }
    }

    static let reasonBytesMax = 4096

    static func decode(from reader: inout ByteReader) throws(DecodeError) -> ClientResult {
        switch try reader.readUInt8() {
        case 0:
            let index = try reader.readUInt64()
            return .applied(index: index, outcome: try reader.readBlob(field: "result.outcome", limit: WireLimits.entryDataBytesMax))
        case 1:
            return .refused(outcome: try reader.readBlob(field: "result.outcome", limit: WireLimits.entryDataBytesMax))
        case 2:
            let index = try reader.readUInt64()
            let behind = try reader.readUInt64()
            let known = try reader.readBool(field: "result.staleKnown")
            let staleMs = try reader.readUInt64()
            return .answered(index: index, behindCommit: behind, staleMs: known ? staleMs : nil,
                             outcome: try reader.readBlob(field: "result.outcome", limit: WireLimits.entryDataBytesMax))
        case 3:
            return .done(index: try reader.readUInt64())
        case 4:
            func text(_ reader: inout ByteReader) throws(DecodeError) -> String {
                String(decoding: try reader.readBlob(field: "failure.reason", limit: reasonBytesMax), as: UTF8.self)
            }
            let failure: ClientFailure
            switch try reader.readUInt8() {
            case 0: failure = .unknownGroup(try reader.readUInt64())
            case 1: failure = .noLeader(try reader.readUInt64())
            case 2: failure = .notLeader(try reader.readUInt64(), leaderHint: try reader.readUInt64())
            case 3: failure = .overloaded(try text(&reader))
            case 4: failure = .timedOut(outcomeUnknown: try reader.readBool(field: "failure.unknown"))
            case 5: failure = .superseded
            case 6: failure = .invalidChange(try text(&reader))
            case 7: failure = .groupHalted(try reader.readUInt64(), reason: try text(&reader))
            case 8: failure = .storage(try text(&reader))
            case 9: failure = .outcomeUnknown(try text(&reader))
            case 10:
                let known = try reader.readBool(field: "failure.staleKnown")
                let staleMs = try reader.readUInt64()
                failure = .tooStale(staleMs: known ? staleMs : nil, boundMs: try reader.readUInt64())
            case let tag: throw .invalidTag(field: "failure", value: UInt64(tag))
            }
            return .failed(failure)
        case let tag:
            throw .invalidTag(field: "result", value: UInt64(tag))
        }
    }
}
