import Foundation

/// Writes a topology file so that a reader never sees half of it (`DurableFile`).
public enum TopologyFile {
    /// Writes `topology` as TOML to `path`, atomically.
    public static func write(_ topology: ClusterTopology, to path: String) throws {
        let text = try NodeConfiguration.encode(topology)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do throws(DurableFile.Failure) {
            try DurableFile.replace(path, with: Array(text.utf8), permissions: 0o644)
        } catch {
            throw NodeConfiguration.Problem(description: error.description)
        }
    }
}
