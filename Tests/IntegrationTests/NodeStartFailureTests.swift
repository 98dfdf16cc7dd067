import Foundation
import Node
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A node that cannot start (here: another program already listens on its HTTP port, or on its
/// peer port) ends its process; the wait for the cluster then fails at once, names the node and quotes its log,
/// where it used to wait out its whole bound and answer only "nodes not answering".
@Suite struct NodeStartFailureTests {
    /// A socket listening on 127.0.0.1:`port`, closed by the caller.
    static func listen(on port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard fd >= 0, bound, Glibc.listen(fd, 8) == 0 else {
            if fd >= 0 { close(fd) }
            throw NodeConfiguration.Problem(description: "cannot listen on 127.0.0.1:\(port)")
        }
        return fd
    }

    @Test(arguments: ["http", "peer"])
    func aNodeWhosePortIsTakenFailsTheStartWithItsLog(port kind: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-it-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var plan = ClusterLayout.Plan()
        plan.clusterName = "sijil-test"
        let nodes = plan.regionalHosts.count + 1
        plan.basePort = TestPorts.reserve(offsets: (0..<nodes).flatMap { [$0, ClusterLayout.peerPortOffset + $0] })
        let layout = try ClusterLayout.initialize(directory: directory, plan: plan)
        let node = try #require(layout.topology.nodes.first { $0.id == 2 })
        let taken = try #require(HostPort(kind == "http" ? node.http : node.peer))
        let blocker = try Self.listen(on: taken.port)
        defer { close(blocker) }

        let processes = NodeProcesses(executable: try TestCluster.binary(), layout: layout)
        let outcome = await Self.startAndWait(layout: layout, processes: processes)
        // The status of the cluster with node 2 down fails, naming it.
        let status = try CommandLineErrorTests.run(["cluster", "status", "--dir", directory])
        await processes.stopAll()
        #expect(status.status == 1, "\(status.standardOutput)")
        #expect(status.standardError.contains("not healthy: node 2 unreachable"), "\(status.standardError)")
        let message = try #require(outcome, "the wait failed").description
        #expect(message.contains("node 2 exited with status"), "\(message)")
        #expect(message.contains("logs/node-2.log"), "\(message)")
        #expect(message.contains("\(taken.port)"), "the log's end names the port it could not bind: \(message)")
    }

    /// Starts every node of `layout` and waits for the cluster; returns the wait's error, nil
    /// when the cluster came up.
    static func startAndWait(layout: ClusterLayout, processes: NodeProcesses) async -> NodeConfiguration.Problem? {
        do {
            for node in layout.topology.nodes { try processes.start(node.id) }
            let http = try HTTPSClient(caCertificatePath: layout.caCertificatePath, timeoutMs: 2_000,
                                       token: try DevTokens.token("operator", layout: layout))
            try await DevCluster.waitUntilReady(topology: layout.topology, http: http, timeoutMs: CrashRecoveryTests.waitMs, processes: processes)
            return nil
        } catch let problem as NodeConfiguration.Problem {
            return problem
        } catch {
            return NodeConfiguration.Problem(description: "\(error)")
        }
    }
}
