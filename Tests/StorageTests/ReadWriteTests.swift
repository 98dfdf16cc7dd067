import Foundation
import Testing

import Storage

extension StorageTests {
    @Suite struct ReadWrite {
        @Test func missingKeyIsNilAndStoredEmptyValueIsEmpty() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                var batch = WriteBatch()
                try batch.put(key: bytes("empty"), value: [], in: family)
                try database.write(batch, sync: true)

                #expect(try database.get(bytes("absent"), in: family) == nil)
                #expect(try database.get(bytes("empty"), in: family) == [])
                let absentIsNil = try database.withValue(forKey: bytes("absent"), in: family) { $0 == nil }
                let emptyCount = try database.withValue(forKey: bytes("empty"), in: family) { $0?.count }
                #expect(absentIsNil)
                #expect(emptyCount == 0)
                try database.close()
            }
        }

        @Test func withValueLendsTheStoredBytes() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                try putAll(database, [(1, bytes("first value"))], in: family)
                try database.flush()  // read from an SST block, not only from the memtable
                let lent = try database.withValue(forKey: key(1), in: family) { $0.map { Array($0) } }
                #expect(lent == bytes("first value"))
                try database.close()
            }
        }

        @Test func syncedWriteSurvivesCloseAndReopen() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path, ["log"])
                try putAll(database, [(1, bytes("one")), (2, bytes("two"))], in: try database.columnFamily("log"))
                try database.close()

                let reopened = try openDatabase(path, ["log"])
                let log = try reopened.columnFamily("log")
                #expect(try reopened.get(key(1), in: log) == bytes("one"))
                #expect(try reopened.get(key(2), in: log) == bytes("two"))
                try reopened.close()
            }
        }

        @Test func unsyncedWriteSurvivesCleanClose() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path)
                var batch = WriteBatch()
                try batch.put(key: key(7), value: bytes("buffered"), in: database.defaultColumnFamily)
                try database.write(batch, sync: false)
                try database.close()

                let reopened = try openDatabase(path)
                #expect(try reopened.get(key(7), in: reopened.defaultColumnFamily) == bytes("buffered"))
                try reopened.close()
            }
        }

        @Test func batchAppliesOperationsInTheOrderTheyWereAdded() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                var batch = WriteBatch()
                try batch.put(key: key(1), value: bytes("old"), in: family)
                try batch.delete(key: key(1), in: family)
                try batch.put(key: key(1), value: bytes("new"), in: family)
                try batch.put(key: key(2), value: bytes("gone"), in: family)
                try batch.delete(key: key(2), in: family)
                #expect(batch.count == 5)
                try database.write(batch, sync: true)

                #expect(try database.get(key(1), in: family) == bytes("new"))
                #expect(try database.get(key(2), in: family) == nil)
                try database.close()
            }
        }

        @Test func batchCountsOperationsAndKeyAndValueBytes() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                var batch = WriteBatch()
                #expect(batch.isEmpty)
                try batch.put(key: [1, 2, 3], value: [4, 5], in: family)
                try batch.delete(key: [9], in: family)
                try batch.deleteRange(from: [10], to: [20, 0], in: family)
                #expect(batch.count == 3)
                #expect(batch.byteCount == 5 + 1 + 3)
                batch.removeAll()
                #expect(batch.isEmpty)
                #expect(batch.byteCount == 0)
                try database.close()
            }
        }

        @Test func emptyBatchWritesNothingAndSucceeds() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                try database.write(WriteBatch(), sync: true)
                try database.write(WriteBatch(), sync: false)
                try database.syncWAL()
                #expect(try database.scan(in: database.defaultColumnFamily, range: .all, limit: 10).isEmpty)
                try database.close()
            }
        }

        @Test func deleteRangeRemovesExactlyTheHalfOpenRange() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                try putAll(database, (0..<10).map { ($0, bytes("v\($0)")) }, in: family)
                try database.flush()  // half the keys in an SST, half in the memtable
                try putAll(database, (10..<20).map { ($0, bytes("v\($0)")) }, in: family)

                var batch = WriteBatch()
                try batch.deleteRange(from: key(3), to: key(15), in: family)
                try database.write(batch, sync: true)

                let remaining = try database.scan(in: family, range: .all, limit: 100).map(\.key)
                let expected = ([0, 1, 2] + Array(15..<20)).map { key(UInt64($0)) }
                #expect(remaining == expected)
                #expect(try database.get(key(3), in: family) == nil)
                #expect(try database.get(key(14), in: family) == nil)
                #expect(try database.get(key(15), in: family) == bytes("v15"))

                try database.flush()  // the tombstone itself in an SST
                #expect(try database.scan(in: family, range: .all, limit: 100).map(\.key) == expected)
                try database.close()
            }
        }

        @Test func invertedRangeDeleteIsRefusedAndEmptyOneAddsNothing() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                var batch = WriteBatch()
                #expect(throws: StorageError.invalidInput(
                    field: "end", reason: "the end of a range delete sorts before its start")) {
                    try batch.deleteRange(from: key(5), to: key(4), in: family)
                }
                try batch.deleteRange(from: key(5), to: key(5), in: family)
                #expect(batch.isEmpty)
                try database.close()
            }
        }

        @Test func oversizedKeyOrValueIsRefusedAndLeavesTheBatchUnchanged() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let family = database.defaultColumnFamily
                var batch = WriteBatch()
                try batch.put(key: key(1), value: bytes("kept"), in: family)
                let longKey = [UInt8](repeating: 7, count: StorageLimits.keySizeBytesMax + 1)
                #expect(throws: StorageError.limitExceeded(
                    field: "key", sizeBytes: longKey.count, limitBytes: StorageLimits.keySizeBytesMax)) {
                    try batch.put(key: longKey, value: [], in: family)
                }
                let bigValue = [UInt8](repeating: 7, count: StorageLimits.valueSizeBytesMax + 1)
                #expect(throws: StorageError.limitExceeded(
                    field: "value", sizeBytes: bigValue.count, limitBytes: StorageLimits.valueSizeBytesMax)) {
                    try batch.put(key: key(2), value: bigValue, in: family)
                }
                #expect(batch.count == 1)
                #expect(batch.byteCount == key(1).count + 4)
                try database.write(batch, sync: true)
                #expect(try database.scan(in: family, range: .all, limit: 10).map(\.key) == [key(1)])
                try database.close()
            }
        }

        @Test func concurrentWritersAndReadersSeeEveryCompletedWrite() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try database.columnFamily("log")
                let writerCount = 4
                let keysPerWriter: UInt64 = 200
                let failures = FailureCollector()
                DispatchQueue.concurrentPerform(iterations: writerCount) { writer in
                    do {
                        for number in 0..<keysPerWriter {
                            let written = key(number, prefix: UInt8(writer))
                            var batch = WriteBatch()
                            try batch.put(key: written, value: written, in: log)
                            try database.write(batch, sync: number % 50 == 0)
                            // A write that returned is visible to every later read.
                            if try database.get(written, in: log) != written {
                                failures.record("writer \(writer) cannot read back key \(number)")
                            }
                        }
                    } catch {
                        failures.record("writer \(writer): \(error)")
                    }
                }
                #expect(failures.messages.isEmpty, "\(failures.messages)")
                let all = try database.scan(in: log, range: .all, limit: 10_000)
                #expect(all.count == writerCount * Int(keysPerWriter))
                #expect(all.allSatisfy { $0.key == $0.value })
                try database.close()
            }
        }
    }
}
