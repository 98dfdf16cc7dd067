import Foundation

/// Small files replaced so that a reader, or a node started after a power loss, sees either the
/// old contents or the new ones, never part of them: the bytes go to a temporary file beside
/// the file, are synced, replace it by a rename, and the directory is synced.
public enum DurableFile {
    /// Why a file could not be written.
    public struct Failure: Error, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What failed.
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Replaces `path` with `bytes`, atomically and durably.
    public static func replace(_ path: String, with bytes: [UInt8], permissions: mode_t = 0o600) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw Failure(path: temporary, reason: "cannot create: \(String(cString: strerror(errno)))") }
        do throws(Failure) {
            try writeAll(bytes, to: fd, path: temporary)
            guard fsync(fd) == 0 else { throw Failure(path: temporary, reason: "cannot sync: \(String(cString: strerror(errno)))") }
        } catch {
            _ = Foundation.close(fd)
            unlink(temporary)
            throw error
        }
        _ = Foundation.close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(path: path, reason: "cannot replace: \(reason)")
        }
        let directory = Foundation.open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                                        O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            _ = Foundation.close(directory)
        }
    }

    /// Writes every byte of `bytes` to `fd`, retrying interrupted and short writes.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            written += n
        }
    }
}
