import ArgumentParser
import Foundation
import Raft
import Simulator
import Synchronization

/// Runs seeds of the deterministic cluster simulation and reports each verdict.
///
/// Seeds run in worker processes (one per core by default), so a crash on one seed (a failed
/// `precondition`) is reported as that seed's failure, with its replay command, and the sweep
/// goes on.
@main
struct SijilSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sijil-sim",
        abstract: "Deterministic simulation of Sijil clusters under faults.",
        discussion: "Runs seeds S to S+N-1. Exits 0 only if every seed passes. Each failure prints the command that replays it.")

    @Option(name: .long, help: "First seed.")
    var seedStart: UInt64 = 1

    @Option(name: .long, help: "How many seeds to run.")
    var seeds: UInt64 = 100

    @Option(name: .long, help: "Force a cluster shape (one-region or two-regions) instead of drawing it from the seed.")
    var shape: String?

    @Option(name: .long, help: "What the clients do: registry (civil-status acts, the default) or kv (a keyed register per key).")
    var workload: String = Workload.registry.rawValue

    @Flag(name: .long, help: "Run without faults.")
    var noFaults = false

    @Option(name: .long, help: "Play a scripted schedule instead of random faults: figure-8.")
    var scenario: String?

    @Option(name: .long, help: "Fault profile: standard, leader-churn or roll-out.")
    var profile: String = "standard"

    @Flag(name: .long, help: "Print every event of each run (use with one seed).")
    var trace = false

    @Flag(name: .long, help: "Only print failures and the summary, not one line per seed.")
    var quiet = false

    @Option(name: .long, help: "Switch on a deliberate defect to show the checkers catch it: commit-old-term, vote-ignoring-logs, or (with --profile roll-out) lose-region-in-region-durability.")
    var broken: String?

    @Option(name: .long, help: "Worker processes (default: one per core; 0 runs in this process).")
    var jobs: Int?

    @Flag(name: .long, help: .hidden)
    var worker = false

    mutating func run() throws {
        let setup = try Setup(shape: shape, workload: workload, noFaults: noFaults, broken: broken, trace: trace, profile: profile, scenario: scenario)
        if worker {
            for seed in seedStart..<(seedStart + seeds) {
                let result = Simulation(options: setup.options(seed: seed)).run()
                // Unbuffered: if a later seed crashes the worker, this line is already out.
                FileHandle.standardOutput.write(Data((WorkerLine.encode(result) + "\n").utf8))
            }
            return
        }
        let clock = ContinuousClock()
        let started = clock.now
        var report = Report(quiet: quiet, replayExtra: setup.replayExtra)
        let jobCount = trace || seeds == 1 ? 0 : (jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        if jobCount == 0 {
            for seed in seedStart..<(seedStart + seeds) {
                let result = Simulation(options: setup.options(seed: seed)).run()
                if trace { result.trace.forEach { print($0) } }
                report.add(WorkerLine.Outcome(result))
            }
        } else {
            try runWorkers(jobCount, report: &report)
        }
        print("faults injected:")
        for line in report.totals.lines { print("  \(line)") }
        print("time: \(clock.now - started)")
        print("\(report.passed) passed, \(report.failed) failed")
        if report.failed > 0 { throw ExitCode(1) }
    }

    /// Splits the seeds into contiguous ranges, one worker process each; a worker that dies
    /// marks the seed it was on as failed, and a new worker takes the rest of its range.
    private func runWorkers(_ count: Int, report: inout Report) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let all = Array(seedStart..<(seedStart + seeds))
        let perWorker = (all.count + count - 1) / count
        var ranges: [[UInt64]] = stride(from: 0, to: all.count, by: max(perWorker, 1)).map { Array(all[$0..<min($0 + perWorker, all.count)]) }
        var outcomes: [UInt64: WorkerLine.Outcome] = [:]
        while !ranges.isEmpty {
            let batch = ranges
            ranges = []
            let finished = Mutex<[(range: [UInt64], lines: [WorkerLine.Outcome], status: Int32)]>([])
            let group = DispatchGroup()
            for range in batch {
                group.enter()
                let arguments = ["--seed-start", String(range[0]), "--seeds", String(range.count), "--worker"] + forwardedArguments
                Thread.detachNewThread {
                    let (lines, status) = Self.runWorker(executable: executable, arguments: arguments)
                    finished.withLock { $0.append((range, lines, status)) }
                    group.leave()
                }
            }
            group.wait()
            for item in finished.withLock({ $0 }) {
                for line in item.lines { outcomes[line.seed] = line }
                let done = Set(item.lines.map(\.seed))
                let missing = item.range.filter { !done.contains($0) }
                if let crashed = missing.first {
                    outcomes[crashed] = WorkerLine.Outcome(
                        seed: crashed, shape: "?", passed: false, digest: 0, events: 0, writes: 0, reads: 0,
                        faults: FaultCounts(), summary: "", failures: ["the simulation crashed (worker exit status \(item.status)): a precondition failed"])
                    let rest = Array(missing.dropFirst())
                    if !rest.isEmpty { ranges.append(rest) }
                }
            }
        }
        for seed in all { report.add(outcomes[seed]!) }
    }

    private var forwardedArguments: [String] {
        var arguments: [String] = []
        if let shape { arguments += ["--shape", shape] }
        if noFaults { arguments.append("--no-faults") }
        arguments += ["--workload", workload]
        arguments += ["--profile", profile]
        if let scenario { arguments += ["--scenario", scenario] }
        if let broken { arguments += ["--broken", broken] }
        return arguments
    }

    private static func runWorker(executable: String, arguments: [String]) -> ([WorkerLine.Outcome], Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return ([], -1) }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return (text.split(separator: "\n").compactMap { WorkerLine.decode(String($0)) }, process.terminationStatus)
    }
}

/// The options every run shares.
struct Setup {
    var forcedShape: ClusterShape?
    var raftFaults = RaftFaults()
    var faults: Bool
    var trace: Bool
    var profile: FaultProfile
    var scenario: Scenario?
    var workload: Workload
    var replayExtra = ""
    var losesRegionInRegionDurability = false

    init(shape: String?, workload: String, noFaults: Bool, broken: String?, trace: Bool, profile: String, scenario: String?) throws {
        guard let parsedWorkload = Workload(rawValue: workload) else { throw ValidationError("unknown workload \(workload)") }
        self.workload = parsedWorkload
        if parsedWorkload != .registry { replayExtra += " --workload \(workload)" }
        if let scenario {
            guard let parsed = Scenario(rawValue: scenario) else { throw ValidationError("unknown scenario \(scenario)") }
            self.scenario = parsed
            replayExtra += " --scenario \(scenario)"
        }
        guard let parsedProfile = FaultProfile(rawValue: profile) else { throw ValidationError("unknown profile \(profile)") }
        self.profile = parsedProfile
        if parsedProfile != .standard { replayExtra += " --profile \(profile)" }
        if let shape {
            guard let parsed = ClusterShape(rawValue: shape) else { throw ValidationError("unknown shape \(shape)") }
            forcedShape = parsed
            replayExtra += " --shape \(shape)"
        }
        if let broken {
            switch broken {
            case "commit-old-term": raftFaults.commitsOldTermEntriesByCounting = true
            case "vote-ignoring-logs": raftFaults.grantsVotesIgnoringLogs = true
            case "lose-region-in-region-durability":
                guard profile == FaultProfile.rollOut.rawValue else { throw ValidationError("lose-region-in-region-durability needs --profile roll-out") }
                losesRegionInRegionDurability = true
            default: throw ValidationError("unknown defect \(broken)")
            }
            replayExtra += " --broken \(broken)"
        }
        if noFaults { replayExtra += " --no-faults" }
        faults = !noFaults
        self.trace = trace
    }

    func options(seed: UInt64) -> SimulationOptions {
        var options = SimulationOptions(
            seed: seed, shape: forcedShape, workload: scenario == nil ? workload : .kv, faults: faults, profile: profile,
            scenario: scenario, raftFaults: raftFaults, trace: trace)
        options.rollOutLosesInRegionDurability = losesRegionInRegionDurability
        return options
    }
}

/// Accumulates verdicts and prints them.
struct Report {
    var quiet: Bool
    var replayExtra: String
    var passed = 0
    var failed = 0
    var totals = FaultCounts()

    mutating func add(_ outcome: WorkerLine.Outcome) {
        totals.add(outcome.faults)
        let digest = String(outcome.digest, radix: 16)
        if outcome.passed {
            passed += 1
            if !quiet {
                let summary = outcome.summary.isEmpty ? "" : " (\(outcome.summary))"
                print("seed \(outcome.seed) \(outcome.shape) digest \(digest) events \(outcome.events) writes \(outcome.writes) reads \(outcome.reads)\(summary) ok")
            }
        } else {
            failed += 1
            print("seed \(outcome.seed) \(outcome.shape) digest \(digest) FAILED: \(outcome.failures.first ?? "?")")
            for more in outcome.failures.dropFirst().prefix(4) { print("    \(more)") }
            print("    replay: swift run -c release sijil-sim --seed-start \(outcome.seed) --seeds 1\(replayExtra) --trace")
        }
    }
}

/// One seed's verdict as a worker prints it: a tab-separated line.
enum WorkerLine {
    struct Outcome {
        var seed: UInt64
        var shape: String
        var passed: Bool
        var digest: UInt64
        var events: Int
        var writes: Int
        var reads: Int
        var faults: FaultCounts
        var summary: String
        var failures: [String]

        init(seed: UInt64, shape: String, passed: Bool, digest: UInt64, events: Int, writes: Int, reads: Int, faults: FaultCounts, summary: String, failures: [String]) {
            self.seed = seed
            self.shape = shape
            self.passed = passed
            self.digest = digest
            self.events = events
            self.writes = writes
            self.reads = reads
            self.faults = faults
            self.summary = summary
            self.failures = failures
        }

        init(_ result: SimulationResult) {
            self.init(seed: result.seed, shape: result.shape.rawValue, passed: result.passed, digest: result.digest,
                      events: result.events, writes: result.writesAcknowledged, reads: result.readsAnswered,
                      faults: result.faults, summary: result.workloadSummary, failures: result.failures)
        }
    }

    static func encode(_ result: SimulationResult) -> String {
        let failures = result.failures.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        return (["@result", String(result.seed), result.shape.rawValue, result.passed ? "1" : "0", String(result.digest),
                 String(result.events), String(result.writesAcknowledged), String(result.readsAnswered),
                 result.faults.values.map(String.init).joined(separator: ","), result.workloadSummary.replacingOccurrences(of: "\t", with: " ")] + failures)
            .joined(separator: "\t")
    }

    static func decode(_ line: String) -> Outcome? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 10, fields[0] == "@result", let seed = UInt64(fields[1]), let digest = UInt64(fields[4]),
              let events = Int(fields[5]), let writes = Int(fields[6]), let reads = Int(fields[7]),
              let faults = FaultCounts(values: fields[8].split(separator: ",").compactMap { Int($0) }) else { return nil }
        return Outcome(seed: seed, shape: fields[2], passed: fields[3] == "1", digest: digest, events: events, writes: writes,
                       reads: reads, faults: faults, summary: fields[9], failures: Array(fields.dropFirst(10)))
    }
}
