import Foundation
import Testing

import Storage

extension StorageTests {
    @Suite struct Lifecycle {
        @Test func openingAPathThatIsAFileFailsWithAnIOError() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("a-file")
                #expect(FileManager.default.createFile(atPath: path, contents: Data("not a database".utf8)))
                #expect {
                    try openDatabase(path)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.io"
                }
                // The file is untouched.
                #expect(FileManager.default.contents(atPath: path) == Data("not a database".utf8))
            }
        }

        @Test func openingAMissingDatabaseWithoutCreateIfMissingFails() throws {
            try withTemporaryDirectory { directory in
                var options = testOptions()
                options.createIfMissing = false
                #expect {
                    try openDatabase(directory.path("missing"), options: options)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.invalid_argument"
                }
            }
        }

        @Test func secondOpenOfTheSamePathFailsWhileTheFirstIsOpen() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path)
                #expect {
                    try openDatabase(path)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.io"
                }
                try database.close()
                try openDatabase(path).close()  // the lock is released by close
            }
        }

        @Test func invalidOptionsAreRefusedNamingTheField() throws {
            try withTemporaryDirectory { directory in
                var options = testOptions()
                options.writeBufferSizeBytes = 0
                #expect(throws: StorageError.invalidInput(
                    field: "writeBufferSizeBytes", reason: "must be greater than 0, got 0")) {
                    try openDatabase(directory.path("db"), options: options)
                }
                options = testOptions()
                options.bloomFilterBitsPerKey = -1
                #expect(throws: StorageError.invalidInput(
                    field: "bloomFilterBitsPerKey", reason: "must be between 0 and 64, got -1.0")) {
                    try openDatabase(directory.path("db"), options: options)
                }
                options = testOptions()
                options.memtableBloomRatio = 0.5
                #expect(throws: StorageError.invalidInput(
                    field: "memtableBloomRatio", reason: "must be between 0 and 0.25, got 0.5")) {
                    try openDatabase(directory.path("db"), options: options)
                }
            }
        }

        @Test func everyOperationAfterCloseThrowsClosed() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try database.columnFamily("log")
                var batch = WriteBatch()
                try batch.put(key: key(1), value: bytes("x"), in: log)
                try database.close()
                #expect(database.isClosed)

                #expect(throws: StorageError.closed(operation: "get")) { try database.get(key(1), in: log) }
                #expect(throws: StorageError.closed(operation: "withValue")) {
                    try database.withValue(forKey: key(1), in: log) { $0 != nil }
                }
                #expect(throws: StorageError.closed(operation: "write")) { try database.write(batch, sync: true) }
                #expect(throws: StorageError.closed(operation: "syncWAL")) { try database.syncWAL() }
                #expect(throws: StorageError.closed(operation: "makeIterator")) {
                    try database.makeIterator(in: log)
                }
                #expect(throws: StorageError.closed(operation: "makeIterator")) {
                    try database.scan(in: log, range: .all, limit: 10)
                }
                #expect(throws: StorageError.closed(operation: "makeIterator")) {
                    try database.last(in: log, range: .all)
                }
                #expect(throws: StorageError.closed(operation: "snapshot")) { try database.snapshot() }
                #expect(throws: StorageError.closed(operation: "flush")) { try database.flush() }
                #expect(throws: StorageError.closed(operation: "compactRange")) { try database.compactRange(in: log) }
                #expect(throws: StorageError.closed(operation: "property")) {
                    try database.property(RocksProperty.stats)
                }
                #expect(throws: StorageError.closed(operation: "integerProperty")) {
                    try database.integerProperty(RocksProperty.estimatedKeyCount)
                }
                #expect(throws: StorageError.closed(operation: "checkpoint")) {
                    try database.checkpoint(to: directory.path("backup"))
                }
            }
        }

        @Test func secondCloseThrowsClosed() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                try database.close()
                #expect(throws: StorageError.closed(operation: "close")) { try database.close() }
            }
        }

        @Test func closeIsRefusedWhileAnIteratorSnapshotOrPinnedValueIsAlive() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                try putAll(database, [(1, bytes("one"))], in: family)

                do {
                    let iterator = try database.makeIterator(in: family)
                    #expect(throws: StorageError.inUse(iterators: 1, snapshots: 0, pinnedValues: 0)) {
                        try withExtendedLifetime(iterator) { try database.close() }
                    }
                    let snapshot = try database.snapshot()
                    #expect(throws: StorageError.inUse(iterators: 1, snapshots: 1, pinnedValues: 0)) {
                        try withExtendedLifetime((iterator, snapshot)) { try database.close() }
                    }
                }
                let refusal = try database.withValue(forKey: key(1), in: family) { value -> StorageError? in
                    do {
                        try database.close()
                        return nil
                    } catch let error as StorageError {
                        return error
                    }
                }
                #expect(refusal == .inUse(iterators: 0, snapshots: 0, pinnedValues: 1))
                // Still open and usable after the refusals.
                #expect(try database.get(key(1), in: family) == bytes("one"))
                try database.close()
            }
        }

        @Test func databaseDroppedWithoutCloseReleasesItsLock() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                do {
                    let database = try openDatabase(path)
                    try putAll(database, [(1, bytes("one"))], in: database.defaultColumnFamily)
                }
                let reopened = try openDatabase(path)
                #expect(try reopened.get(key(1), in: reopened.defaultColumnFamily) == bytes("one"))
                try reopened.close()
            }
        }
    }
}
