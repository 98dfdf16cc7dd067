import ArgumentParser
import Foundation
import Node

extension ClusterCommand {
    struct SplitShard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "split-shard",
            abstract: "Split a shard group: the offices from --at to its last office move to a new group, on the same nodes.",
            discussion: """
                The split is a command in the group's log: every replica moves the offices' records to the new group at the \
                same position, so no act is copied over the network and none is lost or doubled. Then the next topology \
                version (naming the new group) is written to the cluster directory and pushed to every node. Requests routed \
                by an older topology are followed to the new group by the nodes.
                """)
        @Argument(help: "The shard group to split.") var group: UInt64
        @Option(name: .long, help: "The first office that moves (default: the office that leaves about half of the group's acts on each side).")
        var at: UInt32?
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("wait-ms"), help: "Bound of every wait (a leader of the group, the new group's leader).") var waitMs: UInt64 = 120_000
        @Flag(name: .long, help: "Print the report as JSON.") var json = false

        func run() async throws {
            var operations = try ClusterCommand.operations(connection, waitMs: waitMs)
            let report: ShardSplitReport
            do {
                report = try await operations.splitShard(group, at: at)
            } catch let error as ClusterOperationError {
                print("split refused: \(error)")
                throw ExitCode(1)
            }
            if json { return try ClusterCommand.printJSON(report) }
            let how = report.index.map { index in "split at index \(index)" } ?? "split earlier, now recorded"
            let records = report.movedRecords.map { " (\($0) records)" } ?? ""
            print("""
                group \(report.group) \(how): offices \(report.firstOffice)...\(report.lastOffice)\(records) \
                now in group \(report.newGroup), voters \(report.voters.map(String.init).joined(separator: ",")), \
                leader \(report.leader); topology version \(report.topologyVersion)
                """)
            if !report.notUpdated.isEmpty, let dir = connection.dir {
                print("nodes \(report.notUpdated.keys.sorted().map(String.init).joined(separator: ",")) did not take topology version \(report.topologyVersion): run `sijil cluster push-topology --dir \(dir)` once they answer")
            }
        }
    }
}
