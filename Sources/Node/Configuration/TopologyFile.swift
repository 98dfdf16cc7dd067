import Foundation

/// Writes a topology file so that a reader never sees half of it: the text goes to a
/// temporary file beside it, is flushed to disk, and replaces the old file by a rename.
public enum TopologyFile {
    /// Writes `topology` as TOML to `path`, atomically.
    public static func write(_ topology: ClusterTopology, to path: String) throws {
        let text = try NodeConfiguration.encode(topology)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw NodeConfiguration.Problem(description: "\(temporary): cannot write")
        }
        if let handle = FileHandle(forWritingAtPath: temporary) {
            try? handle.synchronize()
            try? handle.close()
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw NodeConfiguration.Problem(description: "\(path): cannot replace: \(reason)")
        }
    }
}
