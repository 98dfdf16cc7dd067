import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One kept-alive HTTPS/1.1 connection for the load generator: requests go one after the
/// other on the same TLS session, so a run measures the node, not TCP and TLS handshakes
/// (`HTTPSClient` opens a connection per request, which suits the CLI and not a benchmark).
final class BenchConnection: Sendable {
    /// A response: status and the first bytes of the body (enough for an error message).
    struct Reply: Sendable {
        var status: Int
        var bodyPrefix: [UInt8]
        var bodyBytes: Int
        /// `Sijil-Import-Accepted`: acts an import request added.
        var importAccepted: Int?
    }

    /// Bytes of a response body kept for error messages; the rest is counted, not copied.
    static let bodyPrefixBytesMax = 2_048

    private let channel: any Channel
    let address: String

    private init(channel: any Channel, address: String) {
        self.channel = channel
        self.address = address
    }

    /// Opens a connection to "host:port", verifying the node's certificate against the CA;
    /// every request on it carries `token` as its bearer token (when given).
    static func connect(address: String, sslContext: NIOSSLContext, group: any EventLoopGroup, timeoutMs: Int64,
                        token: String?) async throws -> BenchConnection {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw HTTPSClient.Failure(description: "\(address) is not host:port")
        }
        let host = String(address[..<colon])
        let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(timeoutMs))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ssl = try NIOSSLClientHandler(context: sslContext, serverHostname: isIPAddress ? nil : host)
                    try channel.pipeline.syncOperations.addHandler(ssl)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler(host: address, token: token))
                }
            }
            .connect(host: host, port: port).get()
        return BenchConnection(channel: channel, address: address)
    }

    /// Sends one request and waits for the whole response (keeping the first bytes of its body).
    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]?) async throws -> Reply {
        try await exchange(method, path, headers: headers, body: body, keepBody: false)
    }

    /// A response with its whole body.
    struct FullReply: Sendable {
        var status: Int
        var body: [UInt8]
    }

    /// Sends one request and returns the whole body (up to `HTTPSClient.responseBytesMax`).
    func sendFull(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]?) async throws -> FullReply {
        let reply = try await exchange(method, path, headers: headers, body: body, keepBody: true)
        return FullReply(status: reply.status, body: reply.bodyPrefix)
    }

    private func exchange(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]?, keepBody: Bool) async throws -> Reply {
        let promise = channel.eventLoop.makePromise(of: Reply.self)
        let exchange = Exchange(method: method, path: path, headers: headers, body: body, keepBody: keepBody, promise: promise)
        channel.writeAndFlush(exchange).cascadeFailure(to: promise)
        return try await promise.futureResult.get()
    }

    /// Whether the connection can still carry requests.
    var isActive: Bool { channel.isActive }

    func close() async {
        try? await channel.close()
    }

    struct Exchange: Sendable {
        var method: HTTPMethod
        var path: String
        var headers: [(String, String)]
        var body: [UInt8]?
        var keepBody: Bool
        var promise: EventLoopPromise<Reply>
    }

    /// Writes requests and matches responses to them in order (HTTP/1.1 answers in order).
    final class ExchangeHandler: ChannelDuplexHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundIn = Exchange
        typealias OutboundOut = HTTPClientRequestPart

        private let host: String
        /// `Bearer <token>`, sent with every request that does not carry its own.
        private let authorization: String?
        private var waiting = CircularBuffer<(promise: EventLoopPromise<Reply>, keepBody: Bool)>()
        private var current = Reply(status: 0, bodyPrefix: [], bodyBytes: 0, importAccepted: nil)

        init(host: String, token: String?) {
            self.host = host
            self.authorization = token.map { "Bearer \($0)" }
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let exchange = unwrapOutboundIn(data)
            var head = HTTPRequestHead(version: .http1_1, method: exchange.method, uri: exchange.path)
            head.headers.add(name: "Host", value: host)
            if let authorization, !exchange.headers.contains(where: { $0.0.lowercased() == "authorization" }) {
                head.headers.add(name: "Authorization", value: authorization)
            }
            for (name, value) in exchange.headers { head.headers.add(name: name, value: value) }
            head.headers.add(name: "Content-Length", value: "\(exchange.body?.count ?? 0)")
            waiting.append((exchange.promise, exchange.keepBody))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body = exchange.body, !body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            context.write(wrapOutboundOut(.end(nil)), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                current = Reply(status: Int(head.status.code), bodyPrefix: [], bodyBytes: 0,
                                importAccepted: head.headers.first(name: "Sijil-Import-Accepted").flatMap { Int($0) })
            case .body(let buffer):
                current.bodyBytes += buffer.readableBytes
                let limit = waiting.first?.keepBody == true ? HTTPSClient.responseBytesMax : BenchConnection.bodyPrefixBytesMax
                let room = limit - current.bodyPrefix.count
                if room > 0 { current.bodyPrefix += buffer.readableBytesView.prefix(room) }
            case .end:
                waiting.popFirst()?.promise.succeed(current)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            failAll(HTTPSClient.Failure(description: "\(host) closed the connection"))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failAll(error)
            context.close(promise: nil)
        }

        private func failAll(_ error: any Error) {
            while let item = waiting.popFirst() { item.promise.fail(error) }
        }
    }
}
