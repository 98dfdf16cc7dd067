import Foundation
import Node
import Registry
import Testing
import TestSupport

/// A cluster of real `sijil start` processes in a temporary directory, on free loopback ports.
struct TestCluster {
    let layout: ClusterLayout
    let processes: NodeProcesses

    /// The `sijil` binary built beside the test bundle (or `SIJIL_BINARY`).
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SIJIL_BINARY"] { return path }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = me.deletingLastPathComponent()
        // The test bundle may be a directory (`.xctest`) whose executable sits inside it.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sijil").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw NodeConfiguration.Problem(description: "no sijil binary next to \(me.path): run `swift build` first")
    }

    /// The test cluster's plan (the region's nodes and the centre), on ports reserved for it.
    static func plan() -> ClusterLayout.Plan {
        var plan = ClusterLayout.Plan()
        plan.clusterName = "sijil-test"
        let nodes = plan.regionalHosts.count + 1
        plan.basePort = TestPorts.reserve(offsets: (0..<nodes).flatMap { [$0, ClusterLayout.peerPortOffset + $0] })
        return plan
    }

    /// Starts every node of `layout` and waits until the cluster is ready.
    static func startNodes(layout: ClusterLayout, processes: NodeProcesses) async throws {
        for node in layout.topology.nodes { try processes.start(node.id) }
        let http = try HTTPSClient(caCertificatePath: layout.caCertificatePath, timeoutMs: 2_000,
                                   token: try DevTokens.token("operator", layout: layout))
        try await DevCluster.waitUntilReady(topology: layout.topology, http: http, timeoutMs: CrashRecoveryTests.waitMs, processes: processes)
    }

    /// A new cluster directory for a test (removed by `stop`).
    static func newDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sijil-it-\(UUID().uuidString)").path
    }

    /// Starts the nodes of `layout`, or of a new cluster made from `plan()`.
    static func start(layout: ClusterLayout? = nil) async throws -> TestCluster {
        let layout = try layout ?? ClusterLayout.initialize(directory: newDirectory(), plan: plan())
        let processes = NodeProcesses(executable: try binary(), layout: layout)
        let cluster = TestCluster(layout: layout, processes: processes)
        do {
            try await startNodes(layout: layout, processes: processes)
        } catch {
            Issue.record("the cluster did not start; node logs:\n\(cluster.logTail())")
            await cluster.stop()
            throw error
        }
        return cluster
    }

    /// Runs `body` on a new cluster (or on the nodes of `layout`) and stops it afterwards, also when `body` fails (the end of
    /// every node's log is recorded first: the logs go with the directory).
    static func with(layout: ClusterLayout? = nil, _ body: (TestCluster) async throws -> Void) async throws {
        let cluster = try await start(layout: layout)
        do {
            try await body(cluster)
        } catch {
            Issue.record("node logs:\n\(cluster.logTail())")
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// A client with a token of `role` (as `DevTokens` issues them).
    func http(_ role: String) throws -> HTTPSClient {
        try HTTPSClient(caCertificatePath: layout.caCertificatePath, token: try DevTokens.token(role, layout: layout))
    }

    /// Stops every process (SIGTERM, then SIGKILL) and removes the directory.
    func stop() async {
        await processes.stopAll()
        try? FileManager.default.removeItem(atPath: layout.directory)
    }

    /// The end of every node's log, for a failure message.
    func logTail() -> String {
        layout.topology.nodes.map { "--- node \($0.id)\n" + processes.logTail($0.id) }.joined(separator: "\n")
    }
}

/// Polls `condition` every 100 ms until it holds, failing after `timeoutMs`: a wait on a state
/// of real processes, whose bound is a failure, never a pass.
func waitUntil(_ what: String, timeoutMs: UInt64, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}

/// Births for the test, one per (writer, n), valid on the day of `recordedAt`.
enum TestActs {
    static func birth(office: UInt32, writer: Int, n: Int, recordedAt: Timestamp) throws -> [UInt8] {
        let given = ["Yassine", "Salma", "Amine", "Imane", "Idir", "Aya", "Hamza", "Nora"][(writer + n) % 8]
        let givenArabic = ["ياسين", "سلمى", "أمين", "إيمان", "إدير", "آية", "حمزة", "نورة"][(writer + n) % 8]
        let father = PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"), familyName: Name(arabic: "العلوي", latin: "El Alaoui"))
        let mother = PersonName(givenName: Name(arabic: "فاطمة", latin: "Fatima"), familyName: Name(arabic: "بناني", latin: "Bennani"))
        // Within the 30 days of a declaration whatever `n` (law 37-99): later needs a judgment.
        let born = GregorianDate(daysSinceEpoch: recordedAt.date.daysSinceEpoch - 1 - n % 25)
        let declaration = BirthDeclaration(
            office: OfficeCode(office), child: PersonName(givenName: Name(arabic: givenArabic, latin: given), familyName: father.familyName),
            sex: (writer + n) % 2 == 0 ? .male : .female, birthDate: DualDate(gregorian: born), birthTime: TimeOfDay(hour: writer % 24, minute: n % 60),
            birthPlace: Place(arabic: "الرباط", latin: "Rabat"), father: ParentRecord(name: father, nationality: "مغربية / marocaine"),
            mother: ParentRecord(name: mother, nationality: "مغربية / marocaine"), declarant: Declarant(name: father, relation: .father))
        let officer = OfficerRef(identifier: "OEC-TEST-\(writer)", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(RegisterBirthBody(officer: officer, declaration: declaration, recordedAt: recordedAt)))
    }
}

extension HTTPSClient.Response {
    /// A registry write that took effect: 201, or 200 with `duplicate` when `RegistryClient`'s
    /// retry of the same request (after a 503 or no answer, as on a loaded machine) found it
    /// already written. Which of the two a write gets depends on timing, not on the register.
    var wasWritten: Bool {
        status == 201 || (status == 200 && (try? decode(WriteResponse.self))?.duplicate == true)
    }
}
