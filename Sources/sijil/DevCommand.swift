import ArgumentParser
import Dispatch
import Foundation
import Node

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run Rabat-Salé-Kénitra (three nodes) and the national centre on loopback, with sample acts.")

    @Option(name: .long, help: "Data directory (reused when it already holds a cluster).")
    var dir = "dev-data"
    @Option(name: .customLong("base-port"), help: "First port: node k serves HTTP on P+k and its peers on P+100+k.")
    var basePort = 7400
    @Option(name: .long, help: "Shard groups of the region (for a new directory).")
    var shards = 2

    func run() async throws {
        let directory = URL(fileURLWithPath: dir).standardizedFileURL.path
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let stopping = StopSignal()
        stopping.install()
        var dev = DevCluster(directory: directory, basePort: basePort, executable: executable)
        dev.shardCount = shards
        let (processes, layout, _) = try await dev.start(
            say: { emit($0) },
            onExit: { node, status in
                if !stopping.isSet { stopping.fire("node \(node) exited with status \(status)") }
            })
        for node in layout.topology.nodes {
            emit("node \(node.id) (\(node.isCenter ? "national centre" : node.region)): https://\(node.http)")
        }
        emit("CA certificate: \(layout.caCertificatePath)")
        for token in try DevTokens.write(layout: layout) {
            emit("token \(token.name) (\(token.description)): \(layout.directory)/tokens/\(token.name).token")
        }
        if let first = layout.topology.nodes.first {
            emit("console: https://\(first.http)/console/fr (French), https://\(first.http)/console/ar (Arabic)")
        }
        emit("ready")
        let reason = await stopping.wait()
        emit("stopping (\(reason))")
        await processes.stopAll()
        emit("stopped")
        if !reason.hasPrefix("signal") { throw ExitCode(1) }
    }
}

/// SIGINT/SIGTERM (or a node dying) as one awaitable event.
final class StopSignal: @unchecked Sendable {
    // `@unchecked Sendable`: `reason` and `waiter` are only touched under `lock`; the signal
    // sources are created once in `install` and only kept alive.
    private let lock = NSLock()
    private var reason: String?
    private var waiter: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    var isSet: Bool { lock.withLock { reason != nil } }

    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.fire(number == SIGINT ? "signal SIGINT" : "signal SIGTERM") }
            source.resume()
            sources.append(source)
        }
    }

    func fire(_ why: String) {
        let waiting: CheckedContinuation<String, Never>? = lock.withLock {
            guard reason == nil else { return nil }
            reason = why
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: why)
    }

    func wait() async -> String {
        await withCheckedContinuation { continuation in
            let already: String? = lock.withLock {
                if let reason { return reason }
                waiter = continuation
                return nil
            }
            if let already { continuation.resume(returning: already) }
        }
    }
}

/// Writes one line to standard output at once (unbuffered: `ready` is what scripts wait for,
/// also through a pipe or a file).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
