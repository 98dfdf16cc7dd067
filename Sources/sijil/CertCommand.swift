import ArgumentParser
import Foundation
import Node

struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Create the cluster CA and node certificates.", subcommands: [CreateCA.self, CreateNode.self])

    struct CreateCA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-ca", abstract: "Create a cluster CA: ca.pem and ca.key in --out.")
        @Option(name: .long, help: "Cluster name.") var name: String
        @Option(name: .long, help: "Output directory.") var out: String

        func run() throws {
            try CertificateFiles.createAuthority(clusterName: name, directory: out)
            print("wrote \(out)/ca.pem and \(out)/ca.key (keep ca.key offline)")
        }
    }

    struct CreateNode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-node", abstract: "Issue a node certificate: node-<id>.pem and node-<id>.key in --out.")
        @Option(name: .customLong("ca-dir"), help: "Directory holding ca.pem and ca.key.") var caDir: String
        @Option(name: .long, help: "Node id.") var id: UInt64
        @Option(name: .long, help: "Host names or IP addresses the node is reached under (repeatable).") var host: [String]
        @Option(name: .long, help: "Output directory (default: --ca-dir).") var out: String?

        func run() throws {
            let directory = out ?? caDir
            try CertificateFiles.createNode(id: id, hosts: host, authority: try CertificateFiles.loadAuthority(directory: caDir), directory: directory)
            print("wrote \(directory)/node-\(id).pem and \(directory)/node-\(id).key")
        }
    }
}
