import Foundation
import Node

/// A value shared between the test's tasks.
/// `@unchecked Sendable`: `value` is read and written only while `lock` is held.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLockedValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A Sijil cluster in the lab: every node a real `sijil start` process on a host of its own
/// (a network namespace), the cluster directory in a temporary directory, the shape taken from
/// Cluster/topologies/lab.toml (with the test lab's addresses) and Cluster/roadmap.toml.
final class LabCluster: Sendable {
    let network = LabNetwork()
    let directory: String
    let plan: ClusterPlan
    let roadmap: Roadmap
    let processes: NodeProcesses
    /// The operators' client (an operator token): cluster operations and status.
    let http: HTTPSClient
    private let current: Locked<ClusterLayout>
    private let registrarClients = Locked<[String: HTTPSClient]>([:])

    /// The cluster directory as it is now (operations grow it).
    var layout: ClusterLayout {
        get { current.withLockedValue { $0 } }
        set { current.withLockedValue { $0 = newValue } }
    }

    var topology: ClusterTopology { layout.topology }

    /// Bound of every wait on a state in the lab (a leader, a node starting, replicas catching
    /// up). Generous for a loaded 2-core machine; reaching it fails the test.
    static let waitMs: UInt64 = 180_000

    /// Builds the lab's hosts (the centre, `regions`' hosts, and `extraHosts`), writes a new
    /// cluster of `initialRegions` and starts its nodes.
    static func start(initialRegions: [String], hosts regions: [String], extraHosts: [String]) async throws -> LabCluster {
        let network = LabNetwork()
        _ = try? network.lab("down")
        try network.lab(arguments: ["up"] + regions.map { $0.lowercased() })
        for host in extraHosts { try network.lab("add-host", host) }
        let root = LabNetwork.repositoryRoot
        let text = try String(contentsOfFile: root + "/Cluster/topologies/lab.toml", encoding: .utf8)
            .replacingOccurrences(of: "10.77.", with: LabNetwork.net + ".")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-lab-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let planPath = directory + "/lab-plan.toml"
        try text.write(toFile: planPath, atomically: true, encoding: .utf8)
        let plan = try ClusterPlan.load(path: planPath)
        let roadmap = try Roadmap.load(path: root + "/Cluster/roadmap.toml")
        let layout = try ClusterLayout.initialize(directory: directory + "/cluster", plan: plan, regions: initialRegions, roadmap: roadmap)
        let cluster = try LabCluster(directory: directory, plan: plan, roadmap: roadmap, layout: layout)
        do {
            for node in layout.topology.nodes { try cluster.processes.start(node.id) }
            try await DevCluster.waitUntilReady(topology: layout.topology, http: cluster.http, timeoutMs: waitMs, processes: cluster.processes)
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    private init(directory: String, plan: ClusterPlan, roadmap: Roadmap, layout: ClusterLayout) throws {
        self.directory = directory
        self.plan = plan
        self.roadmap = roadmap
        self.current = Locked(layout)
        self.http = try HTTPSClient(caCertificatePath: layout.caCertificatePath, timeoutMs: 5_000,
                                    token: try DevTokens.token("operator", layout: layout))
        let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip"
        let box = current
        self.processes = NodeProcesses(executable: try TestCluster.binary(), layout: layout) { id in
            let address = box.withLockedValue { $0.topology.node(id).flatMap { HostPort($0.http)?.host } } ?? ""
            guard let host = LabNetwork.host(ofAddress: address) else { return [] }
            return [ip, "netns", "exec", LabNetwork.namespace(of: host)]
        }
    }

    /// The admin client the operations use, printing progress with the test's output.
    func admin(waitMs: UInt64 = LabCluster.waitMs) -> ClusterAdmin {
        ClusterAdmin(http: http, waitMs: waitMs, actReader: { [self] region in try registrarHTTP(region: region.key) }, say: { print("lab: \($0)") })
    }

    /// The operations over the cluster directory; new nodes are started as lab processes.
    func operations() -> RegionOperations {
        RegionOperations(layout: layout, admin: admin()) { [self] nodes in
            // The operation just wrote the new nodes' files and topology: the process launcher
            // finds each node's host in it.
            layout = try ClusterLayout.open(directory: layout.directory)
            for node in nodes { try processes.start(node.id) }
        }
    }

    /// A client for the acts of `region`: a registrar of that region (the register staff's
    /// token the policy asks for), minted with the cluster's token key.
    func registrarHTTP(region key: String) throws -> HTTPSClient {
        if let client = registrarClients.withLockedValue({ $0[key] }) { return client }
        guard let region = topology.region(key) else { throw NodeConfiguration.Problem(description: "region \(key) is not in the topology") }
        let client = try layout.registrarClient(region: region, timeoutMs: 5_000, lifetimeSeconds: 6 * 3_600)
        registrarClients.withLockedValue { $0[key] = client }
        return client
    }

    /// A registry client over the active nodes of `region`, as its registrar.
    func client(region: String) throws -> RegistryClient {
        RegistryClient(http: try registrarHTTP(region: region), addresses: addresses(region: region))
    }

    /// Active nodes of `region` (HTTP addresses), for clients.
    func addresses(region: String) -> [String] {
        topology.activeNodes.filter { $0.region == region }.map(\.http)
    }

    /// Stops every node and removes the lab's hosts and the cluster directory.
    func stop() async {
        await processes.stopAll(timeoutMs: 10_000)
        _ = try? network.lab("down")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The end of every node's log, for a failure message.
    func logTail() -> String {
        topology.nodes.map { node in
            let text = (try? String(contentsOfFile: layout.directory + "/logs/node-\(node.id).log", encoding: .utf8)) ?? ""
            return "--- node \(node.id)\n" + text.split(separator: "\n").suffix(12).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
