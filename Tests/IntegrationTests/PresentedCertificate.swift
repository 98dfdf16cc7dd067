import NIOCore
import NIOPosix
import NIOSSL

/// The certificate a TLS server presents on a new connection: what a client of that port sees,
/// rather than what the server says about itself.
enum PresentedCertificate {
    /// The serial number (hexadecimal bytes, colon-separated, as `cluster status` prints it) of
    /// the certificate presented at `host:port`. A port that wants a client certificate (a
    /// node's peer port) is given `clientCertificate` and `clientKey` (PEM files).
    static func serial(host: String, port: Int, clientCertificate: String? = nil, clientKey: String? = nil) async throws -> String {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let clientCertificate, let clientKey {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
        }
        let context = try NIOSSLContext(configuration: tls)
        let group = MultiThreadedEventLoopGroup.singleton
        let presented = group.next().makePromise(of: NIOSSLCertificate.self)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The chain is only read here: whether the cluster trusts it is the cluster's test.
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: nil) { chain, verification in
                        if let leaf = chain.first { presented.succeed(leaf) } else { presented.fail(PresentedCertificateError.noCertificate) }
                        verification.succeed(.certificateVerified)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port).get()
        // A connection that ends before the handshake shows no certificate (a no-op once one came).
        channel.closeFuture.whenComplete { _ in presented.fail(PresentedCertificateError.noCertificate) }
        defer { channel.close(promise: nil) }
        let certificate = try await presented.futureResult.get()
        return certificate.serialNumber.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined(separator: ":")
    }
}

enum PresentedCertificateError: Error { case noCertificate }
