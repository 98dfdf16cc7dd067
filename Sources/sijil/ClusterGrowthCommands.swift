import ArgumentParser
import Foundation
import Node

/// Prints a progress line at once, even when standard output is a file or a pipe (the
/// operator, or a script, follows a command that waits for minutes).
func say(_ line: String) {
    print(line)
    // Flushes every output stream (`stdout` itself is a C global Swift 6 will not touch).
    fflush(nil)
}

/// Options shared by the commands that change a running cluster's shape.
struct GrowthOptions: ParsableArguments {
    @Option(name: .long, help: "The roll-out roadmap (default: Cluster/roadmap.toml).")
    var roadmap = "Cluster/roadmap.toml"
    @Option(name: .customLong("wait-ms"), help: "Bound of every wait (new nodes starting, members catching up, leaders).")
    var waitMs: UInt64 = 600_000

    func loadRoadmap() throws -> Roadmap {
        guard FileManager.default.fileExists(atPath: roadmap) else { throw ValidationError("\(roadmap): no roadmap there; give --roadmap") }
        return try Roadmap.load(path: roadmap)
    }
}

extension ClusterCommand {
    /// The cluster directory, the admin client and the operations over them. New nodes are
    /// started by the operator: the command prints how, then waits for them.
    static func operations(_ connection: ConnectionOptions, waitMs: UInt64) throws -> RegionOperations {
        guard let dir = connection.dir else { throw ValidationError("give --dir: the cluster directory (it receives the new nodes' files)") }
        let layout = try ClusterLayout.open(directory: dir)
        let admin = ClusterAdmin(http: try connection.http(), waitMs: waitMs,
                                 actReader: { region in try layout.registrarClient(region: region) }, say: { say($0) })
        return RegionOperations(layout: layout, admin: admin) { nodes in
            say("start the new nodes now, each on its host (the command waits for them):")
            for node in nodes {
                say("  node \(node.id) (\(node.http)): sijil start --config \(layout.configurationPath(node: node.id))")
            }
        }
    }

    struct AddRegion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-region",
            abstract: "Add a region (its nodes and shard groups, replicated on the centre) to the running cluster.")
        @Argument(help: "Region key, as in the roadmap (e.g. CS).") var region: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var growth: GrowthOptions
        @Option(name: .long, help: "Cluster plan (Cluster/topologies/*.toml) giving the region's nodes.") var plan: String?
        @Option(name: .long, help: "The region's node hosts, comma-separated (instead of --plan).") var hosts: String?
        @Option(name: .long, help: "Shard groups (default: the plan's, else the roadmap's).") var shards: Int?
        @Option(name: .long, help: "center or region (default: the roadmap's).") var durability: String?

        func run() async throws {
            var operations = try ClusterCommand.operations(connection, waitMs: growth.waitMs)
            let source = try ClusterCommand.newNodes(plan: plan, hosts: hosts)
            let topology = try await operations.addRegion(region, nodes: source, roadmap: try growth.loadRoadmap(), shards: shards, durability: durability)
            print("region \(region) serves: topology version \(topology.effectiveVersion)")
        }
    }

    static func newNodes(plan: String?, hosts: String?) throws -> RegionOperations.NewNodes {
        switch (plan, hosts) {
        case (let plan?, nil): return .plan(try ClusterPlan.load(path: plan))
        case (nil, let hosts?): return .hosts(hosts.split(separator: ",").map(String.init))
        default: throw ValidationError("give either --plan or --hosts")
        }
    }

    struct ReplaceNode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replace-node",
            abstract: "Replace a regional node by a new one on another host, in every group; the old node is retired.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var growth: GrowthOptions
        @Option(name: .long, help: "The node to replace.") var id: UInt64
        @Option(name: .long, help: "Host of the new node.") var host: String

        func run() async throws {
            var operations = try ClusterCommand.operations(connection, waitMs: growth.waitMs)
            let fresh = try await operations.replaceNode(id, host: host)
            print("node \(id) replaced by node \(fresh.id) (\(fresh.http)); node \(id) is retired: stop it and wipe its data directory")
        }
    }

    struct RemoveNode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-node", abstract: "Remove a node from every group it is a member of, then retire it.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var growth: GrowthOptions
        @Option(name: .long, help: "Node id.") var id: UInt64

        func run() async throws {
            var operations = try ClusterCommand.operations(connection, waitMs: growth.waitMs)
            try await operations.removeNode(id)
            print("node \(id) removed and retired; stop it and wipe its data directory")
        }
    }

    struct PushTopology: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push-topology", abstract: "Send the cluster directory's topology to every running node (after one was unreachable).")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
            let admin = ClusterAdmin(http: try connection.http(), say: { say($0) })
            let refused = await admin.push(topology)
            if !refused.isEmpty { throw ExitCode(1) }
        }
    }

    struct FillGroups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fill-groups",
            abstract: "Make every active node of a region, and the centre, a voter of each of its groups (after a restore or a recovery).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var growth: GrowthOptions
        @Option(name: .long, help: "Region key.") var region: String

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
            let admin = ClusterAdmin(http: try connection.http(), waitMs: growth.waitMs, say: { say($0) })
            try await admin.fillGroups(region: region, topology)
            try await admin.waitRegionalLeaders(region, topology)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every hash chain of every register on the centre against the regions; report every difference.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "Only this region (every region when absent).") var region: String?
        @Option(name: .customLong("wait-ms"), help: "How long a chain shorter on one side may take to catch up.") var waitMs: UInt64 = 30_000
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
            let quiet = json
            let admin = ClusterAdmin(http: try connection.http(), waitMs: waitMs, say: { if !quiet { say($0) } })
            let report = try await ClusterVerification.run(topology, regions: region.map { [$0] } ?? [], admin: admin)
            if json {
                try ClusterCommand.printJSON(report)
            } else {
                print("verified \(report.groups) groups, \(report.registers) registers on the centre, \(report.comparisons) comparisons with regional replicas")
                for line in report.unchecked { print("not checked: \(line)") }
                print(report.clean ? "every chain verifies and matches the centre" : "\(report.differences.count) difference(s)")
            }
            if !report.clean { throw ExitCode(1) }
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a consistent online backup of a region (or of every group) on a node (the centre by default).")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "Region key (every group the node hosts when absent).") var region: String?
        @Option(name: .customLong("from-node"), help: "The node that takes it (default: the centre, which holds every group).") var fromNode: UInt64?
        @Option(name: .long, help: "A new directory, absolute, on that node's filesystem.") var out: String

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology") }
            guard let id = fromNode ?? topology.centerID, let target = topology.node(id) else { throw ValidationError("no such node") }
            let http = try connection.http(timeoutMs: 600_000)
            let response = try await http.sendJSON("POST", target.http, "/v1/admin/backup", BackupBody(directory: out, region: region))
            guard response.status == 200 else {
                print("backup refused by node \(id): HTTP \(response.status) \(response.text)")
                throw ExitCode(1)
            }
            let manifest = try response.decode(BackupManifest.self)
            print("backup of \(manifest.scope) by node \(manifest.node) in \(out): \(manifest.files.count) files, \(manifest.files.reduce(0) { $0 + $1.bytes }) bytes")
            for group in manifest.groups {
                print("  group \(group.group) (\(group.region)): applied \(group.appliedIndex) (term \(group.appliedTerm)), log to \(group.lastIndex), \(group.durability) durability")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup into a fresh cluster directory (made by cluster init, never started).")
        @Option(name: .long, help: "The backup directory.") var backup: String
        @Option(name: .long, help: "The new cluster's directory.") var dir: String
        @Option(name: .long, help: "The node that receives the groups (default: the centre).") var node: UInt64?
        @Option(name: .customLong("accept-cluster"), help: "Restore a backup of this other cluster (by name) into the new one.") var acceptCluster: String?

        func run() throws {
            var layout = try ClusterLayout.open(directory: dir)
            let report: BackupRestore.Report
            do {
                report = try BackupRestore.restore(backup: backup, into: &layout, node: node, acceptCluster: acceptCluster)
            } catch let error as BackupError {
                print("restore refused: \(error)")
                throw ExitCode(1)
            }
            print("backup verified: \(report.manifest.files.count) files, every SHA-256 matches the manifest")
            if report.manifest.cluster != layout.topology.name {
                print("  a backup of cluster \(report.manifest.cluster), restored into cluster \(layout.topology.name) as asked (--accept-cluster)")
            }
            for region in report.regionsWithBackupShards {
                print("  region \(region): shards taken from the backup (they were split after the new cluster's layout)")
            }
            for (group, applied) in report.groups.sorted(by: { $0.key < $1.key }) {
                print("  group \(group): restored on node \(report.node), applied through \(applied)")
            }
            for (region, fingerprints) in report.formerSigningKeys.sorted(by: { $0.key < $1.key }) {
                print("  region \(region): copies signed with the backed-up cluster's key \(fingerprints.joined(separator: ", ")) still verify (a former key in the topology)")
            }
            print("start the cluster, then: sijil cluster fill-groups --dir \(dir) --region <REGION> for each restored region")
        }
    }

    struct RecoverRegion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recover-region",
            abstract: "Rebuild, on new nodes, a region whose nodes are all gone, from the centre's replicas.")
        @Argument(help: "Region key.") var region: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var growth: GrowthOptions
        @Flag(name: .customLong("from-center"), help: "Rebuild from the national centre (the only source there is).") var fromCenter = false
        @Option(name: .long, help: "The new nodes' hosts, comma-separated.") var hosts: String
        @Option(name: .long, help: "Repeat the region key: the old nodes are gone for good and will be retired.") var confirm: String?
        @Option(name: .customLong("old-data"), help: "Data directories of old nodes still readable, comma-separated: lists exactly what the centre lacks.")
        var oldData: String?
        @Flag(name: .long, help: "Print the report as JSON.") var json = false

        func run() async throws {
            guard fromCenter else { throw ValidationError("give --from-center: a region is rebuilt from the centre's replicas") }
            guard confirm == region else {
                throw ValidationError("""
                    recovering \(region) retires its nodes for good and forces each of its groups onto the centre's log, \
                    dropping what the centre never received; confirm with --confirm \(region)
                    """)
            }
            var operations = try ClusterCommand.operations(connection, waitMs: growth.waitMs)
            let report = try await operations.recoverRegion(
                region, nodes: .hosts(hosts.split(separator: ",").map(String.init)),
                oldDataDirectories: oldData.map { $0.split(separator: ",").map(String.init) } ?? [])
            if json { return try ClusterCommand.printJSON(report) }
            print("region \(region) rebuilt on nodes \(report.newNodes.map(String.init).joined(separator: ",")); nodes \(report.retiredNodes.map(String.init).joined(separator: ",")) retired")
            for group in report.groups {
                print("  group \(group.group) (\(group.durability) durability): kept through index \(group.keptThrough) (term \(group.keptTerm)); \(group.registers.count) registers")
                for register in group.registers {
                    print("    \(register.register): \(register.actCount) acts, last number \(register.highestNumber), chain \(register.chainLength)")
                }
            }
            for old in report.lost {
                print("  old data \(old.dataDirectory): \(old.writes.count) lost writes; \(old.appliedFromLog) entries read from its log past its applied state, \(old.pastCommit) of them past its commit index")
                for line in old.notRead { print("    log not read to its end: \(line)") }
            }
            if !report.lost.isEmpty {
                print("  \(report.lostWrites.count) distinct lost writes over the \(report.lost.count) old disks read:")
            }
            for lost in report.lostWrites {
                let write = lost.write
                print("    lost: act \(write.act)\(write.mention.map { " mention \($0)" } ?? "") request \(write.requestID): \(write.reason) [on \(lost.dataDirectories.count) of \(report.lost.count) disks]")
            }
            for note in report.notes { print("note: \(note)") }
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
