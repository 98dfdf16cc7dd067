import Testing

import Storage

extension StorageTests {
    @Suite struct Snapshots {
        @Test func writesAfterTheSnapshotAreInvisibleThroughIt() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                let log = try database.columnFamily("log")
                try putAll(database, (0..<10).map { ($0, bytes("before-\($0)")) }, in: log)

                do {
                    let snapshot = try database.snapshot()
                    var batch = WriteBatch()
                    try batch.put(key: key(1), value: bytes("after"), in: log)
                    try batch.delete(key: key(2), in: log)
                    try batch.deleteRange(from: key(5), to: key(8), in: log)
                    try batch.put(key: key(42), value: bytes("new"), in: log)
                    try database.write(batch, sync: true)
                    try database.flush(log)  // the snapshot must hold across a flush too

                    // Through the snapshot: the state before the batch.
                    #expect(try database.get(key(1), in: log, snapshot: snapshot) == bytes("before-1"))
                    #expect(try database.get(key(2), in: log, snapshot: snapshot) == bytes("before-2"))
                    #expect(try database.get(key(42), in: log, snapshot: snapshot) == nil)
                    let seen = try database.scan(in: log, range: .all, limit: 100, snapshot: snapshot)
                    #expect(seen.map(\.key) == (0..<10).map { key($0) })
                    #expect(try database.last(in: log, range: .all, snapshot: snapshot)?.key == key(9))
                    let lent = try database.withValue(forKey: key(6), in: log, snapshot: snapshot) {
                        $0.map { Array($0) }
                    }
                    #expect(lent == bytes("before-6"))

                    // Without it: the state after.
                    #expect(try database.get(key(1), in: log) == bytes("after"))
                    #expect(try database.get(key(2), in: log) == nil)
                    let now = try database.scan(in: log, range: .all, limit: 100).map(\.key)
                    #expect(now == [0, 1, 3, 4, 8, 9, 42].map { key($0) })
                }
                try database.close()
            }
        }

        @Test func snapshotOfAnotherInstanceIsRefused() throws {
            try withTemporaryDirectory { directory in
                let first = try openDatabase(directory.path("first"))
                let second = try openDatabase(directory.path("second"))
                do {
                    let snapshot = try second.snapshot()
                    #expect(throws: StorageError.foreignHandle("snapshot")) {
                        try first.get(key(1), in: first.defaultColumnFamily, snapshot: snapshot)
                    }
                    #expect(throws: StorageError.foreignHandle("snapshot")) {
                        try first.scan(in: first.defaultColumnFamily, range: .all, limit: 1, snapshot: snapshot)
                    }
                }
                try first.close()
                try second.close()
            }
        }
    }
}
