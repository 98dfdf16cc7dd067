import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client over TLS that trusts only the cluster CA, for the CLI, `sijil dev`
/// and the integration test. One connection per request: the CLI sends few requests, and a
/// fresh connection never carries state from a node that restarted.
public struct HTTPSClient: Sendable {
    /// A response: status, headers and the whole body.
    public struct Response: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The response headers.
        public var headers: [(name: String, value: String)]
        /// The whole body.
        public var body: [UInt8]

        /// The first header of that name, if any.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// Decodes the body as JSON.
        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(body))
        }
    }

    /// Why a request got no response.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// Why, for people.
        public var description: String
    }

    /// Largest response body read. The biggest answers (a copy in HTML, a page of search hits)
    /// stay under 1 MiB.
    public static let responseBytesMax = 8 << 20
    /// A node that does not answer within this long is reported as unreachable.
    public static let defaultTimeoutMs: UInt64 = 10_000

    private let sslContext: NIOSSLContext
    /// Milliseconds before a request is abandoned.
    public let timeoutMs: UInt64
    /// The access token sent with every request (`Authorization: Bearer`), if any.
    public let token: String?

    /// A client trusting the CA certificate in `caCertificatePath`, sending `token` with every
    /// request.
    public init(caCertificatePath: String, timeoutMs: UInt64 = defaultTimeoutMs, token: String? = nil) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caCertificatePath)
        tls.certificateVerification = .fullVerification
        sslContext = try NIOSSLContext(configuration: tls)
        self.timeoutMs = timeoutMs
        self.token = token
    }

    /// Sends one request to `address` ("host:port") and reads the whole response.
    public func send(_ method: String, _ address: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> Response {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw Failure(description: "\(address) is not host:port")
        }
        let host = String(address[..<colon])
        let timeout = timeoutMs
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await exchange(method: method, host: host, port: port, path: path, headers: headers, body: body) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(timeout))
                throw Failure(description: "\(address): no answer within \(timeout) ms")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// JSON convenience: encodes `value` as the body.
    public func sendJSON(_ method: String, _ address: String, _ path: String, _ value: some Encodable, headers: [(String, String)] = []) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try await send(method, address, path, headers: headers + [("Content-Type", "application/json")], body: Array(try encoder.encode(value)))
    }

    private func exchange(method: String, host: String, port: Int, path: String, headers: [(String, String)], body: [UInt8]?) async throws -> Response {
        let sslContext = sslContext
        let token = token
        let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeoutMs)))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ssl = try NIOSSLClientHandler(context: sslContext, serverHostname: isIPAddress ? nil : host)
                    try channel.pipeline.syncOperations.addHandler(ssl)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Connection", value: "close")
            if let token, !headers.contains(where: { $0.0.lowercased() == "authorization" }) {
                head.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            head.headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
            // The whole request in one write: awaited part by part, a server that answers and
            // closes as soon as it has the head (an early 401) closed the channel under the
            // request's last part, and the client lost the answer to "I/O on closed channel".
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body, !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            parts.append(.end(nil))
            var writeError: (any Error)?
            do { try await outbound.write(contentsOf: parts) } catch { writeError = error }
            // A server may answer before it has read a long body, and close: its answer is still
            // read, and the write's error is reported only when no whole answer came.
            var response = Response(status: 0, headers: [], body: [])
            for try await part in inbound {
                switch part {
                case .head(let responseHead):
                    response.status = Int(responseHead.status.code)
                    response.headers = responseHead.headers.map { ($0.name, $0.value) }
                case .body(let buffer):
                    guard response.body.count + buffer.readableBytes <= Self.responseBytesMax else {
                        throw Failure(description: "response larger than \(Self.responseBytesMax) bytes")
                    }
                    response.body += Array(buffer.readableBytesView)
                case .end:
                    return response
                }
            }
            if let writeError { throw writeError }
            throw Failure(description: "\(host):\(port) closed the connection before the end of the response")
        }
    }
}
