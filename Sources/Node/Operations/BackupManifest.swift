import Crypto
import Foundation

/// The table of contents of a backup directory (`manifest.json`), written last: a backup
/// without it is incomplete. It names what the backup holds (the groups, each with the Raft
/// position of its state) and every file with its size and SHA-256, so that a restore refuses
/// a file that is missing, truncated, altered or foreign, naming it.
///
/// ```
/// manifest.json      this file
/// topology.toml      the cluster's topology when the backup was taken
/// db/...             a RocksDB checkpoint of the node that took it, holding only the groups listed
/// ```
public struct BackupManifest: Codable, Sendable, Equatable {
    /// The format of the directory.
    public static let formatName = "sijil-backup-1"
    /// The manifest's file name.
    public static let fileName = "manifest.json"

    /// One group in the backup, as its replica held it at the checkpoint.
    public struct Group: Codable, Sendable, Equatable {
        /// The shard group.
        public var group: UInt64
        /// Its region key.
        public var region: String
        /// The office codes it serves.
        public var firstOffice: UInt32
        /// The office codes it serves.
        public var lastOffice: UInt32
        /// The state holds every entry through this index...
        public var appliedIndex: UInt64
        /// ...whose term is this.
        public var appliedTerm: UInt64
        /// The durable log ends here (entries after the applied index are applied at restore).
        public var lastIndex: UInt64
        /// The term of the last entry.
        public var lastTerm: UInt64
        /// The commit index the replica knew.
        public var commitIndex: UInt64
        /// The voters when the backup was taken.
        public var voters: [UInt64]
        /// "center" or "region".
        public var durability: String

        /// Creates a value from its parts.
        public init(group: UInt64, region: String, firstOffice: UInt32, lastOffice: UInt32, appliedIndex: UInt64, appliedTerm: UInt64,
                    lastIndex: UInt64, lastTerm: UInt64, commitIndex: UInt64, voters: [UInt64], durability: String) {
            self.group = group
            self.region = region
            self.firstOffice = firstOffice
            self.lastOffice = lastOffice
            self.appliedIndex = appliedIndex
            self.appliedTerm = appliedTerm
            self.lastIndex = lastIndex
            self.lastTerm = lastTerm
            self.commitIndex = commitIndex
            self.voters = voters
            self.durability = durability
        }
    }

    /// One file of the backup.
    public struct File: Codable, Sendable, Equatable {
        /// Path relative to the backup directory.
        public var path: String
        /// Size in bytes.
        public var bytes: UInt64
        /// SHA-256, 64 hexadecimal digits.
        public var sha256: String
    }

    /// `formatName`.
    public var format: String
    /// The cluster's name.
    public var cluster: String
    /// The topology version when the backup was taken.
    public var topologyVersion: UInt64
    /// The node whose replicas were copied.
    public var node: UInt64
    /// "region RSK", or "cluster" for every group the node hosts.
    public var scope: String
    /// When the checkpoint was taken (ISO 8601, UTC).
    public var createdAt: String
    /// The groups, in id order.
    public var groups: [Group]
    /// Every file of the backup but the manifest, in path order.
    public var files: [File]

    /// Creates a value from its parts.
    public init(format: String, cluster: String, topologyVersion: UInt64, node: UInt64, scope: String, createdAt: String, groups: [Group], files: [File]) {
        self.format = format
        self.cluster = cluster
        self.topologyVersion = topologyVersion
        self.node = node
        self.scope = scope
        self.createdAt = createdAt
        self.groups = groups
        self.files = files
    }

    /// Lists every file under `directory` (but the manifest) with its size and digest.
    public static func inventory(of directory: String) throws -> [File] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw BackupError.unreadable(path: directory, reason: "not a directory")
        }
        var files: [File] = []
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if relative == fileName { continue }
            let (bytes, digest) = try digestOf(path: path)
            files.append(File(path: relative, bytes: bytes, sha256: digest))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Size and SHA-256 of a file, read in pieces (SST files can be large).
    static func digestOf(path: String) throws -> (UInt64, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.unreadable(path: path, reason: "cannot open") }
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes: UInt64 = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw BackupError.unreadable(path: path, reason: "\(error)")
            }
            if chunk.isEmpty { break }
            bytes += UInt64(chunk.count)
            hash.update(data: chunk)
        }
        return (bytes, hash.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// Reads and checks a backup directory: the manifest is there and of this format, every
    /// file it lists is there with its size and digest, and nothing else is. Throws the first
    /// problem, naming the file.
    public static func verify(directory: String) throws -> BackupManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupError.incomplete(path: path, reason: "no manifest: the backup did not finish, or this is not a backup directory")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw BackupError.corrupted(path: path, reason: "the manifest does not decode: \(error)")
        }
        guard manifest.format == formatName else {
            throw BackupError.corrupted(path: path, reason: "format \(manifest.format), expected \(formatName)")
        }
        let present = try inventory(of: directory)
        let byPath = Dictionary(present.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for file in manifest.files {
            guard let found = byPath[file.path] else {
                throw BackupError.incomplete(path: directory + "/" + file.path, reason: "listed in the manifest but missing")
            }
            if found.bytes != file.bytes {
                throw BackupError.corrupted(path: directory + "/" + file.path, reason: "\(found.bytes) bytes, the manifest says \(file.bytes)")
            }
            if found.sha256 != file.sha256 {
                throw BackupError.corrupted(path: directory + "/" + file.path, reason: "SHA-256 \(found.sha256) differs from the manifest's \(file.sha256)")
            }
        }
        let listed = Set(manifest.files.map(\.path))
        if let stray = present.first(where: { !listed.contains($0.path) }) {
            throw BackupError.corrupted(path: directory + "/" + stray.path, reason: "not part of the backup (not in the manifest)")
        }
        if manifest.groups.isEmpty { throw BackupError.corrupted(path: path, reason: "the manifest lists no group") }
        return manifest
    }
}

/// Why a backup could not be taken, checked or restored. Every case names the file.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The backup lacks something (its manifest, a listed file).
    case incomplete(path: String, reason: String)
    /// Something in the backup is not what the manifest says.
    case corrupted(path: String, reason: String)
    /// A file or directory could not be read or written.
    case unreadable(path: String, reason: String)
    /// The target of a backup or a restore is not usable.
    case refused(path: String, reason: String)

    /// A stable code for logs and scripts.
    public var code: String {
        switch self {
        case .incomplete: "backup.incomplete"
        case .corrupted: "backup.corrupted"
        case .unreadable: "backup.unreadable"
        case .refused: "backup.refused"
        }
    }

    /// Why, for people.
    public var description: String {
        switch self {
        case .incomplete(let path, let reason): "\(code): \(path): \(reason)"
        case .corrupted(let path, let reason): "\(code): \(path): \(reason)"
        case .unreadable(let path, let reason): "\(code): \(path): \(reason)"
        case .refused(let path, let reason): "\(code): \(path): \(reason)"
        }
    }
}
