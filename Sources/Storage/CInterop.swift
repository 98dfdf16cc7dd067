import CRocksDB

/// The `char** errptr` out-parameter every fallible RocksDB C function takes.
typealias RocksErrorPointer = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

/// Calls a RocksDB C function that reports failure through `errptr`, and turns a reported
/// failure into a `StorageError`. The message is malloc'd by RocksDB and freed here.
func rocksCall<Result>(_ body: (RocksErrorPointer) -> Result) throws(StorageError) -> Result {
    var error: UnsafeMutablePointer<CChar>? = nil
    let result = withUnsafeMutablePointer(to: &error) { body($0) }
    if let error {
        let message = String(cString: error)
        rocksdb_free(error)
        throw StorageError(rocksDBMessage: message)
    }
    return result
}

/// Lends `bytes` to C as a `const char*` and a length. The pointer is never NULL, even for an
/// empty array, because RocksDB treats a NULL bound as "no bound" and builds slices from it.
func withCBytes<Result>(
    _ bytes: [UInt8], _ body: (UnsafePointer<CChar>, Int) throws -> Result
) rethrows -> Result {
    try bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress {
            return try base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                try body($0, buffer.count)
            }
        }
        var placeholder: CChar = 0
        return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
    }
}

/// Views `length` bytes at a pointer RocksDB returned; an empty view when the pointer is NULL
/// or the length is 0 (RocksDB may return NULL for an empty value).
func rawBuffer(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> UnsafeRawBufferPointer {
    guard let pointer, length > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length)
}

/// Copies `length` bytes at a pointer RocksDB returned into a new array.
func copyBytes(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8] {
    Array(rawBuffer(pointer, length))
}

/// Read options shared by every read of the wrapper: block checksums verified, so a damaged
/// block is reported as corruption instead of being decoded. The caller destroys the result.
func makeReadOptions(snapshot: OpaquePointer?) -> OpaquePointer {
    let readOptions = rocksdb_readoptions_create()!
    rocksdb_readoptions_set_verify_checksums(readOptions, 1)
    if let snapshot {
        rocksdb_readoptions_set_snapshot(readOptions, snapshot)
    }
    return readOptions
}
