import Testing

/// Every storage test, run one at a time: they open real RocksDB databases, and the memory
/// check in `ResourceLeakTests` must not see the memory of other tests running beside it.
@Suite(.serialized)
enum StorageTests {}
