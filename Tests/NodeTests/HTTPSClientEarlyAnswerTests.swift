import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Node
import Testing
import Transport

/// The client keeps a server's answer that comes, with the end of the server's side of the
/// connection, before the client has finished sending its request. A node refusing a token
/// answers as soon as it has the request's head; the answer ("token revoked") is what the
/// caller needs, where it used to get "I/O on closed channel".
@Suite struct HTTPSClientEarlyAnswerTests {
    /// Answers 401 to the first request bytes, closes its side of the connection (TLS
    /// close_notify, then the socket's write side) and drops whatever the client still sends.
    final class EarlyAnswer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        static let answer = "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\ntoken revoked"
        private var answered = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            context.write(wrapOutboundOut(context.channel.allocator.buffer(string: Self.answer)), promise: nil)
            context.flush()
            context.close(mode: .output, promise: nil)
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            // The client's own end of the connection: close ours.
            if case .inputClosed = event as? ChannelEvent { context.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    /// A request without a body, and one whose 64 MiB body is still being sent when the answer
    /// and the connection's end arrive (the client used to fail so in every run tried; the
    /// answer is kept whichever comes first, the end of the sending or the end of the
    /// connection).
    @Test(arguments: [0, 64 << 20])
    func anAnswerSentBeforeTheRequestsEndIsKept(bodyBytes: Int) async throws {
        // A node's certificate and the cluster CA, from a one-node layout.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-early-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try ClusterLayout.initialize(directory: directory, plan: SingleNodeFixture.onePlan())
        let configuration = try NodeConfiguration.load(path: layout.configurationPath(node: 1))
        let credentials = try NodeCredentials.load(certificateFile: configuration.certificatePath, privateKeyFile: configuration.privateKeyPath,
                                                   authorityCertificateFile: configuration.caCertificatePath, now: Date())
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: [.certificate(credentials.certificate)],
                                                                                 privateKey: .privateKey(credentials.privateKey)))

        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(EarlyAnswer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let client = try HTTPSClient(caCertificatePath: layout.caCertificatePath, token: "t")
        let body: [UInt8]? = bodyBytes == 0 ? nil : Array(repeating: 0x7B, count: bodyBytes)
        let outcome: Result<HTTPSClient.Response, any Error>
        do {
            outcome = .success(try await client.send(bodyBytes == 0 ? "GET" : "POST", "127.0.0.1:\(port)", "/v1/cluster/status", body: body))
        } catch {
            outcome = .failure(error)
        }
        try await server.close()
        let response = try outcome.get()
        #expect(response.status == 401)
        #expect(response.text == "token revoked")
    }
}
