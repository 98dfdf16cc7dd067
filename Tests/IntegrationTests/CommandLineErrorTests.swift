import Foundation
import Testing

/// What the `sijil` binary answers to options it refuses: the refusal, the usage of the command
/// that refused them, and the usage exit code.
@Suite struct CommandLineErrorTests {
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestCluster.binary())
        process.arguments = arguments
        // An empty environment directory: no configuration of the machine is read.
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                   standardError: String(decoding: errorData, as: UTF8.self))
    }

    @Test(arguments: [
        (["cluster", "verify"], "sijil cluster verify"),
        (["cluster", "status"], "sijil cluster status"),
        (["import", "records.csv"], "sijil import run"),
    ])
    func aCommandMissingItsClusterIsAnsweredWithItsOwnUsage(arguments: [String], path: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 64, "exit status \(result.status); stderr: \(result.standardError)")
        #expect(result.standardError.hasPrefix("Error: give --"), "\(result.standardError)")
        #expect(result.standardError.contains("Usage: \(path) "), "\(result.standardError)")
        #expect(result.standardError.contains("See '\(path) --help'"), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func anOptionRefusedWhileParsingKeepsArgumentParsersAnswer() throws {
        let result = try Self.run(["cluster", "verify", "--wait-ms", "soon"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("Usage: sijil cluster verify "), "\(result.standardError)")
    }
}
