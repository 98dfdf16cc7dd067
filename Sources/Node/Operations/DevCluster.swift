import Foundation
import NIOConcurrencyHelpers
import Registry

/// `sijil dev`: Rabat-Salé-Kénitra with three nodes and the national centre on loopback, each a
/// separate process with its own RocksDB directory, TLS on, a few sample acts loaded.
public struct DevCluster: Sendable {
    /// The cluster directory.
    public var directory: String
    /// The first port.
    public var basePort: Int
    /// The `sijil` binary to start the nodes with.
    public var executable: String
    /// Shard groups of the region.
    public var shardCount = 2

    /// How long the nodes have to answer `/healthz` and elect a leader in every group. A cold
    /// start on a loaded 2-core machine takes a few seconds; a minute means something is wrong.
    public static let startupTimeoutMs: UInt64 = 60_000

    /// Creates a value from its parts.
    public init(directory: String, basePort: Int, executable: String) {
        self.directory = directory
        self.basePort = basePort
        self.executable = executable
    }

    /// Prepares the directory (a new cluster when it holds none), starts the nodes and waits
    /// until they are healthy and every group has a leader; loads the sample acts into a new
    /// cluster. Returns the running processes; `say` receives progress lines.
    public func start(say: @Sendable (String) -> Void, onExit: @escaping @Sendable (UInt64, Int32) -> Void) async throws -> (NodeProcesses, ClusterLayout, fresh: Bool) {
        let fresh = !FileManager.default.fileExists(atPath: directory + "/topology.toml")
        let layout: ClusterLayout
        if fresh {
            var plan = ClusterLayout.Plan()
            plan.basePort = basePort
            plan.shardCount = shardCount
            plan.clusterName = "sijil-dev"
            layout = try ClusterLayout.initialize(directory: directory, plan: plan)
            say("created cluster in \(directory)")
        } else {
            layout = try ClusterLayout.open(directory: directory)
            say("reusing cluster in \(directory)")
            if let first = layout.topology.nodes.first.flatMap({ HostPort($0.http) }), first.port != basePort {
                say("note: the existing cluster keeps its ports (from \(first.port)); --base-port applies to a new directory")
            }
        }
        let processes = NodeProcesses(executable: executable, layout: layout)
        do {
            for node in layout.topology.nodes { try processes.start(node.id, onExit: onExit) }
            let http = try HTTPSClient(caCertificatePath: layout.caCertificatePath, timeoutMs: 2_000,
                                       token: try DevTokens.token("operator", layout: layout))
            try await Self.waitUntilReady(topology: layout.topology, http: http, timeoutMs: Self.startupTimeoutMs, processes: processes)
            if fresh { try await loadSamples(layout: layout, say: say) }
        } catch {
            await processes.stopAll()
            throw error
        }
        return (processes, layout, fresh)
    }

    /// Waits until every node answers `/healthz` and every group has a leader that every
    /// reachable member agrees on. When `processes` runs the nodes, a node whose process ended
    /// fails the wait at once, with the end of its log (a port already in use, say), instead of
    /// leaving it to the timeout.
    public static func waitUntilReady(topology: ClusterTopology, http: HTTPSClient, timeoutMs: UInt64,
                                      processes: NodeProcesses? = nil) async throws {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var last = "no answer yet"
        while ContinuousClock.now < deadline {
            if let processes, let (node, status) = processes.exited.filter({ id, _ in topology.nodes.contains { $0.id == id } }).min(by: { $0.key < $1.key }) {
                throw NodeConfiguration.Problem(description: "node \(node) exited with status \(status) before the cluster was ready; the end of \(processes.layout.directory)/logs/node-\(node).log:\n\(processes.logTail(node))")
            }
            let report = await ClusterStatusReport.collect(topology: topology, client: http)
            // Ready is what `cluster status` calls healthy (a group is `ok` only with a leader).
            if report.problems.isEmpty { return }
            let down = report.nodes.filter { !$0.reachable }
            let leaderless = report.rows.filter { $0.health != "ok" }
            last = down.isEmpty ? "groups without a healthy leader: \(leaderless.map { "\($0.group) (\($0.health))" })"
                                : "nodes not answering: \(down.map(\.node))"
            try await Task.sleep(for: .milliseconds(200))
        }
        throw NodeConfiguration.Problem(description: "the cluster was not ready within \(timeoutMs) ms: \(last)")
    }

    func loadSamples(layout: ClusterLayout, say: @Sendable (String) -> Void) async throws {
        let http = try HTTPSClient(caCertificatePath: layout.caCertificatePath, token: try DevTokens.token("registrar", layout: layout))
        let client = RegistryClient(http: http, addresses: layout.topology.nodes.filter { !$0.isCenter }.map(\.http))
        for sample in try SampleActs.samples(recordedAt: Timestamp.minute(of: Date())) {
            let response = try await client.write(path: sample.path, body: sample.body)
            guard response.status == 201 || response.status == 200 else {
                throw NodeConfiguration.Problem(description: "sample \(sample.label): HTTP \(response.status) \(response.text)")
            }
            let written = try response.decode(WriteResponse.self)
            say("loaded \(sample.label): /v1/acts/\(written.actPath)")
            for mention in sample.mentions {
                let answer = try await client.write(path: "/v1/acts/\(written.actPath)/mentions", body: mention.body)
                guard answer.status == 201 || answer.status == 200 else {
                    throw NodeConfiguration.Problem(description: "sample \(mention.label): HTTP \(answer.status) \(answer.text)")
                }
                say("  + \(mention.label)")
            }
        }
    }
}
