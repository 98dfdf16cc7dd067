import Foundation
import Testing

import Storage

extension StorageTests {
    @Suite struct ColumnFamilies {
        @Test func reopenWithASubsetListsAndKeepsEveryColumnFamily() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path, ["raft-log", "hard-state", "registry"])
                #expect(database.columnFamilyNames == ["default", "raft-log", "hard-state", "registry"])
                var batch = WriteBatch()
                try batch.put(key: key(1), value: bytes("vote"), in: database.columnFamily("hard-state"))
                try database.write(batch, sync: true)
                try database.close()

                // Only one name asked for: the others are opened too, with their data.
                let subset = try openDatabase(path, ["raft-log"])
                #expect(subset.columnFamilyNames == ["default", "raft-log", "hard-state", "registry"])
                #expect(try subset.get(key(1), in: subset.columnFamily("hard-state")) == bytes("vote"))
                try subset.close()

                // A new name is created beside the existing ones.
                let grown = try openDatabase(path, ["search"])
                #expect(grown.columnFamilyNames == ["default", "raft-log", "hard-state", "registry", "search"])
                try grown.close()
                let again = try openDatabase(path)
                #expect(again.columnFamilyNames.contains("search"))
                try again.close()
            }
        }

        @Test func columnFamiliesAreSeparateKeyspaces() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["a", "b"])
                let a = try database.columnFamily("a")
                let b = try database.columnFamily("b")
                var batch = WriteBatch()
                try batch.put(key: key(1), value: bytes("in a"), in: a)
                try database.write(batch, sync: true)
                #expect(try database.get(key(1), in: a) == bytes("in a"))
                #expect(try database.get(key(1), in: b) == nil)
                #expect(try database.get(key(1), in: database.defaultColumnFamily) == nil)
                try database.close()
            }
        }

        @Test func batchAcrossColumnFamiliesIsFullyPresentAfterReopen() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path, ["raft-log", "hard-state", "registry"])
                var batch = WriteBatch()
                for name in ["raft-log", "hard-state", "registry"] {
                    for number: UInt64 in 0..<50 {
                        let family = try database.columnFamily(name)
                        try batch.put(key: key(number), value: bytes("\(name)-\(number)"), in: family)
                    }
                }
                try database.write(batch, sync: true)
                try database.close()

                let reopened = try openDatabase(path)
                for name in ["raft-log", "hard-state", "registry"] {
                    let entries = try reopened.scan(in: reopened.columnFamily(name), range: .all, limit: 1000)
                    #expect(entries.map(\.key) == (0..<50).map { key($0) })
                    #expect(entries.map(\.value) == (0..<50).map { bytes("\(name)-\($0)") })
                }
                try reopened.close()
            }
        }

        @Test func batchNamingAColumnFamilyOfAnotherInstanceWritesNothing() throws {
            try withTemporaryDirectory { directory in
                let first = try openDatabase(directory.path("first"), ["log"])
                let second = try openDatabase(directory.path("second"), ["log"])
                var batch = WriteBatch()
                try batch.put(key: key(1), value: bytes("ours"), in: first.columnFamily("log"))
                try batch.put(key: key(2), value: bytes("theirs"), in: second.columnFamily("log"))
                #expect(throws: StorageError.foreignHandle("column family 'log'")) {
                    try first.write(batch, sync: true)
                }
                // Nothing of the batch was applied, not even the operation before the bad one.
                #expect(try first.get(key(1), in: first.columnFamily("log")) == nil)
                #expect(try second.get(key(2), in: second.columnFamily("log")) == nil)
                try first.close()
                try second.close()
            }
        }

        @Test func columnFamilyFromBeforeAReopenIsRefused() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                let database = try openDatabase(path, ["log"])
                let stale = try database.columnFamily("log")
                try database.close()
                let reopened = try openDatabase(path, ["log"])
                #expect(throws: StorageError.foreignHandle("column family 'log'")) {
                    try reopened.get(key(1), in: stale)
                }
                try reopened.close()
            }
        }

        @Test func unknownColumnFamilyNameIsAnError() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log"])
                #expect(throws: StorageError.unknownColumnFamily("nope")) {
                    try database.columnFamily("nope")
                }
                try database.close()
            }
        }

        @Test func invalidColumnFamilyNamesAreRefusedBeforeAnythingIsCreated() throws {
            try withTemporaryDirectory { directory in
                let path = directory.path("db")
                #expect(throws: StorageError.invalidInput(
                    field: "columnFamilies", reason: "a column family name is empty")) {
                    try openDatabase(path, ["log", ""])
                }
                #expect(throws: StorageError.invalidInput(
                    field: "columnFamilies", reason: "the name 'log' is given twice")) {
                    try openDatabase(path, ["log", "log"])
                }
                let tooMany = (0..<StorageLimits.columnFamilyCountMax).map { "family-\($0)" }
                #expect(throws: StorageError.invalidInput(
                    field: "columnFamilies",
                    reason: "\(tooMany.count + 1) column families, at most \(StorageLimits.columnFamilyCountMax)")) {
                    try openDatabase(path, tooMany)
                }
                // The refused opens created no database.
                #expect(!FileManager.default.fileExists(atPath: path))
            }
        }
    }
}
