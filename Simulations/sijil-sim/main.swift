import ArgumentParser
import Raft
import Simulator

/// Runs seeds of the deterministic cluster simulation and reports each verdict.
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

    @Flag(name: .long, help: "Print every event of each run (use with one seed).")
    var trace = false

    @Flag(name: .long, help: "Only print failures and the summary, not one line per seed.")
    var quiet = false

    @Option(name: .long, help: "Switch on a deliberate Raft defect to show the checkers catch it: commit-old-term.")
    var broken: String?

    mutating func run() throws {
        var forcedShape: ClusterShape?
        if let shape {
            guard let parsed = ClusterShape(rawValue: shape) else { throw ValidationError("unknown shape \(shape)") }
            forcedShape = parsed
        }
        guard let chosenWorkload = Workload(rawValue: workload) else { throw ValidationError("unknown workload \(workload)") }
        var raftFaults = RaftFaults()
        if let broken {
            guard broken == "commit-old-term" else { throw ValidationError("unknown defect \(broken)") }
            raftFaults.commitsOldTermEntriesByCounting = true
        }
        var passed = 0
        var failed = 0
        var totals = FaultCounts()
        var extra = ""
        if let shape { extra += " --shape \(shape)" }
        if chosenWorkload != .registry { extra += " --workload \(workload)" }
        if noFaults { extra += " --no-faults" }
        if let broken { extra += " --broken \(broken)" }
        let clock = ContinuousClock()
        let started = clock.now
        for seed in seedStart..<(seedStart + seeds) {
            let options = SimulationOptions(seed: seed, shape: forcedShape, workload: chosenWorkload, faults: !noFaults, raftFaults: raftFaults, trace: trace)
            let result = Simulation(options: options).run()
            totals.add(result.faults)
            if trace { result.trace.forEach { print($0) } }
            let digest = String(result.digest, radix: 16)
            if result.passed {
                passed += 1
                if !quiet {
                    print("seed \(seed) \(result.shape.rawValue) digest \(digest) events \(result.events) writes \(result.writesAcknowledged) reads \(result.readsAnswered)\(result.workloadSummary.isEmpty ? "" : " (\(result.workloadSummary))") ok")
                }
            } else {
                failed += 1
                print("seed \(seed) \(result.shape.rawValue) digest \(digest) FAILED: \(result.failures[0])")
                for more in result.failures.dropFirst().prefix(4) { print("    \(more)") }
                print("    replay: swift run -c release sijil-sim --seed-start \(seed) --seeds 1\(extra) --trace")
            }
        }
        let elapsed = clock.now - started
        print("faults injected:")
        for line in totals.lines { print("  \(line)") }
        print("time: \(elapsed)")
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
