import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// One node as a service: starts the runtime (store, transport, loop), serves the HTTP API
/// until a graceful shutdown (SIGTERM or SIGINT through the `ServiceGroup`), then stops the
/// API first and the runtime second, so no request is cut in the middle of a turn.
public struct NodeService: Service {
    /// The configuration the node was started with.
    public let configuration: NodeConfiguration
    /// The logger of the node.
    public let logger: Logger

    /// Creates a value from its parts.
    public init(configuration: NodeConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Exit status of a node that stopped because it could not go on safely (a failed fsync):
    /// the supervisor restarts it and it recovers from disk. EX_SOFTWARE.
    public static let fatalExitStatus: Int32 = 70

    /// Runs the node until a graceful shutdown.
    public func run() async throws {
        let logger = logger
        let runtime = try await NodeRuntime.startRegistryNode(configuration: configuration, logger: logger) { reason in
            logger.critical("stopping: \(reason)")
            exit(Self.fatalExitStatus)
        }
        do {
            let address = try NodeAPI.httpAddress(runtime: runtime)
            let app = try NodeAPI.application(runtime: runtime, address: address, logger: logger)
            logger.info("serving the API", metadata: ["node": "\(runtime.nodeID)", "http": "\(address.host):\(address.port)"])
            do {
                try await app.run()
            } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
                // NIO's message names the system call, not the address: an operator needs the port.
                throw NodeConfiguration.Problem(description: "cannot serve the API on \(address.host):\(address.port): \(error)")
            }
        } catch {
            await runtime.shutdown()
            throw error
        }
        await runtime.shutdown()
    }

    /// Runs the node until SIGTERM or SIGINT.
    public static func runUntilSignalled(configuration: NodeConfiguration, logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(
            services: [NodeService(configuration: configuration, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
