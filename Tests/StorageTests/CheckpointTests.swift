import Foundation
import Testing

import Storage

extension StorageTests {
    @Suite struct Checkpoints {
        @Test func checkpointOpensAsAnIndependentDatabaseWithTheSameContents() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"), ["log", "registry"])
                let log = try database.columnFamily("log")
                let registry = try database.columnFamily("registry")
                try putAll(database, (0..<100).map { ($0, bytes("log-\($0)")) }, in: log)
                try database.flush(log)
                // Some data only in the memtable and the WAL when the checkpoint is taken.
                try putAll(database, (0..<5).map { ($0, bytes("act-\($0)")) }, in: registry)

                let backupPath = directory.path("backup")
                try database.checkpoint(to: backupPath)

                // Changes after the checkpoint stay out of it, and the other way round.
                try putAll(database, [(1000, bytes("late"))], in: log)
                let backup = try openDatabase(backupPath)
                #expect(backup.columnFamilyNames == ["default", "log", "registry"])
                let backupLog = try backup.columnFamily("log")
                let backupRegistry = try backup.columnFamily("registry")
                #expect(try backup.scan(in: backupLog, range: .all, limit: 1000)
                    == (0..<100).map { KeyValue(key: key($0), value: bytes("log-\($0)")) })
                #expect(try backup.scan(in: backupRegistry, range: .all, limit: 1000)
                    == (0..<5).map { KeyValue(key: key($0), value: bytes("act-\($0)")) })
                #expect(try backup.get(key(1000), in: backupLog) == nil)

                try putAll(backup, [(2000, bytes("restored"))], in: backupLog)
                #expect(try database.get(key(2000), in: log) == nil)
                try backup.close()
                try database.close()
            }
        }

        @Test func checkpointIntoAnExistingDirectoryFails() throws {
            try withTemporaryDirectory { directory in
                let database = try openDatabase(directory.path("db"))
                let occupied = directory.path("occupied")
                try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: false)
                #expect {
                    try database.checkpoint(to: occupied)
                } throws: { error in
                    (error as? StorageError)?.code == "storage.invalid_argument"
                }
                // The directory is left as it was.
                #expect(try FileManager.default.contentsOfDirectory(atPath: occupied).isEmpty)
                try database.close()
            }
        }
    }
}
