import Foundation
import Testing

import Storage

extension StorageTests {
    @Suite struct Corruption {
        @Test func damagedSSTBlockIsReportedAsCorruptionNeverServedAsData() throws {
            let seed: UInt64 = 0x5EED_0001
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                var generator = SeededGenerator(seed: seed)
                // Random values do not compress: the SST holds about 400 KiB in ~25 data blocks.
                let written = (0..<2000).map { (UInt64($0), generator.bytes(200)) }
                let database = try openDatabase(path, ["registry"])
                try putAll(database, written, in: try database.columnFamily("registry"))
                try database.flush()
                try database.close()

                let tables = try files(in: path, withSuffix: ".sst")
                try #require(tables.count == 1, "expected one SST after one flush, found \(tables), seed \(seed)")
                // Data blocks come first in an SST; index, filter and footer are at the end.
                let size = try fileSize(tables[0])
                try flipBytes(of: tables[0], at: size / 3, count: 64)

                let reopened: RocksDatabase
                do {
                    reopened = try openDatabase(path)
                } catch let error as StorageError {
                    // Detecting it at open is as good as at read time.
                    #expect(error.code == "storage.corruption", "\(error), seed \(seed)")
                    return
                }
                let registry = try reopened.columnFamily("registry")
                var corruptReads = 0
                for (number, value) in written {
                    do {
                        let read = try reopened.get(key(number), in: registry)
                        #expect(read == value, "key \(number) read back wrong, seed \(seed)")
                    } catch let error as StorageError {
                        #expect(error.code == "storage.corruption", "key \(number): \(error), seed \(seed)")
                        corruptReads += 1
                    }
                }
                #expect(corruptReads > 0, "no read noticed the damaged block, seed \(seed)")
                #expect {
                    try reopened.scan(in: registry, range: .all, limit: 10_000)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.corruption"
                }
                try reopened.close()
            }
        }

        @Test func tornWALTailDropsTheUnfinishedBatchWholeAcrossColumnFamilies() throws {
            let seed: UInt64 = 0x5EED_0002
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                var generator = SeededGenerator(seed: seed)
                let database = try openDatabase(path, ["raft-log", "hard-state"])
                let log = try database.columnFamily("raft-log")
                let hardState = try database.columnFamily("hard-state")

                var first = WriteBatch()
                try first.put(key: key(1), value: bytes("entry 1"), in: log)
                try first.put(key: key(0), value: bytes("term 1"), in: hardState)
                try database.write(first, sync: true)
                let wal = try #require(try files(in: path, withSuffix: ".log").last)
                let sizeAfterFirst = try fileSize(wal)

                // Large enough to span several 32 KiB WAL blocks, so the cut lands inside it.
                var second = WriteBatch()
                for number: UInt64 in 2..<10 {
                    try second.put(key: key(number), value: generator.bytes(20_000), in: log)
                }
                try second.put(key: key(0), value: bytes("term 2"), in: hardState)
                try database.write(second, sync: true)
                try database.close()
                let sizeAfterSecond = try fileSize(wal)
                try #require(sizeAfterSecond > sizeAfterFirst + 100_000, "WAL \(wal) did not grow, seed \(seed)")

                // A crash during the second write: its WAL record is cut in the middle.
                try FileHandle(forUpdating: URL(fileURLWithPath: wal)).truncate(
                    atOffset: UInt64(sizeAfterFirst + (sizeAfterSecond - sizeAfterFirst) / 2))

                // The cut really is inside a record: the strictest recovery mode refuses it.
                var strict = testOptions()
                strict.walRecovery = .absoluteConsistency
                #expect {
                    try openDatabase(path, options: strict)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.corruption"
                }

                let reopened = try openDatabase(path)
                let reopenedLog = try reopened.columnFamily("raft-log")
                let reopenedHardState = try reopened.columnFamily("hard-state")
                #expect(try reopened.get(key(1), in: reopenedLog) == bytes("entry 1"))
                #expect(try reopened.get(key(0), in: reopenedHardState) == bytes("term 1"))
                #expect(try reopened.scan(in: reopenedLog, range: .all, limit: 100).map(\.key) == [key(1)])
                try reopened.close()
            }
        }

        @Test func damagedWALRecordBeforeTheTailRefusesToOpenInsteadOfDroppingSyncedWrites() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path)
                let family = database.defaultColumnFamily
                try putAll(database, [(1, [UInt8](repeating: 1, count: 1000))], in: family)
                try putAll(database, [(2, [UInt8](repeating: 2, count: 1000))], in: family)
                try database.close()

                // Damage the payload of the first record; a synced record follows it.
                let wal = try #require(try files(in: path, withSuffix: ".log").last)
                try flipBytes(of: wal, at: 200, count: 8)

                #expect {
                    try openDatabase(path)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.corruption"
                }

                // Why `pointInTime` is not the default: it opens, and the synced records after
                // the damage are silently gone.
                var pointInTime = testOptions()
                pointInTime.walRecovery = .pointInTime
                let salvaged = try openDatabase(path, options: pointInTime)
                #expect(try salvaged.get(key(2), in: salvaged.defaultColumnFamily) == nil)
                try salvaged.close()
            }
        }
    }
}
