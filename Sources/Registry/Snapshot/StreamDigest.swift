import Crypto

/// The running digest of a snapshot stream: SHA-256 over every pair in order, each as
/// u32 key length ‖ key ‖ u32 value length ‖ value.
struct StreamDigest {
    private var hasher = SHA256()

    mutating func add(key: [UInt8], value: [UInt8]) {
        var writer = ByteWriter(reservingCapacity: key.count + value.count + 8)
        writer.writeBytes(key)
        writer.writeBytes(value)
        hasher.update(data: writer.bytes)
    }

    func finalize() -> ChainDigest {
        ChainDigest(unchecked: Array(hasher.finalize()))
    }
}
