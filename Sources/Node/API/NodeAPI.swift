import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// The HTTP API of a node (Hummingbird 2), served with TLS by the node's certificate from the
/// cluster CA: clients verify it with the CA certificate (`curl --cacert ca.pem`). See
/// docs/API.md for the routes.
public enum NodeAPI {
    /// The router with every route and the API's middleware (JSON errors, in-flight limit).
    public static func router(
        runtime: NodeRuntime, keyring: SigningKeyring, audit: AuditLog?,
        inFlight: InFlightCounter = InFlightCounter(limit: APILimits.requestsInFlightMax),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(APIErrorMiddleware())
        router.middlewares.add(InFlightLimitMiddleware(counter: inFlight))
        let gateway = RegistryGateway(topology: runtime.topology, nodeID: runtime.nodeID) { request in await runtime.submit(request) }
        ActRoutes(gateway: gateway, audit: audit, now: now).add(to: router)
        ImportRoutes(gateway: gateway, now: now).add(to: router)
        CopyRoutes(gateway: gateway, keyring: keyring, audit: audit, now: now).add(to: router)
        SearchRoutes(search: runtime.search, audit: audit).add(to: router)
        ClusterRoutes(runtime: runtime, gateway: gateway, inFlight: inFlight).add(to: router)
        return router
    }

    /// The node's copy-signing keys, checked against the topology.
    public static func keyring(configuration: NodeConfiguration) throws -> SigningKeyring {
        try SigningKeyring(keys: configuration.signingKeyPaths.map(RegionSigningKey.load), topology: configuration.topology)
    }

    /// The server TLS configuration from the node's certificate and key.
    public static func tlsConfiguration(configuration: NodeConfiguration) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(configuration.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: configuration.privateKeyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// The application serving `runtime` on the node's HTTP address.
    public static func application(runtime: NodeRuntime, logger: Logger) throws -> some ApplicationProtocol {
        let configuration = runtime.configuration
        guard let address = configuration.httpListen ?? runtime.topology.node(runtime.nodeID).flatMap({ HostPort($0.http) }) else {
            throw NodeConfiguration.Problem(description: "node \(runtime.nodeID) has no http address")
        }
        let audit = try AuditLog(path: configuration.dataDirectory + "/audit.log", node: runtime.nodeID)
        let router = router(runtime: runtime, keyring: try keyring(configuration: configuration), audit: audit)
        return Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tlsConfiguration(configuration: configuration)),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: "sijil"),
            logger: logger)
    }
}
