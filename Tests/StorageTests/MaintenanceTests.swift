import Testing

import Storage

extension StorageTests {
    @Suite struct Maintenance {
        @Test func propertiesReportKeysAndSSTSizeOfTheColumnFamilyAsked() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log", "empty"])
                let log = try database.columnFamily("log")
                try putAll(database, (0..<1000).map { ($0, bytes("value \($0)")) }, in: log)
                try database.flush(log)

                #expect(try database.integerProperty(RocksProperty.estimatedKeyCount, in: log) == 1000)
                #expect(try database.integerProperty(RocksProperty.totalSSTFilesSizeBytes, in: log) ?? 0 > 0)
                let empty = try database.columnFamily("empty")
                #expect(try database.integerProperty(RocksProperty.estimatedKeyCount, in: empty) == 0)
                #expect(try database.integerProperty(RocksProperty.backgroundErrorCount) == 0)
                #expect(try database.property(RocksProperty.stats, in: log)?.isEmpty == false)
                #expect(try database.property("rocksdb.no-such-property") == nil)
                #expect(try database.integerProperty("rocksdb.no-such-property") == nil)
                try database.close()
            }
        }

        @Test func compactingADeletedRangeReclaimsItsSpace() throws {
            let seed: UInt64 = 0x5EED_0003
            try withTemporaryDirectory { directory in
                var generator = SeededGenerator(seed: seed)
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try database.columnFamily("log")
                try putAll(database, (0..<1000).map { ($0, generator.bytes(1000)) }, in: log)
                try database.flush(log)
                let before = try #require(try database.integerProperty(RocksProperty.liveSSTFilesSizeBytes, in: log))
                try #require(before > 900_000, "1000 random values of 1000 bytes should fill ~1 MB, seed \(seed)")

                var batch = WriteBatch()
                try batch.deleteRange(from: key(0), to: key(990), in: log)
                try database.write(batch, sync: true)
                try database.flush(log)
                try database.compactRange(in: log)

                let after = try #require(try database.integerProperty(RocksProperty.liveSSTFilesSizeBytes, in: log))
                #expect(after < before / 10, "live SST bytes \(before) → \(after), seed \(seed)")
                #expect(try database.scan(in: log, range: .all, limit: 100).map(\.key) == (990..<1000).map { key($0) })
                try database.close()
            }
        }
    }
}
