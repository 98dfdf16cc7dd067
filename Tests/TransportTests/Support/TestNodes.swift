import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
@testable import Transport

/// One running transport in a test, with its recorded events.
struct TestNode {
    let nodeID: UInt64
    let transport: Transport
    let events: EventLog

    var address: PeerAddress { PeerAddress(host: "127.0.0.1", port: transport.listeningPort) }
}

enum TestNodes {
    /// Quick redials so a test that starts peers one after the other connects fast. A handshake
    /// is given as long as a test waits for a state: on a loaded machine a connection that is
    /// slow to authenticate must not be refused by the 5 s default (a refusal by time is tested
    /// with its own short limit).
    static let limits = TransportLimits(handshakeTimeoutMs: Int64(stateWaitSeconds * 1_000), reconnectBackoffInitialMs: 10, reconnectBackoffMaxMs: 200)

    static let logger = Logger(label: "sijil.transport.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts one node listening on 127.0.0.1 (`port` 0 picks a free port).
    static func start(
        _ nodeID: UInt64,
        pki: TestPKI,
        peers: [UInt64: PeerAddress] = [:],
        limits: TransportLimits = limits,
        port: Int = 0,
        credentials: NodeCredentials? = nil
    ) async throws -> TestNode {
        let transport = try await Transport.start(
            configuration: TransportConfiguration(
                localNodeID: nodeID,
                listenHost: "127.0.0.1",
                listenPort: port,
                peers: peers,
                limits: limits,
                eventLoopThreadCount: 1
            ),
            credentials: credentials ?? pki.credentials(nodeID),
            logger: logger
        )
        return TestNode(nodeID: nodeID, transport: transport, events: EventLog(transport))
    }

    /// Starts every node, then gives each all the others as peers and waits until every node's
    /// outbound connection to every other node is authenticated.
    static func startMesh(_ nodeIDs: [UInt64], pki: TestPKI, limits: TransportLimits = limits) async throws -> [UInt64: TestNode] {
        var nodes: [UInt64: TestNode] = [:]
        for nodeID in nodeIDs {
            nodes[nodeID] = try await start(nodeID, pki: pki, limits: limits)
        }
        for node in nodes.values {
            let peers = nodes.filter { $0.key != node.nodeID }.mapValues(\.address)
            try node.transport.updatePeers(peers)
        }
        for node in nodes.values {
            for peer in nodeIDs where peer != node.nodeID {
                try await node.events.outboundConnected(to: peer)
            }
        }
        return nodes
    }

    static func shutdown(_ nodes: some Sequence<TestNode>) async {
        for node in nodes {
            await node.transport.shutdown()
        }
    }

    /// Receives exactly `count` frames (waiting as long as the bound allows).
    static func receive(_ count: Int, at node: TestNode) async throws -> [InboundFrame] {
        let transport = node.transport
        let frames = try await withTimeout("\(count) frames at node \(node.nodeID)") {
            var frames: [InboundFrame] = []
            while frames.count < count {
                let batch = await transport.receive(maxFrames: count - frames.count)
                if batch.isEmpty { break }
                frames += batch
            }
            return frames
        }
        guard frames.count == count else {
            throw TimedOut(what: "\(count) frames at node \(node.nodeID), got \(frames.count)", seconds: stateWaitSeconds)
        }
        return frames
    }
}

/// A payload that says who sent it and its sequence number, so order can be checked.
enum NumberedFrame {
    static func make(from sender: UInt64, sequence: UInt64, paddingBytes: Int = 0) -> [UInt8] {
        withUnsafeBytes(of: sender.bigEndian) { Array($0) }
            + withUnsafeBytes(of: sequence.bigEndian) { Array($0) }
            + [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: paddingBytes)
    }

    static func read(_ payload: [UInt8]) -> (sender: UInt64, sequence: UInt64)? {
        guard payload.count >= 16 else { return nil }
        let sender = payload[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let sequence = payload[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (sender, sequence)
    }
}

/// A client that speaks the wire protocol by hand, to act as a misbehaving or foreign peer.
enum RawPeer {
    static var group: MultiThreadedEventLoopGroup { .singleton }

    /// Connects with TLS 1.3 (or `maximumTLSVersion`), presenting `certificate` if given and
    /// trusting `authorityPEM`.
    static func connectTLS(
        to port: Int,
        certificate: CertificateAndKeyPEM?,
        trusting authorityPEM: String,
        maximumTLSVersion: TLSVersion = .tlsv13
    ) async throws -> Channel {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let certificate {
            configuration.certificateChain = [
                .certificate(try NIOSSLCertificate(bytes: Array(certificate.certificatePEM.utf8), format: .pem))
            ]
            configuration.privateKey = .privateKey(
                try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)
            )
        }
        configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(authorityPEM.utf8), format: .pem)])
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = maximumTLSVersion == .tlsv13 ? .tlsv13 : .tlsv12
        configuration.maximumTLSVersion = maximumTLSVersion
        let context = try NIOSSLContext(configuration: configuration)
        return try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
    }

    /// Connects plain TCP and sends nothing.
    static func connectTCP(to port: Int) async throws -> Channel {
        try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
    }

    /// A frame with its length prefix, as a node would write it.
    static func frame(_ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count), endianness: .big)
        buffer.writeBytes(payload)
        return buffer
    }

    /// A length prefix announcing `lengthBytes` with no payload behind it.
    static func lengthPrefix(_ lengthBytes: UInt32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(lengthBytes, endianness: .big)
        return buffer
    }

    /// The hello a node with `nodeID` sends first.
    static func hello(_ nodeID: UInt64) -> ByteBuffer {
        Hello(nodeID: nodeID).encodedFrame(allocator: ByteBufferAllocator())
    }

    /// Writes buffers and flushes once; a write on a connection the server already closed fails,
    /// which is not what these tests check, so failures are ignored.
    static func send(_ buffers: [ByteBuffer], on channel: Channel) async {
        for buffer in buffers {
            channel.write(buffer, promise: nil)
        }
        try? await channel.writeAndFlush(ByteBuffer()).get()
    }

    /// Waits until the other side has closed the connection.
    static func waitForClose(_ channel: Channel, _ what: String) async throws {
        try await withTimeout(what, onTimeout: { channel.close(promise: nil) }) {
            try await channel.closeFuture.get()
        }
    }
}
