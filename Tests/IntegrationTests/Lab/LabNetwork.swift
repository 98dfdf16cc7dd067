import Foundation

/// The lab's hosts (Cluster/lab/lab.sh): network namespaces joined by veth links to one bridge
/// per region and one for the centre. The tests use their own prefix and addresses, so that an
/// operator's lab on the same machine is never touched.
struct LabNetwork: Sendable {
    /// Names of the test lab's namespaces, links and bridges.
    static let prefix = "sjt"
    /// The test lab's addresses: 10.79.<region code>.<k>, the centre 10.79.99.1.
    static let net = "10.79"

    /// The repository's root, from this file's place in it.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static var script: String { repositoryRoot + "/Cluster/lab/lab.sh" }

    /// Why the lab cannot run here (not root, no iproute2, namespaces not permitted), or nil.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "the lab needs root (network namespaces); run the suite as root to include it" }
        guard let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return "the lab needs iproute2 (ip)"
        }
        let probe = "\(prefix)-probe-\(getpid())"
        guard (try? run(ip, ["netns", "add", probe])) != nil else {
            return "this machine does not permit creating network namespaces (ip netns add failed)"
        }
        _ = try? run(ip, ["netns", "del", probe])
        return nil
    }()

    /// A command's failure: its arguments, status and output.
    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program to its end and returns its standard output; throws on a non-zero exit.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(program) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    /// Runs `lab.sh` with the test lab's prefix and addresses.
    @discardableResult
    func lab(_ arguments: String...) throws -> String { try lab(arguments: arguments) }

    @discardableResult
    func lab(arguments: [String]) throws -> String {
        try Self.run("/bin/bash", [Self.script] + arguments, environment: ["SIJIL_LAB_PREFIX": Self.prefix, "SIJIL_LAB_NET": Self.net])
    }

    /// The lab host names of region codes (as lab.sh names them).
    static let regionHosts: [Int: String] = [1: "tta", 2: "ori", 3: "fm", 4: "rsk", 5: "bmk", 6: "cs", 7: "ms", 8: "dt", 9: "sm", 10: "gon", 11: "lsh", 12: "dod"]

    /// The lab host at `address` (10.79.<code>.<k> is region code's host k; .99.1 the centre).
    static func host(ofAddress address: String) -> String? {
        let parts = address.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return nil }
        if parts[2] == 99 { return "center" }
        return regionHosts[parts[2]].map { "\($0)\(parts[3])" }
    }

    /// The namespace of a lab host.
    static func namespace(of host: String) -> String { "\(prefix)-\(host)" }
}
