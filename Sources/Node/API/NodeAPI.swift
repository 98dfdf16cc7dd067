import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// The HTTP API of a node (Hummingbird 2), served with TLS by the node's certificate from the
/// cluster CA: clients verify it with the CA certificate (`curl --cacert ca.pem`). See
/// docs/API.md for the routes.
public enum NodeAPI {
    /// The router with every route and the API's middleware (JSON errors, in-flight limit,
    /// authentication), the services' routes and the console.
    /// - Parameters:
    ///   - payments: the payment provider of the e-window (the local one for development).
    ///   - now: the node's clock (stamps, token expiry).
    public static func router(
        runtime: NodeRuntime, payments: any PaymentProvider = LocalPaymentProvider(),
        inFlight: InFlightCounter = InFlightCounter(limit: APILimits.requestsInFlightMax),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let access = AccessControl(topology: runtime.topology, revocations: runtime.revocations, now: now)
        router.middlewares.add(APIErrorMiddleware())
        router.middlewares.add(InFlightLimitMiddleware(counter: inFlight))
        router.middlewares.add(AuthenticationMiddleware(access: access))
        let keyring = runtime.keyring
        let gateway = runtime.registryGateway
        let services = ServicesGateway(registry: gateway)
        let audit = AuditTrail(services: services, now: now)
        ActRoutes(gateway: gateway, access: access, audit: audit, now: now, metrics: runtime.metrics, logger: runtime.logger).add(to: router)
        ImportRoutes(gateway: gateway, access: access, audit: audit, now: now).add(to: router)
        CopyRoutes(gateway: gateway, keyring: keyring, access: access, audit: audit, now: now).add(to: router)
        SearchRoutes(search: runtime.search, access: access, audit: audit).add(to: router)
        ClusterRoutes(runtime: runtime, gateway: gateway, inFlight: inFlight, access: access).add(to: router)
        AdminRoutes(runtime: runtime, gateway: gateway, access: access).add(to: router)
        SplitRoutes(runtime: runtime, access: access).add(to: router)
        let eWindow = EWindowDesk(services: services, keyring: keyring, payments: payments, audit: audit, now: now)
        let declarations = DeclarationDesk(services: services, audit: audit, now: now, logger: runtime.logger, metrics: runtime.metrics)
        EWindowRoutes(desk: eWindow, access: access).add(to: router)
        DeclarationRoutes(desk: declarations, access: access).add(to: router)
        PartnerRoutes(services: services, access: access, audit: audit).add(to: router)
        AuditAndStatisticsRoutes(services: services, access: access, now: now).add(to: router)
        ConsoleRoutes(runtime: runtime, access: access, eWindow: eWindow, declarations: declarations, gateway: gateway,
                      keyring: keyring, audit: audit, now: now).add(to: router)
        return router
    }

    /// The server TLS configuration: the certificate and key the node presents now, looked up
    /// at every handshake, so that a certificate reloaded without a restart
    /// (`NodeRuntime.reloadCertificate`) is presented from the next connection on.
    public static func tlsConfiguration(runtime: NodeRuntime) -> TLSConfiguration {
        let started = runtime.credentials
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(started.certificate)], privateKey: .privateKey(started.privateKey))
        tls.minimumTLSVersion = .tlsv12
        tls.sslContextCallback = { [runtime] _, promise in
            let now = runtime.credentials
            guard now.certificateSerial != started.certificateSerial else { return promise.succeed(.noChanges) }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = [.certificate(now.certificate)]
            override.privateKey = .privateKey(now.privateKey)
            promise.succeed(override)
        }
        return tls
    }

    /// The address the node serves its API on: its configuration's `http_listen`, or else its
    /// HTTP address in the topology.
    public static func httpAddress(runtime: NodeRuntime) throws -> HostPort {
        guard let address = runtime.configuration.httpListen ?? runtime.topology.node(runtime.nodeID).flatMap({ HostPort($0.http) }) else {
            throw NodeConfiguration.Problem(description: "node \(runtime.nodeID) has no http address")
        }
        return address
    }

    /// The application serving `runtime` on `address` (`httpAddress(runtime:)`).
    public static func application(runtime: NodeRuntime, address: HostPort, logger: Logger) throws -> some ApplicationProtocol {
        let router = router(runtime: runtime)
        return Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tlsConfiguration(runtime: runtime)),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: "sijil"),
            logger: logger)
    }
}
