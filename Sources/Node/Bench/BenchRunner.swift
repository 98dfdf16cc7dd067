import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Raft
import Registry

/// The load generator behind `sijil bench`: `concurrency` clients in a closed loop (each with
/// one request in flight) against a running cluster, over kept-alive TLS connections. Requests
/// completed during the warm-up are not counted; latencies of those completed in the measured
/// window go into a histogram.
public struct BenchRunner: Sendable {
    /// The settings of the run.
    public let settings: BenchSettings
    /// The cluster.
    public let topology: ClusterTopology
    /// The cluster CA certificate, to verify the nodes.
    public let caCertificatePath: String
    /// The bearer token of the workload's requests (a registrar's for acts and imports).
    public let token: String?
    /// The client that learns the groups' leaders (`/v1/cluster/status`, an operator's token).
    public let status: HTTPSClient

    /// A request takes longer than this: counted as an error, the connection is dropped.
    static let requestTimeoutMs: Int64 = 10_000
    /// Error messages kept for the result.
    static let errorSamplesMax = 5

    /// Creates a value from its parts.
    public init(settings: BenchSettings, topology: ClusterTopology, caCertificatePath: String, token: String?, status: HTTPSClient) {
        self.settings = settings
        self.topology = topology
        self.caCertificatePath = caCertificatePath
        self.token = token
        self.status = status
    }

    /// Why a run cannot start.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        /// For people.
        public var description: String
    }

    /// Runs the workload and returns its summary; `say` receives progress lines.
    public func run(say: @escaping @Sendable (String) -> Void = { _ in }) async throws -> BenchResult {
        let problems = settings.problems()
        guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "; ")) }
        let http = try HTTPSClient(caCertificatePath: caCertificatePath, timeoutMs: 3_000, token: token)
        let routes = BenchRoutes(topology: topology, routing: settings.routing, http: status)
        await routes.refresh()
        let missing = routes.groupsWithoutLeader()
        guard missing.isEmpty || settings.routing == .any else {
            let why = routes.statusProblems().first.map { "the status answer of \($0)" } ?? "is the cluster running?"
            throw Problem(description: "no leader known for groups \(missing) (\(why)); leader routing needs a token that may read "
                          + "the cluster's status, or use --routing any")
        }
        let offices = Self.offices(topology: topology, count: settings.officeCount)
        guard !offices.isEmpty else { throw Problem(description: "the topology serves no known office") }
        let source = try await BenchRequestSource.make(settings: settings, offices: offices, topology: topology, http: http, routes: routes, say: say)

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caCertificatePath)
        tls.certificateVerification = .fullVerification
        let sslContext = try NIOSSLContext(configuration: tls)

        let started = ContinuousClock.now
        let measureFrom = started + .milliseconds(Int64(settings.warmupSeconds * 1_000))
        let measureUntil = measureFrom + .milliseconds(Int64(settings.durationSeconds * 1_000))
        say("\(settings.workload.rawValue): \(settings.concurrency) clients, \(settings.warmupSeconds) s warm-up, \(settings.durationSeconds) s measured")
        let tallies = await withTaskGroup(of: ClientTally.self) { group in
            for index in 0..<settings.concurrency {
                group.addTask {
                    await Self.runClient(index: index, source: source, routes: routes, sslContext: sslContext, token: token,
                                         measureFrom: measureFrom, measureUntil: measureUntil)
                }
            }
            var all: [ClientTally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        var total = ClientTally()
        for tally in tallies { total.merge(tally) }
        let seconds = settings.durationSeconds
        let histogram = total.histogram
        func ms(_ micros: UInt64) -> Double { Double(micros) / 1_000 }
        return BenchResult(
            label: settings.label, mode: source.mode, clients: settings.concurrency, ops: histogram.count, acts: total.acts,
            seconds: seconds, opsPerS: Double(histogram.count) / seconds, actsPerS: Double(total.acts) / seconds,
            latMsMean: histogram.meanMicros / 1_000, latMsP50: ms(histogram.percentile(50)), latMsP99: ms(histogram.percentile(99)),
            latMsP999: ms(histogram.percentile(99.9)), latMsMax: ms(histogram.maxMicros), errors: total.errors,
            actsRejected: total.actsRejected, errorSamples: total.errorSamples, valueBytes: source.valueBytes,
            routing: settings.routing.rawValue)
    }

    /// What one client counted.
    struct ClientTally: Sendable {
        var histogram = LatencyHistogram()
        var acts: UInt64 = 0
        var actsRejected: UInt64 = 0
        var errors: UInt64 = 0
        var errorSamples: [String] = []

        mutating func error(_ message: String) {
            errors += 1
            if errorSamples.count < BenchRunner.errorSamplesMax { errorSamples.append(message) }
        }

        mutating func merge(_ other: ClientTally) {
            histogram.merge(other.histogram)
            acts += other.acts
            actsRejected += other.actsRejected
            errors += other.errors
            for sample in other.errorSamples where errorSamples.count < BenchRunner.errorSamplesMax { errorSamples.append(sample) }
        }
    }

    static func runClient(index: Int, source: BenchRequestSource, routes: BenchRoutes, sslContext: NIOSSLContext, token: String?,
                          measureFrom: ContinuousClock.Instant, measureUntil: ContinuousClock.Instant) async -> ClientTally {
        var tally = ClientTally()
        var connections: [String: BenchConnection] = [:]
        var random = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 ^ source.runID)
        var turn: UInt64 = 0
        defer { for connection in connections.values { Task { await connection.close() } } }
        while ContinuousClock.now < measureUntil {
            let sequence = UInt64(index) + turn * UInt64(source.concurrency)
            turn += 1
            let request = source.request(sequence: sequence, random: &random)
            let address = routes.address(group: request.group, turn: turn &+ UInt64(index))
            let sent = ContinuousClock.now
            let reply: BenchConnection.Reply
            do {
                let connection: BenchConnection
                if let open = connections[address], open.isActive {
                    connection = open
                } else {
                    connection = try await BenchConnection.connect(address: address, sslContext: sslContext, group: MultiThreadedEventLoopGroup.singleton,
                                                                   timeoutMs: requestTimeoutMs, token: token)
                    connections[address] = connection
                }
                reply = try await connection.send(request.method, request.path, headers: request.headers, body: request.body)
            } catch {
                if let broken = connections.removeValue(forKey: address) { await broken.close() }
                let done = ContinuousClock.now
                if done >= measureFrom && done < measureUntil { tally.error("\(address): \(error)") }
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            let done = ContinuousClock.now
            let counted = done >= measureFrom && done < measureUntil
            if request.expectedStatuses.contains(reply.status) {
                if counted {
                    let elapsed = done - sent
                    tally.histogram.record(micros: UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
                    let (accepted, refused) = source.countActs(request, reply)
                    tally.acts += accepted
                    tally.actsRejected += refused
                }
            } else {
                let text = String(decoding: reply.bodyPrefix.prefix(300), as: UTF8.self)
                if counted { tally.error("\(address) \(request.method) \(request.path): HTTP \(reply.status) \(text)") }
                if reply.status == 503 && (text.contains("not_leader") || text.contains("no_leader")) { await routes.refresh() }
            }
        }
        return tally
    }

    /// The first `count` active offices of the topology's shards, taken from each shard in
    /// turn so that every group gets work.
    static func offices(topology: ClusterTopology, count: Int) -> [OfficeCode] {
        let reference = ReferenceData.embedded
        var perShard: [[OfficeCode]] = []
        for region in topology.regions {
            let known = reference.offices(in: RegionCode(region.code)).filter { $0.status == .active }.map(\.code).sorted { $0.rawValue < $1.rawValue }
            for shard in region.shards {
                perShard.append(known.filter { shard.firstOffice <= $0.rawValue && $0.rawValue <= shard.lastOffice })
            }
        }
        var result: [OfficeCode] = []
        var position = 0
        while result.count < count && perShard.contains(where: { position < $0.count }) {
            for shard in perShard where position < shard.count && result.count < count { result.append(shard[position]) }
            position += 1
        }
        return result
    }
}
