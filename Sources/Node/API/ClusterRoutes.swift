import Foundation
import Hummingbird
import NIOCore
import NodeCore
import Raft
import Registry
import Transport

/// Health, metrics, status and the administrative operations of the cluster CLI.
struct ClusterRoutes: Sendable {
    let runtime: NodeRuntime
    let gateway: RegistryGateway
    let inFlight: InFlightCounter
    let access: AccessControl

    func add(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in HTTPResponses.json(["status": "ok", "node": "\(runtime.nodeID)"]) }
        router.get("/metrics") { _, _ in try await metrics() }
        router.get("/v1/cluster/status") { request, _ in
            try access.require(request, .readClusterStatus)
            return try await status()
        }
        router.get("/v1/cluster/topology") { request, _ in
            try access.require(request, .readClusterStatus)
            return HTTPResponses.json(runtime.topology)
        }
        router.post("/v1/cluster/groups/:group/transfer-leader") { request, context in
            try access.require(request, .administerCluster)
            return try await transferLeader(request, context)
        }
        router.post("/v1/cluster/groups/:group/members") { request, context in
            try access.require(request, .administerCluster)
            return try await changeMembership(request, context)
        }
        router.post("/v1/cluster/groups/:group/durability") { request, context in
            try access.require(request, .administerCluster)
            return try await setDurability(request, context)
        }
        router.get("/v1/cluster/groups/:group/stats") { request, context in
            try access.require(request, .readClusterStatus)
            return try await stats(request, context)
        }
        router.get("/v1/registers/:office/:year/:kind") { request, context in try await register(request, context, verify: false) }
        router.get("/v1/registers/:office/:year/:kind/verify") { request, context in try await register(request, context, verify: true) }
        router.post("/v1/admin/search/rebuild") { request, _ in
            try access.require(request, .administerCluster)
            runtime.rebuildSearchIndex()
            return HTTPResponses.json(["status": "rebuild requested"], status: .accepted)
        }
        router.post("/v1/admin/peers/reload") { request, _ in
            try access.require(request, .administerCluster)
            do {
                let peers = try runtime.reloadPeers()
                return HTTPResponses.json(["peers": peers])
            } catch {
                throw APIError(.unprocessableContent, "invalid_topology", "\(error)", field: "topology")
            }
        }
        router.post("/v1/admin/certificate/reload") { request, _ in
            try access.require(request, .administerCluster)
            let credentials: NodeCredentials
            do {
                credentials = try runtime.reloadCertificate()
            } catch {
                throw APIError(.unprocessableContent, "invalid_certificate", "\(error)", field: "certificate")
            }
            return HTTPResponses.json(CertificateReloadedBody(
                node: runtime.nodeID, certificateSerial: credentials.certificateSerial,
                certificateNotAfter: ISO8601DateFormatter().string(from: credentials.certificateNotValidAfter)))
        }
    }

    func metrics() async throws -> Response {
        _ = await runtime.status()
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: runtime.metrics.exposition())))
    }

    func status() async throws -> Response {
        let me = runtime.topology.node(runtime.nodeID)
        var body = NodeStatusBody(
            node: runtime.nodeID, region: me?.region ?? "?", center: me?.isCenter ?? false, http: me?.http ?? "",
            groups: await runtime.status(), search: runtime.search?.status(), requestsInFlight: inFlight.inFlight)
        let iso = ISO8601DateFormatter()
        body.certificateNotAfter = iso.string(from: runtime.certificateNotAfter)
        body.certificateSerial = runtime.certificateSerial
        body.topologyVersion = runtime.topology.effectiveVersion
        body.authorityNotAfter = iso.string(from: runtime.authorityNotAfter)
        body.revocationsLearned = runtime.revocationExchange.learnedCount
        return HTTPResponses.json(body)
    }

    private func admin(_ request: ClientRequest, message: String) async throws(APIError) -> Response {
        switch await runtime.submit(request) {
        case .done(let index): return HTTPResponses.json(AdminResponse(group: request.group, index: index, message: message))
        case .failed(let failure): throw APIError(failure: failure)
        case let other: throw APIError(.internalServerError, "unexpected_answer", "\(other)")
        }
    }

    func transferLeader(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let body = try await RequestParsing.decodeBody(TransferLeaderBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        return try await admin(.transferLeadership(group: group, to: body.to), message: "leadership transfer to node \(body.to) started")
    }

    func changeMembership(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let body = try await RequestParsing.decodeBody(MembershipBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        let operation: MembershipOp
        switch body.operation {
        case "addVoter": operation = .addVoter(body.node)
        case "addLearner": operation = .addLearner(body.node)
        case "remove": operation = .remove(body.node)
        default: throw APIError.badRequest("invalid_parameter", "operation must be addVoter, addLearner or remove", field: "operation")
        }
        if operation != .remove(body.node) {
            try AdminRoutes.checkMembers([body.node], group: group, topology: runtime.topology)
        }
        return try await admin(.changeMembership(group: group, ops: [operation]), message: "\(body.operation) \(body.node) applied")
    }

    func setDurability(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let body = try await RequestParsing.decodeBody(DurabilityBody.self, from: request, limit: APILimits.adminBodyBytesMax)
        guard body.mode == "center" || body.mode == "region" else {
            throw APIError.badRequest("invalid_parameter", "mode must be center or region", field: "mode")
        }
        return try await admin(.setCenterRule(group: group, center: runtime.topology.centerID, required: body.mode == "center"),
                               message: "durability \(body.mode) applied")
    }

    func stats(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let group = try RequestParsing.group(context)
        let (answer, freshness) = try await gateway.query(.stats, group: group, consistency: try RequestParsing.consistency(request))
        guard case .stats(let stats) = answer else { throw RegistryGateway.unexpected(answer) }
        return HTTPResponses.json(StatsBody(group: group, registers: stats.registers, birthActs: stats.birthActs, deathActs: stats.deathActs,
                                            mentions: stats.mentions, chainHeadsDigest: stats.chainHeadsDigest, freshness: freshness),
                                  headers: ActRoutes.freshnessHeaders(freshness))
    }

    func register(_ request: Request, _ context: BasicRequestContext, verify: Bool) async throws -> Response {
        guard let office = context.parameters.get("office").flatMap(OfficeCode.init) else {
            throw APIError.badRequest("invalid_register", "office must be 7 digits", field: "office")
        }
        guard let year = context.parameters.get("year").flatMap(Int.init), (1850...2200).contains(year) else {
            throw APIError.badRequest("invalid_register", "year must be 1850 to 2200", field: "year")
        }
        guard let kind = ActKind.allCases.first(where: { $0.name == context.parameters.get("kind") }) else {
            throw APIError.badRequest("invalid_register", "kind must be birth or death", field: "kind")
        }
        try access.require(request, .readRegister(office: office))
        let register = RegisterID(office: office, year: year, kind: kind)
        let group = try gateway.group(for: office, field: "office")
        let consistency = try RequestParsing.consistency(request)
        if verify {
            let (answer, freshness) = try await gateway.query(.verifyRegister(register), group: group, consistency: consistency)
            guard case .verification(let verification) = answer else { throw RegistryGateway.unexpected(answer) }
            let body: RegisterVerificationBody
            switch verification.result {
            case .intact(let length, let head):
                body = RegisterVerificationBody(register: register, intact: true, chainLength: length, chainHead: head, breakPosition: nil, breakReason: nil, freshness: freshness)
            case .broken(let chainBreak):
                body = RegisterVerificationBody(register: register, intact: false, chainLength: nil, chainHead: nil, breakPosition: chainBreak.position,
                                                breakReason: "\(chainBreak.reason)", freshness: freshness)
            }
            return HTTPResponses.json(body, headers: ActRoutes.freshnessHeaders(freshness))
        }
        let (answer, freshness) = try await gateway.query(.register(register), group: group, consistency: consistency)
        guard case .register(let state) = answer else { throw RegistryGateway.unexpected(answer) }
        guard let state else { throw APIError(.notFound, "register_empty", "register \(register) holds no act") }
        return HTTPResponses.json(RegisterBody(register: register, state: state, freshness: freshness), headers: ActRoutes.freshnessHeaders(freshness))
    }
}

/// `GET /v1/cluster/groups/{group}/stats`.
public struct StatsBody: Codable, Sendable, Equatable {
    /// The shard group.
    public var group: UInt64
    /// Registers holding acts.
    public var registers: UInt64
    /// Birth acts.
    public var birthActs: UInt64
    /// Death acts.
    public var deathActs: UInt64
    /// Marginal mentions.
    public var mentions: UInt64
    /// Equal on two replicas exactly when every register's chain is.
    public var chainHeadsDigest: ChainDigest
    /// How fresh the answer is.
    public var freshness: ReadFreshness
}

/// `GET /v1/registers/{office}/{year}/{kind}`.
public struct RegisterBody: Codable, Sendable, Equatable {
    /// The register.
    public var register: RegisterID
    /// Its numbering and chain head.
    public var state: RegisterState
    /// How fresh the answer is.
    public var freshness: ReadFreshness
}

/// `GET /v1/registers/{office}/{year}/{kind}/verify`.
public struct RegisterVerificationBody: Codable, Sendable, Equatable {
    /// The register.
    public var register: RegisterID
    /// The chain verifies.
    public var intact: Bool
    /// Entries in the chain (when intact).
    public var chainLength: UInt64?
    /// The chain head.
    public var chainHead: ChainDigest?
    /// Position of the first break.
    public var breakPosition: UInt64?
    /// Why the chain breaks there.
    public var breakReason: String?
    /// How fresh the answer is.
    public var freshness: ReadFreshness
}
