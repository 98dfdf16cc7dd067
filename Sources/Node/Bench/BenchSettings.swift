/// What a load-generator run does: the workload, how many clients, for how long.
public struct BenchSettings: Sendable, Equatable {
    /// The kind of requests sent.
    public enum Workload: String, Sendable, CaseIterable, Codable {
        /// Birth registrations (`POST /v1/acts/births`), one act per request.
        case register
        /// Linearizable reads of acts by id (`GET /v1/acts/...`), over the acts registered.
        case read
        /// Reads and registrations, `readPercent` % reads.
        case mixed
        /// Bulk import of digitised historical acts (`POST /v1/imports`), `importBatchActs`
        /// acts per request.
        case `import`
        /// `GET /healthz`: an HTTPS round trip that reaches no shard and writes nothing, the
        /// ceiling of what this client and the nodes' HTTP stack can exchange on the machine.
        case ping
    }

    /// Where requests go.
    public enum Routing: String, Sendable, CaseIterable, Codable {
        /// To the leader of the act's shard group, as a client that knows the cluster would
        /// (learned from `/v1/cluster/status`, refreshed when a node says it is not the leader).
        case leader
        /// Round-robin over the regional nodes; a follower forwards writes to the leader.
        case any
    }

    /// The workload.
    public var workload: Workload = .register
    /// Clients, each with one request in flight (a closed loop, as the anchors' clients).
    public var concurrency = 1
    /// Seconds measured.
    public var durationSeconds = 25.0
    /// Seconds run before measuring (connections opened, caches and leaders warm), not counted.
    public var warmupSeconds = 2.0
    /// Approximate size of one act's JSON body, in bytes.
    public var actBytes = 1_500
    /// Share of reads in the mixed workload, in percent.
    public var readPercent = 90
    /// Acts per import request (one registry batch command).
    public var importBatchActs = 256
    /// Offices the acts are spread over (the first ones of the region's shards, alternating).
    public var officeCount = 24
    /// Where requests go.
    public var routing: Routing = .leader
    /// A label copied into the result (e.g. "put-c64").
    public var label = ""

    /// Most clients: each holds a TLS connection per node it talks to; the nodes refuse more
    /// than 2,000 requests in flight anyway.
    public static let concurrencyMax = 1_024
    /// Longest measured run: a benchmark, not a soak test.
    public static let durationSecondsMax = 3_600.0

    /// Creates the default settings (register, 1 client, 25 s after 2 s of warm-up).
    public init() {}

    /// Every problem with the settings, in one pass.
    public func problems() -> [String] {
        var problems: [String] = []
        if concurrency < 1 || concurrency > Self.concurrencyMax { problems.append("concurrency must be 1 to \(Self.concurrencyMax)") }
        if !(durationSeconds > 0 && durationSeconds <= Self.durationSecondsMax) { problems.append("duration must be above 0 and at most \(Int(Self.durationSecondsMax)) s") }
        if !(warmupSeconds >= 0 && warmupSeconds <= 600) { problems.append("warm-up must be 0 to 600 s") }
        if actBytes < 200 || actBytes > 16_384 { problems.append("act size must be 200 to 16384 bytes") }
        if readPercent < 0 || readPercent > 100 { problems.append("read percentage must be 0 to 100") }
        if importBatchActs < 1 || importBatchActs > 256 { problems.append("import batch must be 1 to 256 acts (a registry batch command)") }
        if officeCount < 1 || officeCount > 1_000 { problems.append("offices must be 1 to 1000") }
        return problems
    }
}
