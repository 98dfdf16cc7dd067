import Foundation
import NIOHTTP1
import Raft
import Registry

/// One request of a workload and how to judge its answer.
struct BenchRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: [(String, String)]
    var body: [UInt8]?
    var group: UInt64
    var expectedStatuses: Set<Int>
    /// Acts carried (1 for a registration, the batch for an import, 0 for a read).
    var acts: Int
}

/// Builds the requests of a workload; shared by every client, read-only once made.
struct BenchRequestSource: Sendable {
    let workload: BenchSettings.Workload
    let concurrency: Int
    let readPercent: Int
    /// Distinguishes this run's request ids from every other run's.
    let runID: UInt64
    let topology: ClusterTopology
    let acts: BenchActs?
    /// Acts that can be read: per office, the register year and its highest number.
    let readable: [(office: OfficeCode, year: Int, count: UInt64)]
    let imports: BenchImports?

    var mode: String {
        switch workload {
        case .register: "put"
        case .read: "get"
        case .mixed: "mixed"
        case .import: "import"
        case .ping: "ping"
        }
    }

    var valueBytes: Int {
        switch workload {
        case .import: imports?.requestBytes ?? 0
        default: acts?.bodyBytes ?? 0
        }
    }

    static func make(settings: BenchSettings, offices: [OfficeCode], topology: ClusterTopology, http: HTTPSClient,
                     routes: BenchRoutes, say: @Sendable (String) -> Void) async throws -> BenchRequestSource {
        var generator = SystemRandomNumberGenerator()
        let runID = generator.next()
        let now = Date()
        let today = Timestamp.minute(of: now).date
        var acts: BenchActs?
        var readable: [(office: OfficeCode, year: Int, count: UInt64)] = []
        var imports: BenchImports?
        if settings.workload == .register || settings.workload == .mixed {
            acts = try BenchActs(offices: offices, today: today, targetBytes: settings.actBytes)
            say("act body: \(acts!.bodyBytes) bytes, \(offices.count) offices")
        }
        if settings.workload == .read || settings.workload == .mixed {
            readable = try await Self.discoverActs(offices: offices, year: today.year, routes: routes, http: http)
            let total = readable.reduce(0) { $0 + $1.count }
            guard total > 0 else {
                throw BenchRunner.Problem(description: "no act to read in \(today.year) in the \(offices.count) offices: run the register workload first")
            }
            say("reading among \(total) acts of \(readable.count) registers")
        }
        if settings.workload == .import {
            imports = try await BenchImports.make(offices: offices, batchActs: settings.importBatchActs, recordedAt: Timestamp.minute(of: now),
                                                  topology: topology, routes: routes, http: http)
            say("import: \(settings.importBatchActs) acts per request (\(imports!.requestBytes) bytes), numbers from \(imports!.firstNumber)")
        }
        return BenchRequestSource(workload: settings.workload, concurrency: settings.concurrency, readPercent: settings.readPercent,
                                  runID: runID, topology: topology, acts: acts, readable: readable, imports: imports)
    }

    /// The highest number of each office's birth register of `year`, read on its leader.
    static func discoverActs(offices: [OfficeCode], year: Int, routes: BenchRoutes, http: HTTPSClient) async throws
        -> [(office: OfficeCode, year: Int, count: UInt64)] {
        var found: [(office: OfficeCode, year: Int, count: UInt64)] = []
        for office in offices {
            guard let group = routes.topology.group(forOffice: office.rawValue) else { continue }
            let response = try await http.send("GET", routes.address(group: group, turn: 0), "/v1/registers/\(office)/\(year)/birth")
            guard response.status == 200 else { continue }
            let body = try response.decode(RegisterBody.self)
            if body.state.highestNumber > 0 { found.append((office, year, body.state.highestNumber)) }
        }
        return found
    }

    func request(sequence: UInt64, random: inout SplitMix64) -> BenchRequest {
        switch workload {
        case .register: return registration(sequence)
        case .read: return read(&random)
        case .mixed: return Int(random.next() % 100) < readPercent ? read(&random) : registration(sequence)
        case .import: return imports!.request(sequence: sequence)
        case .ping: return ping(sequence)
        }
    }

    /// A round trip to the node that leads the shards in turn: TLS, HTTP and the router, and
    /// nothing of the register.
    private func ping(_ sequence: UInt64) -> BenchRequest {
        let shards = topology.regions.flatMap(\.shards)
        let group = shards.isEmpty ? 0 : shards[Int(sequence % UInt64(shards.count))].group
        return BenchRequest(method: .GET, path: "/healthz", headers: [], body: nil, group: group, expectedStatuses: [200], acts: 0)
    }

    private func registration(_ sequence: UInt64) -> BenchRequest {
        let (office, body) = acts!.body(sequence)
        let key = Registry.RequestID(high: runID, low: sequence).description
        return BenchRequest(method: .POST, path: "/v1/acts/births",
                            headers: [("Content-Type", "application/json"), ("Idempotency-Key", key)], body: body,
                            group: topology.group(forOffice: office.rawValue) ?? 0, expectedStatuses: [201], acts: 1)
    }

    private func read(_ random: inout SplitMix64) -> BenchRequest {
        let register = readable[Int(random.next() % UInt64(readable.count))]
        let number = 1 + random.next() % register.count
        return BenchRequest(method: .GET, path: "/v1/acts/\(register.office)/\(register.year)/birth/\(number)",
                            headers: [("Sijil-Actor", "bench"), ("Sijil-Purpose", "benchmark")], body: nil,
                            group: topology.group(forOffice: register.office.rawValue) ?? 0, expectedStatuses: [200], acts: 0)
    }

    /// Acts accepted and refused, as the answer reports them.
    func countActs(_ request: BenchRequest, _ reply: BenchConnection.Reply) -> (accepted: UInt64, refused: UInt64) {
        guard workload == .import else { return (UInt64(request.acts), 0) }
        let accepted = reply.importAccepted ?? 0
        return (UInt64(accepted), UInt64(max(0, request.acts - accepted)))
    }
}
