import Foundation
import Node
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A node that cannot start (here: another program already listens on its HTTP port, or on its
/// peer port) ends its process; the wait for the cluster then fails at once, names the node and
/// quotes its log, where it used to wait out its whole bound and answer only "nodes not
/// answering".
@Suite struct NodeStartFailureTests {
    @Test(arguments: ["http", "peer"])
    func aNodeWhosePortIsTakenFailsTheStartWithItsLog(port kind: String) async throws {
        let directory = TestCluster.newDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try ClusterLayout.initialize(directory: directory, plan: TestCluster.plan())
        let node = try #require(layout.topology.nodes.first { $0.id == 2 })
        let taken = try #require(HostPort(kind == "http" ? node.http : node.peer))
        let blocker = try #require(TestPorts.listen(on: taken.port), "127.0.0.1:\(taken.port) to hold")
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
            try await TestCluster.startNodes(layout: layout, processes: processes)
            return nil
        } catch let problem as NodeConfiguration.Problem {
            return problem
        } catch {
            return NodeConfiguration.Problem(description: "\(error)")
        }
    }
}
