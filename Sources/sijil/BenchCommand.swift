import ArgumentParser
import Foundation
import Node

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load generator against a running cluster: registrations, reads, a mix, or bulk import.",
        discussion: """
            Clients run in a closed loop (one request in flight each) over kept-alive TLS connections, \
            for a warm-up that is not counted and then the measured duration. Prints throughput and \
            latency percentiles (p50, p99, p99.9, max); --json prints one JSON line with the same \
            fields as the etcd and PostgreSQL anchor results.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .long, help: "register, read, mixed, import or ping (GET /healthz: the HTTPS ceiling).") var workload: BenchSettings.Workload = .register
    @Option(name: [.short, .long], help: "Concurrent clients.") var concurrency = 1
    @Option(name: .long, help: "Seconds measured.") var duration = 25.0
    @Option(name: .long, help: "Seconds of warm-up before measuring.") var warmup = 2.0
    @Option(name: .customLong("act-bytes"), help: "Approximate size of an act's JSON body.") var actBytes = 1_500
    @Option(name: .customLong("read-percent"), help: "Share of reads in the mixed workload.") var readPercent = 90
    @Option(name: .customLong("batch"), help: "Acts per import request (at most 256).") var batch = 256
    @Option(name: .long, help: "Offices the acts are spread over.") var offices = 24
    @Option(name: .long, help: "leader (send to each group's leader) or any (round-robin; followers forward).") var routing: BenchSettings.Routing = .leader
    @Option(name: .long, help: "A label copied into the result.") var label = ""
    @Flag(name: .long, help: "Print one JSON line instead of text.") var json = false

    func run() async throws {
        guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology (with --ca)") }
        var settings = BenchSettings()
        settings.workload = workload
        settings.concurrency = concurrency
        settings.durationSeconds = duration
        settings.warmupSeconds = warmup
        settings.actBytes = actBytes
        settings.readPercent = readPercent
        settings.importBatchActs = batch
        settings.officeCount = offices
        settings.routing = routing
        settings.label = label
        let problems = settings.problems()
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        // Acts, reads and imports as the region's registrar; the leaders learned as an operator.
        let runner = BenchRunner(settings: settings, topology: topology, caCertificatePath: try connection.caPath(),
                                 token: try connection.accessToken(role: "registrar"),
                                 status: try connection.http(role: "operator", timeoutMs: 3_000))
        let quiet = json
        let result = try await runner.run(say: { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        })
        print(json ? result.jsonLine() : result.text())
    }
}

extension BenchSettings.Workload: ExpressibleByArgument {}
extension BenchSettings.Routing: ExpressibleByArgument {}
