import ArgumentParser
import Foundation
import Node

/// The cluster's recurring upkeep: node certificates before they end, death mentions the nodes
/// could not write.
extension ClusterCommand {
    struct RenewCert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "renew-cert",
            abstract: "Write a new key and certificate for nodes whose certificate nears its end (the cluster CA signs them); restart each node to take it.")
        @Option(name: .long, help: "Cluster directory (certs/ca.key signs).") var dir: String
        @Option(name: .long, parsing: .upToNextOption, help: "The node ids (every active node when absent).") var node: [UInt64] = []

        func run() throws {
            let layout = try ClusterLayout.open(directory: dir)
            let ids = node.isEmpty ? layout.topology.activeNodes.map(\.id) : node
            let renewed = try layout.renewCertificates(ids)
            let iso = ISO8601DateFormatter()
            for id in ids {
                guard let (notAfter, serial, _) = renewed[id] else { continue }
                print("node \(id): \(dir)/certs/node-\(id).pem and .key renewed, serial \(serial), valid until \(iso.string(from: notAfter))")
            }
            if let (notAfter, _, authority) = renewed.values.first, authority.timeIntervalSince(notAfter) < 86_400 {
                print("shortened to the cluster CA's end (\(iso.string(from: authority))): a new CA must be made and distributed before then")
            }
            print("copy each node's two files to its host, over the files its configuration names, then run `sijil cluster reload-cert` (or restart the nodes one at a time); cluster status shows each node's certificate dates")
        }
    }

    struct ReloadCert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reload-cert",
            abstract: "Have running nodes read their certificate and key files again and present them from the next connection on, without a restart.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, parsing: .upToNextOption, help: "The node ids (every active node when absent).") var id: [UInt64] = []

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
            let http = try connection.http(role: "operator")
            var failed = false
            for nodeID in id.isEmpty ? topology.activeNodes.map(\.id) : id {
                guard let node = topology.node(nodeID) else { throw ValidationError("no node \(nodeID) in the topology") }
                guard let response = try? await http.send("POST", node.http, "/v1/admin/certificate/reload") else {
                    print("node \(nodeID): unreachable at \(node.http)")
                    failed = true
                    continue
                }
                if response.status == 200, let body = try? response.decode(CertificateReloadedBody.self) {
                    print("node \(nodeID): presents serial \(body.certificateSerial), valid until \(body.certificateNotAfter)")
                } else {
                    print("node \(nodeID): HTTP \(response.status) \(response.text)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct DeathMentionsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "death-mentions",
            abstract: "Put on each birth act the death mention its death act calls for, where it is missing (a region's death registers; idempotent).")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "Region key: its death registers are read (every region when absent).") var region: String?
        @Option(name: .long, help: "Only the death registers of this year.") var year: Int?
        @Flag(name: .long, help: "Print JSON (one report per region).") var json = false

        func run() async throws {
            guard let dir = connection.dir else { throw ValidationError("give --dir: the sweep reads and writes acts as a registrar of each region, with the cluster's token key") }
            let layout = try ClusterLayout.open(directory: dir)
            let quiet = json
            let admin = ClusterAdmin(http: try connection.http(), say: { if !quiet { say($0) } })
            let sweep = DeathMentionSweep(topology: layout.topology, admin: admin) { region in try layout.registrarClient(region: region) }
            var reports: [DeathMentionSweep.Report] = []
            for key in region.map({ [$0] }) ?? layout.topology.regions.map(\.key) {
                let report = try await sweep.run(region: key, year: year)
                reports.append(report)
                if json { continue }
                for finding in report.findings where finding.outcome == "not_written" || finding.outcome == "other" {
                    print("  \(finding.deathAct) -> \(finding.birthAct): \(finding.outcome) \(finding.code ?? "") \(finding.message ?? "")")
                }
                print("\(key): \(report.deathActsRead) death acts read, \(report.findings.count) naming a birth act: \(report.count("written")) mentions written now, \(report.count("present")) already there, \(report.count("other")) birth acts with another death act's mention, \(report.count("not_written")) not written")
            }
            if json { try ClusterCommand.printJSON(reports) }
        }
    }
}
