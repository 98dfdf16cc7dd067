import Foundation
import Hummingbird
import NodeCore
import Raft
import Registry

/// The operations that grow and repair a running cluster (docs/OPERATIONS.md): taking a new
/// topology version, changing a group's membership in one step, the forced reconfiguration of
/// a group whose region is lost, backups, and the centre's national statistics.
struct AdminRoutes: Sendable {
    let runtime: NodeRuntime
    let gateway: RegistryGateway
    let access: AccessControl

    /// Changes are the operators'; the registers' heads and chain checks (no personal data) are
    /// also open to the auditors; national counts to whoever may read statistics.
    func add(to router: Router<BasicRequestContext>) {
        router.put("/v1/admin/topology") { request, _ in
            try access.require(request, .administerCluster)
            return try await putTopology(request)
        }
        router.post("/v1/cluster/groups/:group/membership") { request, context in
            try access.require(request, .administerCluster)
            return try await changeMembership(request, context)
        }
        router.post("/v1/admin/groups/:group/force-reconfiguration") { request, context in
            try access.require(request, .administerCluster)
            return try await forceReconfiguration(request, context)
        }
        router.post("/v1/admin/backup") { request, _ in
            try access.require(request, .administerCluster)
            return try await backup(request)
        }
        router.get("/v1/national/stats") { request, _ in
            try access.require(request, .readStatistics)
            return try await nationalStats(request)
        }
        router.get("/v1/cluster/groups/:group/registers") { request, context in
            try access.require(request, .readClusterStatus)
            return try await registers(request, context)
        }
        router.get("/v1/cluster/groups/:group/verify") { request, context in
            try access.require(request, .readClusterStatus)
            return try await verifyPage(request, context)
        }
    }

    /// The register after which a page starts (`after=office/year/kind`), if given.
    private func after(_ request: Request) throws(APIError) -> RegisterID? {
        guard let text = request.uri.queryParameters.get("after") else { return nil }
        guard let register = RegisterID(path: text), (1850...2200).contains(register.year) else {
            throw APIError.badRequest("invalid_parameter", "after must be office/year/kind", field: "after")
        }
        return register
    }

    /// A page of the group's registers (numbering and chain head), in key order.
    func registers(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let (answer, freshness) = try await gateway.query(
            .registers(after: try after(request), limit: RegistryQuery.registersPageMax), group: group, consistency: try RequestParsing.consistency(request))
        guard case .registers(let states, let next) = answer else { throw RegistryGateway.unexpected(answer) }
        return HTTPResponses.json(RegistersPageBody(group: group, registers: states, next: next?.description, freshness: freshness))
    }

    /// A page of the group's registers, each with its hash chain verified on the answering
    /// replica.
    func verifyPage(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let (answer, freshness) = try await gateway.query(
            .verifyAll(after: try after(request), limit: RegistryQuery.verifyPageMax), group: group, consistency: try RequestParsing.consistency(request))
        guard case .verifications(let verifications, let next) = answer else { throw RegistryGateway.unexpected(answer) }
        let rows = verifications.map { verification -> ChainCheckBody in
            switch verification.result {
            case .intact(let length, let head):
                ChainCheckBody(register: verification.register.description, intact: true, chainLength: length, chainHead: head.description, breakReason: nil)
            case .broken(let chainBreak):
                ChainCheckBody(register: verification.register.description, intact: false, chainLength: nil, chainHead: nil,
                               breakReason: "position \(chainBreak.position): \(chainBreak.reason)")
            }
        }
        return HTTPResponses.json(ChainCheckPageBody(group: group, registers: rows, next: next?.description, freshness: freshness))
    }

    func putTopology(_ request: Request) async throws -> Response {
        let next = try await RequestParsing.decodeBody(ClusterTopology.self, from: request, limit: APILimits.topologyBodyBytesMax)
        do {
            return HTTPResponses.json(try runtime.applyTopology(next))
        } catch {
            throw APIError(.conflict, "topology_refused", "\(error)", field: "topology")
        }
    }

    /// Checks that every node named may hold a replica of `group`: a node of the topology,
    /// not retired, of the group's region or the centre (leaders stay in their region: a node
    /// of another region never hosts its groups).
    static func checkMembers(_ nodes: [UInt64], group: UInt64, topology: ClusterTopology) throws(APIError) {
        guard let region = topology.region(ofGroup: group) else {
            throw APIError(.notFound, "unknown_group", "group \(group) is not in the topology", field: "group")
        }
        for id in nodes {
            guard let node = topology.node(id) else {
                throw APIError(.unprocessableContent, "unknown_node", "node \(id) is not in the topology; add it there first", field: "node")
            }
            if node.isRetired {
                throw APIError(.unprocessableContent, "retired_node", "node \(id) is retired and never comes back", field: "node")
            }
            if !node.isCenter && node.region != region.key {
                throw APIError(.unprocessableContent, "foreign_node",
                               "node \(id) belongs to region \(node.region); group \(group) is region \(region.key)'s", field: "node")
            }
        }
    }

    func changeMembership(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let body = try await RequestParsing.decodeBody(MembershipChangeBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        guard !body.changes.isEmpty else { throw APIError.badRequest("invalid_parameter", "changes must not be empty", field: "changes") }
        var ops: [MembershipOp] = []
        for (position, change) in body.changes.enumerated() {
            switch change.operation {
            case "addVoter": ops.append(.addVoter(change.node))
            case "addLearner": ops.append(.addLearner(change.node))
            case "remove": ops.append(.remove(change.node))
            default:
                throw APIError.badRequest("invalid_parameter", "operation must be addVoter, addLearner or remove", field: "changes[\(position)].operation")
            }
        }
        try Self.checkMembers(body.changes.filter { $0.operation != "remove" }.map(\.node), group: group, topology: runtime.topology)
        switch await runtime.submit(.changeMembership(group: group, ops: ops)) {
        case .done(let index):
            return HTTPResponses.json(AdminResponse(group: group, index: index, message: "membership change \(ops) applied"))
        case .failed(let failure): throw APIError(failure: failure)
        case let other: throw APIError(.internalServerError, "unexpected_answer", "\(other)")
        }
    }

    func forceReconfiguration(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let body = try await RequestParsing.decodeBody(ForceReconfigurationBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        guard body.confirm == "\(group)" else {
            throw APIError.badRequest("confirmation_required",
                                      "a forced reconfiguration drops the group's other voters for good; confirm with \"confirm\": \"\(group)\"",
                                      field: "confirm")
        }
        try Self.checkMembers(body.voters, group: group, topology: runtime.topology)
        let before = await runtime.status().first { $0.group == group }
        switch await runtime.submit(.forceReconfiguration(group: group, voters: Set(body.voters))) {
        case .done(let index):
            runtime.logger.warning("forced reconfiguration", metadata: ["group": "\(group)", "voters": "\(body.voters)", "index": "\(index)"])
            return HTTPResponses.json(ForceReconfigurationResponse(
                group: group, node: runtime.nodeID, keptThrough: index - 1, keptTerm: before?.lastTerm ?? 0,
                configurationIndex: index, voters: body.voters.sorted()))
        case .failed(let failure): throw APIError(failure: failure)
        case let other: throw APIError(.internalServerError, "unexpected_answer", "\(other)")
        }
    }

    func backup(_ request: Request) async throws -> Response {
        let body = try await RequestParsing.decodeBody(BackupBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        guard body.directory.hasPrefix("/") else {
            throw APIError.badRequest("invalid_parameter", "directory must be an absolute path on this node", field: "directory")
        }
        var groups: Set<UInt64>?
        var scope = "cluster"
        if let key = body.region {
            guard let region = runtime.topology.region(key) else {
                throw APIError(.notFound, "unknown_region", "region \(key) is not in the topology", field: "region")
            }
            groups = Set(region.shards.map(\.group))
            scope = "region \(key)"
        }
        do {
            return HTTPResponses.json(try await runtime.backup(to: body.directory, groups: groups, scope: scope))
        } catch let error as BackupError {
            throw APIError(.conflict, error.code, error.description, field: "directory")
        }
    }

    /// Counts of every group this node hosts (on the centre: the whole country), each with
    /// the freshness it was read at; the read policy is the request's (`consistency=bounded`
    /// with `max_stale_ms` for a national query that must not wait for the regions).
    func nationalStats(_ request: Request) async throws -> Response {
        let policy = try RequestParsing.consistency(request)
        var rows: [StatsBody] = []
        var unavailable: [NationalStatsBody.Unavailable] = []
        for status in await runtime.status().sorted(by: { $0.group < $1.group }) {
            do {
                let (answer, freshness) = try await gateway.query(.stats, group: status.group, consistency: policy)
                guard case .stats(let stats) = answer else { throw RegistryGateway.unexpected(answer) }
                rows.append(StatsBody(group: status.group, registers: stats.registers, birthActs: stats.birthActs, deathActs: stats.deathActs,
                                      mentions: stats.mentions, chainHeadsDigest: stats.chainHeadsDigest, freshness: freshness))
            } catch let error as APIError {
                unavailable.append(NationalStatsBody.Unavailable(group: status.group, region: status.region, code: error.code, message: error.message))
            }
        }
        let body = NationalStatsBody(
            node: runtime.nodeID, birthActs: rows.reduce(0) { $0 + $1.birthActs }, deathActs: rows.reduce(0) { $0 + $1.deathActs },
            mentions: rows.reduce(0) { $0 + $1.mentions }, staleMsMax: rows.compactMap(\.freshness.staleMs).max(),
            complete: unavailable.isEmpty, groups: rows, unavailable: unavailable)
        return HTTPResponses.json(body)
    }
}

/// `POST /v1/cluster/groups/{group}/membership`: several operations in one change (a joint
/// configuration when the voters change).
public struct MembershipChangeBody: Codable, Sendable {
    /// The operations, each `{"operation": "addVoter"|"addLearner"|"remove", "node": id}`.
    public var changes: [MembershipBody]
    /// Creates a value from its parts.
    public init(changes: [MembershipBody]) { self.changes = changes }
}

/// `POST /v1/admin/groups/{group}/force-reconfiguration`.
public struct ForceReconfigurationBody: Codable, Sendable {
    /// The only voters from now on; must include the node asked.
    public var voters: [UInt64]
    /// The group id, repeated: the operator confirms the other voters are gone for good.
    public var confirm: String
    /// Creates a value from its parts.
    public init(voters: [UInt64], confirm: String) {
        self.voters = voters
        self.confirm = confirm
    }
}

/// The answer to a forced reconfiguration.
public struct ForceReconfigurationResponse: Codable, Sendable, Equatable {
    /// The group.
    public var group: UInt64
    /// The node whose log the group kept.
    public var node: UInt64
    /// Every entry through this index survived (this replica's durable log)...
    public var keptThrough: UInt64
    /// ...and the last of them has this term.
    public var keptTerm: UInt64
    /// The index of the configuration entry that names the new voters.
    public var configurationIndex: UInt64
    /// The voters now.
    public var voters: [UInt64]
}

/// `POST /v1/admin/backup`.
public struct BackupBody: Codable, Sendable {
    /// Absolute path of a new directory on the node that takes the backup.
    public var directory: String
    /// Only this region's groups (every group the node hosts when absent).
    public var region: String?
    /// Creates a value from its parts.
    public init(directory: String, region: String?) {
        self.directory = directory
        self.region = region
    }
}

/// `GET /v1/national/stats`: the counts of every group a node hosts.
public struct NationalStatsBody: Codable, Sendable {
    /// A group that could not be read within the policy.
    public struct Unavailable: Codable, Sendable, Equatable {
        /// The group.
        public var group: UInt64
        /// Its region.
        public var region: String
        /// The error's code (e.g. `too_stale`).
        public var code: String
        /// Why.
        public var message: String
    }

    /// The node that answered.
    public var node: UInt64
    /// Birth acts in the groups read.
    public var birthActs: UInt64
    /// Death acts in the groups read.
    public var deathActs: UInt64
    /// Marginal mentions in the groups read.
    public var mentions: UInt64
    /// The largest staleness among the groups read, in milliseconds (absent when every answer
    /// was linearizable or none could tell).
    public var staleMsMax: UInt64?
    /// True when every hosted group answered.
    public var complete: Bool
    /// Each group's counts and freshness.
    public var groups: [StatsBody]
    /// The groups that did not answer within the policy.
    public var unavailable: [Unavailable]
}

/// `GET /v1/cluster/groups/{group}/registers`: a page of register states.
public struct RegistersPageBody: Codable, Sendable {
    /// The group.
    public var group: UInt64
    /// The registers of the page, in key order.
    public var registers: [RegisterState]
    /// The `after` of the next page (office/year/kind), absent after the last.
    public var next: String?
    /// How fresh the answer is.
    public var freshness: ReadFreshness
}

/// One register's chain as verified by one replica.
public struct ChainCheckBody: Codable, Sendable, Equatable {
    /// office/year/kind.
    public var register: String
    /// The chain verifies.
    public var intact: Bool
    /// Entries in the chain (when intact).
    public var chainLength: UInt64?
    /// The chain head (when intact), hexadecimal.
    public var chainHead: String?
    /// Where and why it breaks (when broken).
    public var breakReason: String?
}

/// `GET /v1/cluster/groups/{group}/verify`: a page of chain verifications.
public struct ChainCheckPageBody: Codable, Sendable {
    /// The group.
    public var group: UInt64
    /// The registers of the page, in key order.
    public var registers: [ChainCheckBody]
    /// The `after` of the next page (office/year/kind), absent after the last.
    public var next: String?
    /// How fresh the answer is.
    public var freshness: ReadFreshness
}
