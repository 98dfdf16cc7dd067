import CRocksDB

/// A cursor over one column family, optionally confined to a `KeyRange` and read through a
/// `ReadSnapshot`.
///
/// Create it with `RocksDatabase.makeIterator(in:range:snapshot:)`. It holds its database (and
/// snapshot) strongly, so it can never outlive them, and the database refuses to close while it
/// is alive. Its C resources are freed when the last reference goes away, deterministically.
///
/// Every movement returns whether the iterator now points at an entry. When it does not, the
/// movement also asks RocksDB whether the end was reached because of an error, and throws it
/// (`StorageError.corruption` for a damaged block): running out of data and failing to read
/// data are never confused.
///
/// Not `Sendable`: use an iterator from one thread at a time.
public final class RocksIterator {
    private let database: RocksDatabase
    private let snapshot: ReadSnapshot?
    private let iterator: OpaquePointer
    private let readOptions: OpaquePointer
    /// Copies of the range bounds: RocksDB keeps pointers to them, not copies.
    private let lowerBound: BoundCopy
    private let upperBound: BoundCopy?

    /// Whether the iterator points at an entry; `key` and `value` require it.
    public private(set) var isValid = false

    /// Called by `RocksDatabase.makeIterator` with its read lock held; counts the iterator.
    init(
        database: RocksDatabase, engine: RocksDatabase.Engine, handle: OpaquePointer, range: KeyRange,
        snapshot: ReadSnapshot?
    ) {
        self.database = database
        self.snapshot = snapshot
        lowerBound = BoundCopy(range.start)
        // An empty range is given an upper bound equal to its lower bound, so it yields nothing.
        upperBound = range.isEmpty ? BoundCopy(range.start) : range.end.map(BoundCopy.init)
        readOptions = makeReadOptions(snapshot: snapshot?.pointer)
        rocksdb_readoptions_set_iterate_lower_bound(readOptions, lowerBound.pointer, lowerBound.count)
        if let upperBound {
            rocksdb_readoptions_set_iterate_upper_bound(readOptions, upperBound.pointer, upperBound.count)
        }
        iterator = rocksdb_create_iterator_cf(engine.database, readOptions, handle)!
        database.ledger.acquire(.iterator)
    }

    deinit {
        rocksdb_iter_destroy(iterator)
        rocksdb_readoptions_destroy(readOptions)
        lowerBound.pointer.deallocate()
        upperBound?.pointer.deallocate()
        database.ledger.release(.iterator)
    }

    /// Moves to the first entry of the range.
    @discardableResult
    public func seekToFirst() throws(StorageError) -> Bool {
        rocksdb_iter_seek_to_first(iterator)
        return try settle()
    }

    /// Moves to the last entry of the range.
    @discardableResult
    public func seekToLast() throws(StorageError) -> Bool {
        rocksdb_iter_seek_to_last(iterator)
        return try settle()
    }

    /// Moves to the first entry whose key is at or after `key`.
    @discardableResult
    public func seek(to key: [UInt8]) throws(StorageError) -> Bool {
        withCBytes(key) { rocksdb_iter_seek(iterator, $0, $1) }
        return try settle()
    }

    /// Moves to the last entry whose key is at or before `key`.
    @discardableResult
    public func seek(atOrBefore key: [UInt8]) throws(StorageError) -> Bool {
        withCBytes(key) { rocksdb_iter_seek_for_prev(iterator, $0, $1) }
        return try settle()
    }

    /// Moves to the next entry. Requires `isValid`.
    @discardableResult
    public func next() throws(StorageError) -> Bool {
        precondition(isValid, "next() on an iterator that points at no entry")
        rocksdb_iter_next(iterator)
        return try settle()
    }

    /// Moves to the previous entry. Requires `isValid`.
    @discardableResult
    public func previous() throws(StorageError) -> Bool {
        precondition(isValid, "previous() on an iterator that points at no entry")
        rocksdb_iter_prev(iterator)
        return try settle()
    }

    /// A copy of the current key. Requires `isValid`.
    public var key: [UInt8] {
        withKey { Array($0) }
    }

    /// A copy of the current value. Requires `isValid`.
    public var value: [UInt8] {
        withValue { Array($0) }
    }

    /// A copy of the current entry. Requires `isValid`.
    public var entry: KeyValue {
        KeyValue(key: key, value: value)
    }

    /// Lends the current key without copying; the buffer is valid only inside `body`.
    /// Requires `isValid`.
    public func withKey<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        precondition(isValid, "key read from an iterator that points at no entry")
        var length = 0
        let pointer = rocksdb_iter_key(iterator, &length)
        return try body(rawBuffer(pointer, length))
    }

    /// Lends the current value without copying; the buffer is valid only inside `body`.
    /// Requires `isValid`.
    public func withValue<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        precondition(isValid, "value read from an iterator that points at no entry")
        var length = 0
        let pointer = rocksdb_iter_value(iterator, &length)
        return try body(rawBuffer(pointer, length))
    }

    private func settle() throws(StorageError) -> Bool {
        isValid = rocksdb_iter_valid(iterator) != 0
        if !isValid {
            try rocksCall { error in rocksdb_iter_get_error(iterator, error) }
        }
        return isValid
    }
}

@available(*, unavailable)
extension RocksIterator: Sendable {}

/// A heap copy of a range bound with a stable address; RocksDB keeps a pointer to the bound for
/// as long as the iterator lives. Freed by the iterator's deinit.
private struct BoundCopy {
    let pointer: UnsafeMutablePointer<CChar>
    let count: Int

    init(_ bytes: [UInt8]) {
        // At least one byte, so the address is never NULL (NULL means "no bound").
        pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
        count = bytes.count
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress {
                UnsafeMutableRawPointer(pointer).copyMemory(from: base, byteCount: source.count)
            }
        }
    }
}
