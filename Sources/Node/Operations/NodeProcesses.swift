import Foundation
import NIOConcurrencyHelpers

/// Child node processes (`sijil start --config ...`) started by `sijil dev` and the integration
/// test: each with its own log file, stopped with SIGTERM (graceful) or SIGKILL (a crash).
public final class NodeProcesses: Sendable {
    private let children = NIOLockedValueBox<[UInt64: Process]>([:])
    /// The exit status of each node whose last process ended and that was not started again.
    private let exits = NIOLockedValueBox<[UInt64: Int32]>([:])
    /// The `sijil` binary.
    public let executable: String
    /// The cluster directory the nodes run from.
    public let layout: ClusterLayout
    /// The command a node's process is started through, if any (the lab's
    /// `ip netns exec <host>`, so that each node runs on a host of its own).
    public let launcher: (@Sendable (UInt64) -> [String])?

    /// Creates a value from its parts.
    public init(executable: String, layout: ClusterLayout, launcher: (@Sendable (UInt64) -> [String])? = nil) {
        self.executable = executable
        self.layout = layout
        self.launcher = launcher
    }

    /// Starts node `id`, appending its output to `logs/node-<id>.log` of the cluster directory.
    /// `onExit` is called with the exit status when the process ends.
    public func start(_ id: UInt64, onExit: @escaping @Sendable (UInt64, Int32) -> Void = { _, _ in }) throws {
        let logs = layout.directory + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let logPath = logs + "/node-\(id).log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw NodeConfiguration.Problem(description: "\(logPath): cannot open") }
        log.seekToEndOfFile()
        let process = Process()
        let arguments = ["start", "--config", layout.configurationPath(node: id)]
        if let prefix = launcher?(id), let program = prefix.first {
            // `ip netns exec` execs the node in place: the process id stays the node's, so a
            // signal sent to it reaches the node.
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(prefix.dropFirst()) + [executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [children, exits] process in
            Self.retire(id, process, children: children, exits: exits)
            try? log.close()
            onExit(id, process.terminationStatus)
        }
        exits.withLockedValue { $0[id] = nil }
        children.withLockedValue { $0[id] = process }
        do {
            try process.run()
        } catch {
            children.withLockedValue { if $0[id] === process { $0[id] = nil } }
            throw error
        }
    }

    /// Nodes whose process runs.
    public var running: [UInt64] { children.withLockedValue { $0.keys.sorted() } }

    /// Nodes whose process ended (whether it was stopped or died) and was not started again,
    /// with its exit status.
    public var exited: [UInt64: Int32] { exits.withLockedValue { $0 } }

    /// The last `lines` lines of node `id`'s log.
    public func logTail(_ id: UInt64, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: layout.directory + "/logs/node-\(id).log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// The process id of a running node.
    public func pid(_ id: UInt64) -> Int32? { children.withLockedValue { $0[id]?.processIdentifier } }

    /// Sends `signal` to node `id` and waits (bounded) until it has exited. Returns false when
    /// it was not running or did not exit in time.
    @discardableResult
    public func stop(_ id: UInt64, signal: Int32 = SIGTERM, timeoutMs: UInt64 = 30_000) async -> Bool {
        guard let process = children.withLockedValue({ $0[id] }) else { return false }
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        while process.isRunning {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Self.retire(id, process, children: children, exits: exits)
        return true
    }

    /// Forgets node `id`'s ended `process` and records its exit status, unless a newer process
    /// of the node has replaced it (the termination handler and `stop` both call this).
    private static func retire(_ id: UInt64, _ process: Process, children: NIOLockedValueBox<[UInt64: Process]>,
                               exits: NIOLockedValueBox<[UInt64: Int32]>) {
        let current = children.withLockedValue { children -> Bool in
            guard children[id] === process else { return false }
            children[id] = nil
            return true
        }
        if current { exits.withLockedValue { $0[id] = process.terminationStatus } }
    }

    /// Stops every child with SIGTERM, then SIGKILL for any that does not exit in time.
    public func stopAll(timeoutMs: UInt64 = 30_000) async {
        let ids = running
        for id in ids { if let pid = pid(id) { kill(pid, SIGTERM) } }
        for id in ids {
            if await !stop(id, signal: SIGTERM, timeoutMs: timeoutMs) { await stop(id, signal: SIGKILL, timeoutMs: 5_000) }
        }
    }
}
