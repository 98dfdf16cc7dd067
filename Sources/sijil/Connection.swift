import ArgumentParser
import Foundation
import Node

/// How a command reaches a cluster: its directory (as written by `cluster init`), or a
/// topology file and the CA certificate, or one node's address and the CA certificate.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Cluster directory written by `sijil cluster init` (topology.toml, certs/ca.pem).")
    var dir: String?
    @Option(name: .long, help: "Topology file (instead of --dir).")
    var topology: String?
    @Option(name: .long, help: "A node's HTTP address host:port (instead of --dir or --topology).")
    var node: String?
    @Option(name: .long, help: "Cluster CA certificate (default: <dir>/certs/ca.pem).")
    var ca: String?

    @Option(name: .customLong("admin-token-file"), help: "The operators' admin token (default: <dir>/certs/admin.token when it exists).")
    var adminTokenFile: String?

    /// The admin token, if one is given or the cluster directory holds one.
    func adminToken() throws -> String? {
        let path = adminTokenFile ?? dir.map { $0 + "/certs/admin.token" }
        guard let path, FileManager.default.fileExists(atPath: path) else {
            if let adminTokenFile { throw ValidationError("\(adminTokenFile): no such file") }
            return nil
        }
        return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A client for this connection, carrying the admin token when there is one.
    func http(timeoutMs: UInt64 = HTTPSClient.defaultTimeoutMs) throws -> HTTPSClient {
        try HTTPSClient(caCertificatePath: try caPath(), timeoutMs: timeoutMs, adminToken: try adminToken())
    }

    func caPath() throws -> String {
        if let ca { return ca }
        if let dir { return dir + "/certs/ca.pem" }
        throw ValidationError("give --ca (or --dir)")
    }

    func loadTopology() throws -> ClusterTopology? {
        if let topology { return try NodeConfiguration.loadTopology(path: topology) }
        if let dir { return try ClusterLayout.open(directory: dir).topology }
        return nil
    }

    /// Regional nodes first (writes), then the centre.
    func addresses() throws -> [String] {
        if let node { return [node] }
        guard let topology = try loadTopology() else { throw ValidationError("give --dir, --topology or --node") }
        return topology.nodes.sorted { ($0.isCenter ? 1 : 0, $0.id) < ($1.isCenter ? 1 : 0, $1.id) }.map(\.http)
    }

    func client() throws -> RegistryClient {
        RegistryClient(http: try http(), addresses: try addresses())
    }
}

/// Prints a response: the body as is, and fails the command on an HTTP error.
func finish(_ response: HTTPSClient.Response) throws {
    print(response.text)
    guard (200..<300).contains(response.status) else { throw ExitCode(1) }
}
