import ArgumentParser
import Foundation

/// `sijil`: run a node, a local cluster, and drive a cluster and its register.
@main
struct Sijil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sijil",
        abstract: "Sijil, the national civil-status register: nodes, cluster operations and acts.",
        subcommands: [StartCommand.self, DevCommand.self, ClusterCommand.self, ActCommand.self, CertCommand.self, TokenCommand.self, BenchCommand.self, ImportCommand.self])

    /// ArgumentParser's own entry point, except for one thing: options a command refuses once it
    /// runs (a `ValidationError` thrown by `run()`, such as a missing `--dir`) are answered with
    /// that command's usage, as a refusal while parsing is, instead of the root's.
    static func main() async {
        let command: any ParsableCommand
        do { command = try await asyncParseAsRoot(nil) } catch { exit(withError: error) }
        do {
            var running = command
            if var asyncCommand = running as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try running.run()
            }
        } catch let error as ValidationError {
            let path = commandPath(to: type(of: command)).joined(separator: " ")
            let usage = usageString(for: type(of: command))
            FileHandle.standardError.write(Data("Error: \(error.message)\nUsage: \(usage)\n  See '\(path) --help' for more information.\n".utf8))
            exit(withError: ExitCode.validationFailure)
        } catch {
            exit(withError: error)
        }
    }

    /// The command names from the root to `target`, e.g. `sijil cluster verify`.
    static func commandPath(to target: any ParsableCommand.Type) -> [String] {
        func search(_ type: any ParsableCommand.Type, _ path: [String]) -> [String]? {
            let here = path + [type._commandName]
            if type == target { return here }
            for subcommand in type.configuration.subcommands {
                if let found = search(subcommand, here) { return found }
            }
            return nil
        }
        return search(Sijil.self, []) ?? [Sijil._commandName]
    }
}
