import ArgumentParser
import Foundation
import Node

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Create and operate a cluster.",
        subcommands: [Init.self, Status.self, AddRegion.self, AddNode.self, ReplaceNode.self, RemoveNode.self, TransferLeader.self,
                      SetDurability.self, SplitShard.self, PushTopology.self, FillGroups.self, Verify.self, DeathMentionsCommand.self, RenewCert.self, ReloadCert.self, Backup.self, Restore.self,
                      RecoverRegion.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a cluster directory: topology, node configurations, CA and node certificates, signing key.")
        @Option(name: .long, help: "Directory to create.") var dir: String
        @Option(name: .long, help: "Cluster name.") var name = "sijil"
        @Option(name: .long, help: "Region key.") var region = "RSK"
        @Option(name: .customLong("region-code"), help: "Official region number (04 for Rabat-Salé-Kénitra).") var regionCode: UInt8 = 4
        @Option(name: .long, help: "Regional node hosts, comma-separated (one node each).") var hosts = "127.0.0.1,127.0.0.1,127.0.0.1"
        @Option(name: .customLong("center-host"), help: "Host of the national centre; empty for none.") var centerHost = "127.0.0.1"
        @Option(name: .long, help: "Shard groups of the region.") var shards = 2
        @Option(name: .long, help: "center or region.") var durability = "center"
        @Option(name: .customLong("base-port"), help: "Node k serves HTTP on P+k and its peers on P+100+k.") var basePort = 7400
        @Option(name: .long, help: "A cluster plan (Cluster/topologies/*.toml) instead of the options above.") var plan: String?
        @Option(name: .long, help: "With --plan: the regions to start with, comma-separated (default: the plan's first).") var regions: String?
        @Option(name: .long, help: "With --plan: the roll-out roadmap.") var roadmap = "Cluster/roadmap.toml"

        func run() throws {
            if let planPath = plan {
                let layout = try ClusterLayout.initialize(
                    directory: dir, plan: try ClusterPlan.load(path: planPath), regions: regions.map { $0.split(separator: ",").map(String.init) } ?? [],
                    roadmap: try Roadmap.load(path: roadmap))
                return report(layout)
            }
            var plan = ClusterLayout.Plan()
            plan.clusterName = name
            plan.regionKey = region
            plan.regionCode = regionCode
            plan.regionalHosts = hosts.split(separator: ",").map(String.init)
            plan.centerHost = centerHost.isEmpty ? nil : centerHost
            plan.shardCount = shards
            plan.durability = durability
            plan.basePort = basePort
            report(try ClusterLayout.initialize(directory: dir, plan: plan))
        }

        func report(_ layout: ClusterLayout) {
            print("wrote \(layout.topologyPath)")
            for node in layout.topology.nodes {
                print("node \(node.id): \(layout.configurationPath(node: node.id)) http \(node.http) peer \(node.peer)")
            }
            for region in layout.topology.regions {
                print("region \(region.key): groups \(region.shards.map { String($0.group) }.joined(separator: ",")), \(region.durability) durability")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every group: region, leader, members, commit index, lag, centre lag, health.",
            discussion: "Exit status 0 when every node answered and every group is ok; 1 otherwise (the problems are named on standard error).")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let http = try connection.http(role: "operator", timeoutMs: 3_000)
            let topology: ClusterTopology
            if let loaded = try connection.loadTopology() {
                topology = loaded
            } else if let node = connection.node {
                let view = try await http.send("GET", node, "/v1/cluster/status").decode(NodeStatusBody.self)
                topology = try await http.send("GET", view.http.isEmpty ? node : view.http, "/v1/cluster/topology").decode(ClusterTopology.self)
            } else {
                throw ValidationError("give --dir, --topology or --node")
            }
            let report = await ClusterStatusReport.collect(topology: topology, client: http)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table())
            }
            // For scripts and monitoring: the status fails when the cluster is not healthy.
            let problems = report.problems
            if !problems.isEmpty {
                FileHandle.standardError.write(Data("not healthy: \(problems.joined(separator: "; "))\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// Finds each group's leader and sends it one administrative request.
    static func onLeaders(_ connection: ConnectionOptions, groups: (ClusterTopology) -> [UInt64],
                          path: (UInt64) -> String, body: some Encodable & Sendable) async throws {
        guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
        let http = try connection.http(role: "operator")
        let report = await ClusterStatusReport.collect(topology: topology, client: http)
        var failed = false
        for group in groups(topology) {
            guard let leader = report.rows.first(where: { $0.group == group })?.leader, let node = topology.node(leader) else {
                print("group \(group): no leader known; try again")
                failed = true
                continue
            }
            let response = try await http.sendJSON("POST", node.http, path(group), body)
            print("group \(group) (leader \(leader)): HTTP \(response.status) \(response.text)")
            if response.status != 200 { failed = true }
        }
        if failed { throw ExitCode(1) }
    }

    struct AddNode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-node",
            abstract: "Add a node, already in topology.toml and started, to its region's groups (as learner, or voter with --voter).")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "Node id.") var id: UInt64
        @Flag(name: .long, help: "Make it a voter (after it caught up as a learner).") var voter = false

        func run() async throws {
            guard let topology = try connection.loadTopology(), let node = topology.node(id) else {
                throw ValidationError("node \(id) is not in the topology: add it to topology.toml first")
            }
            let http = try connection.http(role: "operator")
            for other in topology.nodes where other.id != id {
                let response = try? await http.send("POST", other.http, "/v1/admin/peers/reload")
                print("node \(other.id): peers reloaded: HTTP \(response?.status ?? 0)")
            }
            try await ClusterCommand.onLeaders(
                connection, groups: { $0.regions.first { $0.key == node.region }?.shards.map(\.group) ?? [] },
                path: { "/v1/cluster/groups/\($0)/members" }, body: MembershipBody(operation: voter ? "addVoter" : "addLearner", node: id))
        }
    }

    struct TransferLeader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "transfer-leader", abstract: "Hand a group's leadership to another voter.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "Group id.") var group: UInt64
        @Option(name: .long, help: "Target node id.") var to: UInt64

        func run() async throws {
            try await ClusterCommand.onLeaders(
                connection, groups: { _ in [group] }, path: { "/v1/cluster/groups/\($0)/transfer-leader" }, body: TransferLeaderBody(to: to))
        }
    }

    struct SetDurability: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-durability", abstract: "Move a region's groups between center and region durability (works with the centre unreachable).")
        @Argument(help: "Region key (or --region).") var regionArgument: String?
        @Argument(help: "center or region (or --mode).") var modeArgument: String?
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("region"), help: "Region key.") var regionOption: String?
        @Option(name: .customLong("mode"), help: "center or region.") var modeOption: String?
        @Option(name: .customLong("wait-ms"), help: "How long to wait for each group's leader.") var waitMs: UInt64 = 60_000

        func run() async throws {
            guard let region = regionArgument ?? regionOption, let mode = modeArgument ?? modeOption else {
                throw ValidationError("give the region and the mode: sijil cluster set-durability RSK region")
            }
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
            let admin = ClusterAdmin(http: try connection.http(timeoutMs: 3_000), waitMs: waitMs, say: { say($0) })
            try await admin.setDurability(region: region, mode: mode, topology)
            // The groups switched through their logs; the topology records the mode new groups
            // of the region start with. A node that is unreachable (the centre, typically)
            // takes it at the next push.
            guard let dir = connection.dir else { return }
            var layout = try ClusterLayout.open(directory: dir)
            guard layout.topology.region(region)?.durability != mode else { return }
            let next = try layout.topology.settingDurability(region: region, mode: mode)
            try layout.save(next)
            let refused = await admin.push(next)
            if !refused.isEmpty {
                print("nodes \(refused.keys.sorted().map(String.init).joined(separator: ",")) did not take topology version \(next.effectiveVersion): run `sijil cluster push-topology --dir \(dir)` once they answer")
            }
        }
    }
}
