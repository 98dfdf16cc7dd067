import Foundation
import NodeCore
import TOMLKit

/// Everything one node needs to start, read from its TOML file.
///
/// ```toml
/// node = 1
/// data_dir = "data/node-1"          # relative paths are relative to this file
/// topology = "topology.toml"
/// tick_ms = 100
/// log_compaction_entries = 20000   # compact a group's log beyond this many entries
/// log_retain_entries = 2000        # keeping this many applied ones for followers a little behind
/// signing_keys = ["keys/RSK.signing.toml"]   # the region key(s) this node issues copies with
/// [tls]
/// ca_certificate = "certs/ca.pem"
/// certificate = "certs/node-1.pem"
/// private_key = "certs/node-1.key"
/// ```
///
/// The node certificate serves both the node-to-node transport (mutual TLS) and the HTTP API
/// (server TLS), so clients verify the API with the cluster CA certificate.
public struct NodeConfiguration: Sendable {
    /// This node's id.
    public var nodeID: UInt64
    /// Where the node keeps RocksDB, its search index and its audit log.
    public var dataDirectory: String
    /// The cluster topology.
    public var topology: ClusterTopology
    /// The Raft tick of every node, in milliseconds.
    public var tickMs: UInt64
    /// The cluster CA certificate.
    public var caCertificatePath: String
    /// The node certificate.
    public var certificatePath: String
    /// The node's private key.
    public var privateKeyPath: String
    /// Overrides of the listen addresses (e.g. 0.0.0.0) when they differ from the advertised ones.
    public var peerListen: HostPort?
    /// Where the HTTP API listens, when not the advertised address.
    public var httpListen: HostPort?
    /// Files holding the copy-signing keys this node may use (one per region).
    public var signingKeyPaths: [String] = []
    /// The topology file, re-read when an operator asks the node to reload its peers.
    public var topologyPath: String?
    /// A group's Raft log is compacted once it holds more entries than this...
    public var logCompactionEntries = UInt64(NodeCoreOptions.compactionEntriesDefault)
    /// ...keeping this many applied entries, so that a follower a little behind catches up from
    /// the log; one further behind gets a snapshot of the state.
    public var logRetainEntries = NodeCoreOptions.compactionRetainEntriesDefault
    /// Bounds of `log_compaction_entries`.
    public static let logCompactionEntriesRange: ClosedRange<UInt64> = 16...10_000_000

    /// Where the node keeps the newest topology it accepted from an operator while running
    /// (`sijil cluster push-topology`), so that a restart keeps it even if the shared
    /// topology file was not updated.
    public var acceptedTopologyPath: String { dataDirectory + "/topology.accepted.toml" }

    /// Creates a value from its parts.
    public init(nodeID: UInt64, dataDirectory: String, topology: ClusterTopology, tickMs: UInt64 = 100,
                caCertificatePath: String, certificatePath: String, privateKeyPath: String,
                peerListen: HostPort? = nil, httpListen: HostPort? = nil) {
        self.nodeID = nodeID
        self.dataDirectory = dataDirectory
        self.topology = topology
        self.tickMs = tickMs
        self.caCertificatePath = caCertificatePath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.peerListen = peerListen
        self.httpListen = httpListen
    }

    /// Why a configuration could not be loaded; every message names the file and the field.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        /// Why, for people.
        public var description: String
        /// Creates a value from its parts.
        public init(description: String) { self.description = description }
    }

    private struct File: Decodable {
        var node: UInt64
        var data_dir: String
        var topology: String
        var tick_ms: UInt64?
        var log_compaction_entries: UInt64?
        var log_retain_entries: UInt64?
        var peer_listen: String?
        var http_listen: String?
        var signing_keys: [String]?
        var tls: TLS
        struct TLS: Decodable {
            var ca_certificate: String
            var certificate: String
            var private_key: String
        }
    }

    /// Reads a node's configuration and the topology it points to.
    public static func load(path: String) throws -> NodeConfiguration {
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).path
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw Problem(description: "\(path): cannot read: \(error.localizedDescription)") }
        let file: File
        do { file = try TOMLDecoder().decode(File.self, from: text) } catch { throw Problem(description: "\(path): \(error)") }
        var topology = try loadTopology(path: resolve(file.topology))
        // The newest topology the node accepted while running wins over an older shared file.
        let accepted = resolve(file.data_dir) + "/topology.accepted.toml"
        if FileManager.default.fileExists(atPath: accepted) {
            let kept = try loadTopology(path: accepted)
            if kept.effectiveVersion > topology.effectiveVersion { topology = kept }
        }
        guard let me = topology.node(file.node) else { throw Problem(description: "\(path): node \(file.node) is not in the topology") }
        guard !me.isRetired else {
            throw Problem(description: "\(path): node \(file.node) is retired (replaced or lost with its region); it must never run again: wipe its data directory")
        }
        var configuration = NodeConfiguration(
            nodeID: file.node, dataDirectory: resolve(file.data_dir), topology: topology, tickMs: file.tick_ms ?? 100,
            caCertificatePath: resolve(file.tls.ca_certificate), certificatePath: resolve(file.tls.certificate),
            privateKeyPath: resolve(file.tls.private_key))
        configuration.signingKeyPaths = (file.signing_keys ?? []).map(resolve)
        configuration.topologyPath = resolve(file.topology)
        if let listen = file.peer_listen {
            guard let parsed = HostPort(listen) else { throw Problem(description: "\(path): peer_listen \(listen) is not host:port") }
            configuration.peerListen = parsed
        }
        if let listen = file.http_listen {
            guard let parsed = HostPort(listen) else { throw Problem(description: "\(path): http_listen \(listen) is not host:port") }
            configuration.httpListen = parsed
        }
        if !(1...10_000).contains(configuration.tickMs) { throw Problem(description: "\(path): tick_ms must be 1 to 10000") }
        let compaction = file.log_compaction_entries ?? UInt64(NodeCoreOptions.compactionEntriesDefault)
        guard Self.logCompactionEntriesRange.contains(compaction) else {
            throw Problem(description: "\(path): log_compaction_entries must be \(Self.logCompactionEntriesRange.lowerBound) to \(Self.logCompactionEntriesRange.upperBound)")
        }
        let retain = file.log_retain_entries ?? min(NodeCoreOptions.compactionRetainEntriesDefault, compaction / 2)
        guard retain >= 1, retain < compaction else {
            throw Problem(description: "\(path): log_retain_entries must be 1 to \(compaction - 1) (below log_compaction_entries)")
        }
        configuration.logCompactionEntries = compaction
        configuration.logRetainEntries = retain
        return configuration
    }

    /// Reads and checks a topology file.
    public static func loadTopology(path: String) throws -> ClusterTopology {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw Problem(description: "\(path): cannot read: \(error.localizedDescription)") }
        let topology: ClusterTopology
        do { topology = try TOMLDecoder().decode(ClusterTopology.self, from: text) } catch { throw Problem(description: "\(path): \(error)") }
        let problems = topology.problems()
        guard problems.isEmpty else { throw Problem(description: "\(path): " + problems.joined(separator: "; ")) }
        return topology
    }

    /// The TOML text of a topology (what `sijil cluster init` writes).
    public static func encode(_ topology: ClusterTopology) throws -> String {
        try TOMLEncoder().encode(topology)
    }
}
