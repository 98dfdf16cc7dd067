import Foundation
import Testing

import Storage

/// A directory with a unique name under the system temporary directory.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sijil-storage-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a fresh temporary directory and removes it afterwards, whatever happens.
func withTemporaryDirectory<Result>(_ body: (TemporaryDirectory) throws -> Result) throws -> Result {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory)
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// `number` as 8 big-endian bytes, so byte order is numeric order (as for log indexes).
func key(_ number: UInt64) -> [UInt8] {
    withUnsafeBytes(of: number.bigEndian) { Array($0) }
}

/// `key(number)` after a one-byte prefix, like a shard group's log keys.
func key(_ number: UInt64, prefix: UInt8) -> [UInt8] {
    [prefix] + key(number)
}

/// Small options so that tests stay light: the behaviour under test does not depend on size.
func testOptions() -> RocksOptions {
    var options = RocksOptions()
    options.writeBufferSizeBytes = 4 * 1024 * 1024
    options.blockCacheSizeBytes = 8 * 1024 * 1024
    return options
}

/// Opens a database with the test options.
func openDatabase(_ path: String, _ columnFamilies: [String] = [], options: RocksOptions = testOptions())
    throws -> RocksDatabase
{
    try RocksDatabase(path: path, columnFamilies: columnFamilies, options: options)
}

/// Writes every `(key, value)` to `family` in one synced batch.
func putAll(_ database: RocksDatabase, _ entries: [(UInt64, [UInt8])], in family: ColumnFamily) throws {
    var batch = WriteBatch()
    for (number, value) in entries {
        try batch.put(key: key(number), value: value, in: family)
    }
    try database.write(batch, sync: true)
}

/// The files in `directory` whose name ends with `suffix`, sorted by name (RocksDB numbers
/// its files, so the last is the newest).
func files(in directory: String, withSuffix suffix: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { $0.hasSuffix(suffix) }
        .sorted()
        .map { (directory as NSString).appendingPathComponent($0) }
}

/// The size of the file at `path` in bytes.
func fileSize(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.size] as? NSNumber)?.intValue ?? -1
}

/// Inverts `count` bytes of the file at `path` starting at `offset`.
func flipBytes(of path: String, at offset: Int, count: Int) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    let original = try handle.read(upToCount: count) ?? Data()
    precondition(original.count == count, "file shorter than the bytes to flip")
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: Data(original.map { ~$0 }))
    try handle.synchronize()
}

/// A seeded generator (SplitMix64): the same seed gives the same bytes on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` pseudo-random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

/// Collects failure messages from several threads.
final class FailureCollector: @unchecked Sendable {
    // Sendable: `collected` is only touched while `lock` is held.
    private let lock = NSLock()
    private var collected: [String] = []

    func record(_ message: String) {
        lock.withLock { collected.append(message) }
    }

    var messages: [String] {
        lock.withLock { collected }
    }
}
