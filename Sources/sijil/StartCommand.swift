import ArgumentParser
import Foundation
import Logging
import Node

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Run one node from its TOML configuration until SIGTERM or SIGINT.")

    @Option(name: .long, help: "The node's configuration file.")
    var config: String

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["SIJIL_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return handler
        }
        let configuration: NodeConfiguration
        do { configuration = try NodeConfiguration.load(path: config) } catch {
            FileHandle.standardError.write(Data("sijil start: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var logger = Logger(label: "sijil.node")
        logger[metadataKey: "node"] = "\(configuration.nodeID)"
        try await NodeService.runUntilSignalled(configuration: configuration, logger: logger)
    }
}
