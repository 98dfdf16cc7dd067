import Foundation
import Hummingbird
import NodeCore
import Registry

/// `POST /v1/admin/groups/{group}/split`: splits a shard group in its own log (`SplitCommand`),
/// the upper part of its office range going to a new group (docs/OPERATIONS.md, "Splitting a
/// shard"). The operator's `sijil cluster split-shard` sends it, then pushes the topology that
/// describes the cluster after the split.
struct SplitRoutes: Sendable {
    let runtime: NodeRuntime
    let access: AccessControl

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/admin/groups/:group/split") { request, context in
            try access.require(request, .administerCluster)
            return try await split(request, context)
        }
    }

    /// Checks the request against the node's topology, then submits the split. A bad request
    /// is refused before anything reaches the log.
    func split(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let body = try await RequestParsing.decodeBody(SplitBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        try Self.check(body, group: group, topology: runtime.topology)
        let key = ShardSplitKey(first: OfficeCode(body.firstOffice), last: OfficeCode(body.lastOffice)).encode()
        let result = await runtime.submit(.write(group: group, command: SplitCommand(newGroup: body.newGroup, key: key).encode()))
        switch result {
        case .applied(_, let outcome), .refused(let outcome):
            switch SplitOutcome.decode(outcome) {
            case .split(let newGroup, let index, let moved, let voters):
                runtime.logger.notice("group split", metadata: [
                    "group": "\(group)", "new_group": "\(newGroup)", "index": "\(index)", "moved_records": "\(moved)"])
                return HTTPResponses.json(SplitResponse(
                    group: group, newGroup: newGroup, firstOffice: body.firstOffice, lastOffice: body.lastOffice, index: index,
                    movedRecords: moved, voters: voters))
            case .refused(let reason):
                throw APIError(.conflict, "split_refused", "group \(group) did not split: \(reason)", field: "group")
            case nil:
                throw APIError(.internalServerError, "unexpected_answer", "group \(group) answered a split with \(outcome.count) bytes that are not a split outcome")
            }
        case .failed(let failure): throw APIError(failure: failure)
        case let other: throw APIError(.internalServerError, "unexpected_answer", "\(other)")
        }
    }

    /// The split must name a new group and the upper part of the group's office range, leaving
    /// the group at least its first office.
    static func check(_ body: SplitBody, group: UInt64, topology: ClusterTopology) throws(APIError) {
        guard body.newGroup != 0, body.newGroup != group else {
            throw APIError.badRequest("invalid_parameter", "newGroup must be a new group id, not 0 or \(group)", field: "newGroup")
        }
        guard body.firstOffice <= body.lastOffice else {
            throw APIError.badRequest("invalid_parameter", "firstOffice \(body.firstOffice) is after lastOffice \(body.lastOffice)", field: "firstOffice")
        }
        guard let shard = topology.regions.lazy.flatMap(\.shards).first(where: { $0.group == group }) else {
            throw APIError(.notFound, "unknown_group", "group \(group) is not in the topology", field: "group")
        }
        guard shard.firstOffice < body.firstOffice, body.lastOffice == shard.lastOffice else {
            throw APIError.badRequest(
                "invalid_parameter",
                "offices \(body.firstOffice)...\(body.lastOffice) are not the upper part of group \(group)'s \(shard.firstOffice)...\(shard.lastOffice)",
                field: "firstOffice")
        }
    }
}

/// `POST /v1/admin/groups/{group}/split`.
public struct SplitBody: Codable, Sendable, Equatable {
    /// The new group's id.
    public var newGroup: UInt64
    /// The first office that moves to the new group.
    public var firstOffice: UInt32
    /// The last office that moves (the group's last office).
    public var lastOffice: UInt32

    /// Creates a value from its parts.
    public init(newGroup: UInt64, firstOffice: UInt32, lastOffice: UInt32) {
        self.newGroup = newGroup
        self.firstOffice = firstOffice
        self.lastOffice = lastOffice
    }
}

/// The answer to a split that happened.
public struct SplitResponse: Codable, Sendable, Equatable {
    /// The group that split.
    public var group: UInt64
    /// The group created by the split.
    public var newGroup: UInt64
    /// The first office that moved.
    public var firstOffice: UInt32
    /// The last office that moved.
    public var lastOffice: UInt32
    /// The split's position in the group's log; the new group's log starts after it.
    public var index: UInt64
    /// State records (registers, acts, mentions, outcomes, services' records) that moved.
    public var movedRecords: UInt64
    /// The new group's voters: the group's at the split's position.
    public var voters: [UInt64]
}
