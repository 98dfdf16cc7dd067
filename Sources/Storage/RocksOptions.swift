/// The tunable options of a `RocksDatabase`, with defaults chosen for Sijil's workload.
///
/// The workload: many shard groups share one database; each loop turn of the node writes one
/// batch (Raft entries appended, hard states, applied registry state) and syncs it; the log is
/// read mostly at its tail, truncated by range deletes, and the registry state is read by point
/// lookups and short range scans. Settings that protect correctness are not options at all:
/// the WAL is always on, `paranoid_checks` is always on, reads always verify block checksums.
/// `docs/STORAGE.md` explains every default.
public struct RocksOptions: Sendable, Equatable {
    /// Block compression of SST files.
    public enum Compression: Sendable, Equatable {
        /// No compression.
        case none
        /// LZ4: cheap enough to stay off the write path's critical section (flushes and
        /// compactions run in the background) while roughly halving the size of act records.
        case lz4
    }

    /// What RocksDB does with a damaged write-ahead log when it opens the database.
    public enum WALRecovery: Sendable, Equatable {
        /// Drops an incomplete record at the very end of a WAL (a write torn by a crash, which
        /// was never synced and so never acknowledged) and refuses to open, with
        /// `StorageError.corruption`, on damage anywhere else. The default: nothing synced is
        /// ever silently dropped.
        case tolerateCorruptedTail
        /// Refuses to open on any damage, even a torn tail. For forensic use.
        case absoluteConsistency
        /// Replays up to the first damaged record and silently drops everything after it, even
        /// synced writes. Not safe for a Raft log; offered only for salvaging a copy.
        case pointInTime
    }

    /// Create the database directory and files when they do not exist.
    public var createIfMissing = true

    /// Threads for flushes and compactions together. Four lets a flush proceed while up to
    /// three compactions run, so a burst of appends is not stalled behind compaction debt.
    public var maxBackgroundJobs = 4

    /// Size of one memtable per column family. 64 MiB (RocksDB's default) keeps several seconds
    /// of appends in memory, so the tail of the log is usually read from the memtable.
    public var writeBufferSizeBytes = 64 * 1024 * 1024

    /// Memtables per column family (the active one plus those waiting to be flushed). Four
    /// absorbs a write burst while a flush is slow instead of stalling the writer.
    public var maxWriteBufferCount = 4

    /// When the WALs together exceed this size, RocksDB flushes the column families that keep
    /// the oldest WAL alive. Bounds recovery time and disk use when one column family is
    /// written rarely (hard state) and another often (log).
    public var maxTotalWALSizeBytes: UInt64 = 512 * 1024 * 1024

    /// Flushes and compactions ask the OS to write SST data out every this many bytes instead
    /// of all at once when the file is closed, so a big SST sync does not queue in front of the
    /// WAL fsync that acknowledges writes.
    public var bytesPerSync: UInt64 = 1024 * 1024

    /// SST block compression.
    public var compression: Compression = .lz4

    /// Capacity of the LRU block cache shared by all column families. Memory is taken as blocks
    /// are read, not up front.
    public var blockCacheSizeBytes = 128 * 1024 * 1024

    /// Uncompressed size of an SST data block. 16 KiB holds several act records per block,
    /// fewer index entries than the 4 KiB default, and costs little for point reads.
    public var blockSizeBytes = 16 * 1024

    /// Bits per key of the Bloom filter of each SST; 0 disables it. Ten bits give about 1 %
    /// false positives, sparing a disk read for most lookups of absent keys (hard states,
    /// registry keys, duplicate checks).
    public var bloomFilterBitsPerKey = 10.0

    /// Share of a memtable's size given to a Bloom filter of its whole keys; 0 disables it. A
    /// point lookup of an absent key (most registry checks: request ids, review records, act
    /// numbers, civil ids) then skips the memtables' skip lists as it skips SSTs. 1 % of 64 MiB
    /// is about 5 million bits, over 20 per key for the small records the state holds.
    public var memtableBloomRatio = 0.01

    /// Most SST files kept open. Bounded so that RocksDB plus the node's sockets stay under the
    /// process's file-descriptor limit; raise both together.
    public var maxOpenFiles = 1024

    /// RocksDB's informational LOG files kept in the database directory, and the size at which
    /// one is rotated; together they bound the disk the engine's diagnostics may use.
    public var infoLogFileCountMax = 10
    /// Size at which RocksDB rotates its informational LOG file.
    public var infoLogFileSizeBytesMax = 64 * 1024 * 1024

    /// Recovery policy for a damaged WAL.
    public var walRecovery: WALRecovery = .tolerateCorruptedTail

    /// The defaults above.
    public init() {}

    /// Every numeric option must be positive (the Bloom filters may be 0, disabled).
    func validate() throws(StorageError) {
        let positive: [(String, Int)] = [
            ("maxBackgroundJobs", maxBackgroundJobs),
            ("writeBufferSizeBytes", writeBufferSizeBytes),
            ("maxWriteBufferCount", maxWriteBufferCount),
            ("blockCacheSizeBytes", blockCacheSizeBytes),
            ("blockSizeBytes", blockSizeBytes),
            ("maxOpenFiles", maxOpenFiles),
            ("infoLogFileCountMax", infoLogFileCountMax),
            ("infoLogFileSizeBytesMax", infoLogFileSizeBytesMax),
        ]
        for (field, value) in positive where value <= 0 {
            throw .invalidInput(field: field, reason: "must be greater than 0, got \(value)")
        }
        if maxTotalWALSizeBytes == 0 {
            throw .invalidInput(field: "maxTotalWALSizeBytes", reason: "must be greater than 0")
        }
        if bytesPerSync == 0 {
            throw .invalidInput(field: "bytesPerSync", reason: "must be greater than 0")
        }
        if !(memtableBloomRatio >= 0 && memtableBloomRatio <= 0.25) {
            throw .invalidInput(field: "memtableBloomRatio", reason: "must be between 0 and 0.25, got \(memtableBloomRatio)")
        }
        if !(bloomFilterBitsPerKey >= 0 && bloomFilterBitsPerKey <= 64) {
            throw .invalidInput(
                field: "bloomFilterBitsPerKey", reason: "must be between 0 and 64, got \(bloomFilterBitsPerKey)")
        }
    }
}
