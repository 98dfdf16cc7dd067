import ArgumentParser

/// `sijil`: run a node, a local cluster, and drive a cluster and its register.
@main
struct Sijil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sijil",
        abstract: "Sijil, the national civil-status register: nodes, cluster operations and acts.",
        subcommands: [StartCommand.self, DevCommand.self, ClusterCommand.self, ActCommand.self, CertCommand.self, TokenCommand.self, BenchCommand.self, ImportCommand.self])
}
