import Testing

import Storage

extension StorageTests {
    @Suite struct Scans {
        /// Keys 0..<20 of shard groups 1, 2 and 3 (one prefix byte each); half of them flushed
        /// to an SST so that scans merge the memtable and the files.
        private func makeThreeGroups(_ database: RocksDatabase) throws -> ColumnFamily {
            let log = try database.columnFamily("log")
            for group: UInt8 in 1...3 {
                var batch = WriteBatch()
                for number: UInt64 in 0..<10 {
                    try batch.put(key: key(number, prefix: group), value: bytes("\(group)/\(number)"), in: log)
                }
                try database.write(batch, sync: true)
            }
            try database.flush(log)
            for group: UInt8 in 1...3 {
                var batch = WriteBatch()
                for number: UInt64 in 10..<20 {
                    try batch.put(key: key(number, prefix: group), value: bytes("\(group)/\(number)"), in: log)
                }
                try database.write(batch, sync: true)
            }
            return log
        }

        @Test func rangeScanReturnsKeysFromStartUpToButExcludingEnd() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                let range = KeyRange(from: key(5, prefix: 2), to: key(15, prefix: 2))
                let entries = try database.scan(in: log, range: range, limit: 100)
                #expect(entries.map(\.key) == (5..<15).map { key($0, prefix: 2) })
                #expect(entries.map(\.value) == (5..<15).map { bytes("2/\($0)") })
                try database.close()
            }
        }

        @Test func rangeScanStopsAtTheLimit() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                let range = KeyRange(from: key(0, prefix: 1), to: nil)
                let firstThree = try database.scan(in: log, range: range, limit: 3).map(\.key)
                #expect(firstThree == (0..<3).map { key($0, prefix: 1) })
                #expect(try database.scan(in: log, range: range, limit: 1000).count == 60)
                #expect(throws: StorageError.invalidInput(field: "limit", reason: "must be at least 1, got 0")) {
                    try database.scan(in: log, range: range, limit: 0)
                }
                try database.close()
            }
        }

        @Test func emptyOrInvertedRangeScansNothing() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                let same = KeyRange(from: key(4, prefix: 2), to: key(4, prefix: 2))
                let inverted = KeyRange(from: key(9, prefix: 2), to: key(4, prefix: 2))
                #expect(same.isEmpty && inverted.isEmpty)
                #expect(try database.scan(in: log, range: same, limit: 10).isEmpty)
                #expect(try database.scan(in: log, range: inverted, limit: 10).isEmpty)
                #expect(try database.last(in: log, range: inverted) == nil)
                try database.close()
            }
        }

        @Test func prefixScanReturnsExactlyTheKeysWithThePrefix() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                let group2 = try database.scan(in: log, prefix: [2], limit: 100)
                #expect(group2.map(\.key) == (0..<20).map { key($0, prefix: 2) })

                // A prefix ending in 0xFF: its successor must carry into the previous byte.
                var batch = WriteBatch()
                try batch.put(key: [7, 0xFF], value: bytes("in"), in: log)
                try batch.put(key: [7, 0xFF, 0], value: bytes("in"), in: log)
                try batch.put(key: [8], value: bytes("out"), in: log)
                try batch.put(key: [7, 0xFE, 0xFF], value: bytes("out"), in: log)
                try database.write(batch, sync: true)
                let carried = try database.scan(in: log, prefix: [7, 0xFF], limit: 10).map(\.key)
                #expect(carried == [[7, 0xFF], [7, 0xFF, 0]])
                try database.close()
            }
        }

        @Test func lastFindsTheGreatestKeyBelowTheBound() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                // The last index of group 2: below the first key of group 3.
                let lastOfGroup2 = try database.last(in: log, range: KeyRange(prefix: [2]))
                #expect(lastOfGroup2 == KeyValue(key: key(19, prefix: 2), value: bytes("2/19")))
                // Below a bound that is not itself a key.
                let belowBound = try database.last(in: log, range: KeyRange(from: [2], to: key(7, prefix: 2) + [0]))
                #expect(belowBound?.key == key(7, prefix: 2))
                // A bound that is a key excludes it.
                let belowKey = try database.last(in: log, range: KeyRange(from: [2], to: key(7, prefix: 2)))
                #expect(belowKey?.key == key(6, prefix: 2))
                // A group with no entries has no last key, even though other groups surround it.
                #expect(try database.last(in: log, range: KeyRange(prefix: [0])) == nil)
                #expect(try database.last(in: log, range: KeyRange(from: key(20, prefix: 2), to: [3])) == nil)
                try database.close()
            }
        }

        @Test func lastSkipsKeysDeletedByARangeDelete() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                var batch = WriteBatch()
                try batch.deleteRange(from: key(12, prefix: 2), to: key(20, prefix: 2), in: log)
                try database.write(batch, sync: true)
                #expect(try database.last(in: log, range: KeyRange(prefix: [2]))?.key == key(11, prefix: 2))
                try database.close()
            }
        }

        @Test func iteratorMovesBothWaysWithinItsRange() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try makeThreeGroups(database)
                do {
                    let iterator = try database.makeIterator(in: log, range: KeyRange(prefix: [2]))
                    #expect(!iterator.isValid)
                    #expect(try iterator.seekToFirst())
                    #expect(iterator.key == key(0, prefix: 2))
                    #expect(try !iterator.previous())  // the range's lower bound stops it
                    #expect(try iterator.seek(to: key(9, prefix: 2) + [0]))
                    #expect(iterator.key == key(10, prefix: 2))
                    #expect(try iterator.seek(atOrBefore: key(9, prefix: 2) + [0]))
                    #expect(iterator.key == key(9, prefix: 2))
                    #expect(try iterator.next())
                    #expect(iterator.entry == KeyValue(key: key(10, prefix: 2), value: bytes("2/10")))
                    #expect(try iterator.seekToLast())
                    #expect(iterator.key == key(19, prefix: 2))
                    #expect(try !iterator.next())  // the range's upper bound stops it
                    #expect(!iterator.isValid)
                    #expect(try !iterator.seek(to: [3]))
                }
                try database.close()
            }
        }

        @Test func prefixSuccessorIsTheFirstKeyAfterEveryKeyWithThePrefix() {
            #expect(KeyRange.successor(ofPrefix: [1, 2, 3]) == [1, 2, 4])
            #expect(KeyRange.successor(ofPrefix: [1, 0xFF]) == [2])
            #expect(KeyRange.successor(ofPrefix: [1, 0xFF, 0xFF]) == [2])
            #expect(KeyRange.successor(ofPrefix: [0xFF, 0xFF]) == nil)
            #expect(KeyRange.successor(ofPrefix: []) == nil)
            let range = KeyRange(prefix: [1, 0xFF])
            #expect(range.contains([1, 0xFF]))
            #expect(range.contains([1, 0xFF, 0xFF, 0xFF]))
            #expect(!range.contains([2]))
            #expect(!range.contains([1, 0xFE, 0xFF]))
            #expect(KeyRange(prefix: [0xFF]).end == nil)
        }
    }
}
