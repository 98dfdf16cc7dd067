/// The limits the wrapper enforces before anything reaches RocksDB.
///
/// RocksDB's C API silently drops a write-batch entry whose key or value exceeds its own 4 GiB
/// length field, so the wrapper refuses oversized input up front with
/// `StorageError.limitExceeded`, and the batch is left unchanged.
public enum StorageLimits {
    /// Longest key accepted. Our keys are short composites (shard group, index, act number);
    /// RocksDB copies keys into index blocks and memtable nodes, so a key this long is a bug,
    /// not data.
    public static let keySizeBytesMax = 64 * 1024

    /// Longest value accepted. The largest record the node writes (a Raft entry carrying a
    /// batch of acts, a snapshot chunk) is bounded far below this by the transport frame limit;
    /// large values are rewritten by every compaction they take part in.
    public static let valueSizeBytesMax = 64 * 1024 * 1024

    /// Largest write batch, counting key and value bytes. One batch is one loop turn of group
    /// commit; during `write` it is held twice in memory (the Swift batch and RocksDB's copy)
    /// and becomes one WAL record, so a turn that needs more is doing something wrong.
    public static let batchSizeBytesMax = 512 * 1024 * 1024

    /// Longest column family name. Names are short constants of the node ("raft-log",
    /// "hard-state", ...) recorded in the MANIFEST.
    public static let columnFamilyNameBytesMax = 255

    /// Most column families in one database. Each one has its own memtables
    /// (`RocksOptions.writeBufferSizeBytes` times `maxWriteBufferCount` at worst), so the count
    /// bounds memory; the node needs a handful, one per kind of data, not one per shard group.
    public static let columnFamilyCountMax = 32
}
