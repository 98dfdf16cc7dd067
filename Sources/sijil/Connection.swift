import ArgumentParser
import Foundation
import Node
import Registry
import Services

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
    @Option(name: .long, help: "Access token, or a file holding one (default: $SIJIL_TOKEN; with --dir and the cluster's token key, one is minted).")
    var token: String?

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
        return topology.activeNodes.sorted { ($0.isCenter ? 1 : 0, $0.id) < ($1.isCenter ? 1 : 0, $1.id) }.map(\.http)
    }

    /// The token to send: --token (text or file), $SIJIL_TOKEN, or, with --dir holding the
    /// operators' token key, a short-lived token of the tour's role `role` (a registrar of the
    /// region of `office` when one is given: a registrar acts in one region only).
    func accessToken(role: String, office: OfficeCode? = nil) throws -> String? {
        if let token {
            return try tokenText(token)
        }
        if let value = ProcessInfo.processInfo.environment["SIJIL_TOKEN"], !value.isEmpty { return value }
        if let dir, FileManager.default.fileExists(atPath: dir + "/keys/tokens.signing.key") {
            let layout = try ClusterLayout.open(directory: dir)
            if role == "registrar", let office, let region = layout.topology.region(forOffice: office.rawValue) {
                return try layout.registrarToken(region: region, subject: "REG-\(region.code)-CLI")
            }
            return try DevTokens.token(role, layout: layout)
        }
        return nil
    }

    func http(role: String = "operator", timeoutMs: UInt64 = HTTPSClient.defaultTimeoutMs) throws -> HTTPSClient {
        try HTTPSClient(caCertificatePath: try caPath(), timeoutMs: timeoutMs, token: try accessToken(role: role))
    }

    /// A client for the acts of `office` (the first region's when nil), over every active node.
    func client(role: String = "registrar", office: OfficeCode? = nil) throws -> RegistryClient {
        let http = try HTTPSClient(caCertificatePath: try caPath(), token: try accessToken(role: role, office: office))
        return RegistryClient(http: http, addresses: try addresses())
    }
}

/// Prints a response: the body as is, and fails the command on an HTTP error.
func finish(_ response: HTTPSClient.Response) throws {
    print(response.text)
    guard (200..<300).contains(response.status) else { throw ExitCode(1) }
}

/// A token given on the command line: the text itself, or the file that holds it.
func tokenText(_ argument: String) throws -> String {
    guard FileManager.default.fileExists(atPath: argument) else { return argument }
    return try String(contentsOfFile: argument, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
}
