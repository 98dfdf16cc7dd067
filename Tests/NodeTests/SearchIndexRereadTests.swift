import Foundation
import Logging
import NodeCore
import Raft
@testable import Node
import Registry
import RegistrySearch
import Testing

/// A rebuild of the search index reads the applied state through a view, on the index's writer
/// task: the node's loop only opens the view, whatever the size of the state. On the national
/// centre a read of every act on the loop would pause the writes of every `center`-durability
/// region for the time to read the country.
@Suite(.serialized) struct SearchIndexRereadTests {
    /// The store, counting the reads made on it directly (on the loop) apart from those made
    /// through the views it opens.
    final class CountingDisk: DiskDriver {
        let inner: RocksDisk
        var directStateReads = 0
        var viewsOpened = 0
        var viewStateReads = 0

        init(_ inner: RocksDisk) { self.inner = inner }

        func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
            if space == .state { directStateReads += 1 }
            return try inner.get(space, key)
        }

        func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
            if space == .state { directStateReads += 1 }
            return try inner.scan(space, from: from, to: to, limit: limit)
        }

        func write(_ batch: DiskBatch, sync: Bool) throws(DiskError) { try inner.write(batch, sync: sync) }

        func openView() throws(DiskError) -> any DiskView {
            viewsOpened += 1
            return CountingView(try inner.openView(), disk: self)
        }
    }

    final class CountingView: DiskView {
        let inner: any DiskView
        let disk: CountingDisk
        init(_ inner: any DiskView, disk: CountingDisk) {
            self.inner = inner
            self.disk = disk
        }
        func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? {
            if space == .state { disk.viewStateReads += 1 }
            return try inner.get(space, key)
        }
        func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
            if space == .state { disk.viewStateReads += 1 }
            return try inner.scan(space, from: from, to: to, limit: limit)
        }
        func close() { inner.close() }
    }

    static func birth(_ number: UInt64, given: String, at: Timestamp) -> [UInt8] {
        Bodies.shardWrite(.registerBirth(Bodies.birth(given: given)), id: RequestID(high: 41, low: number), action: "register_birth", at: at)
    }

    @Test func aRebuildReadsNoActOnTheLoopKeepsWhatIsWrittenMeanwhileAndRemovesWhatTheStateDoesNotHold() async throws {
        let directory = try Scratch.directory("search-reread")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Scratch.quietLogger
        let search = try SearchIndexer(directory: directory, logger: logger)
        let rocks = try RocksDisk(path: directory + "/db", metrics: nil)
        let disk = CountingDisk(rocks)
        let (core, nowMs) = try SingleVoterShard.elected(disk: disk, search: search, seed: 5)
        let group = SingleVoterShard.group
        let at = Timestamp.minute(of: Date())
        var answered = Set<ClientTicket>()
        func run(_ tickets: ClosedRange<UInt64>) throws {
            for _ in 0..<500 where !tickets.allSatisfy(answered.contains) {
                for response in try core.runTurn() { answered.insert(response.ticket) }
                search.afterTurn(core)
            }
            try #require(tickets.allSatisfy(answered.contains), "every write was acknowledged")
        }
        // More acts than three pages of a reread. The new index's first turn starts its rebuild.
        let acts: UInt64 = UInt64(SearchIndexWriter.rereadPageActs) * 3 + 10
        for number in 1...acts {
            core.submit(ClientTicket(number), .write(group: group, command: Self.birth(number, given: "Yassine", at: at)), nowMs: nowMs)
        }
        try run(1...acts)
        await search.settled()
        #expect(search.index.count() == Int(acts))
        #expect(search.status().rebuilds == 1)

        // An act the state does not hold (left, say, by a group this node no longer hosts).
        let register = RegisterID(office: OfficeCode(401003), year: at.date.year, kind: .birth)
        var stray = try #require(try core.stateReader(for: group).flatMap { try RegistryQueries.record(ActID(register: register, number: 1), in: $0) })
        stray.act.id = ActID(register: register, number: 9_999)
        guard case .birth(var strayBirth) = stray.act.content else { Issue.record("not a birth"); return }
        strayBirth.child.givenName = Name(arabic: "غريب", latin: "Gharib")
        stray.act.content = .birth(strayBirth)
        try search.index.index(stray)
        #expect(search.index.count() == Int(acts) + 1)

        // An operator asks for a rebuild; the next turn applies one more birth.
        search.requestRebuild()
        core.submit(ClientTicket(acts + 1), .write(group: group, command: Self.birth(acts + 1, given: "Ilyas", at: at)), nowMs: nowMs)
        disk.directStateReads = 0
        disk.viewsOpened = 0
        disk.viewStateReads = 0
        for _ in 0..<100 where !answered.contains(ClientTicket(acts + 1)) {
            for response in try core.runTurn() { answered.insert(response.ticket) }
        }
        try #require(answered.contains(ClientTicket(acts + 1)))
        let appliedReads = disk.directStateReads
        // The loop's call after the turns (the outcomes wait in the tap until it).
        search.afterTurn(core)
        #expect(disk.directStateReads == appliedReads, "the loop read no act for the rebuild: \(disk.directStateReads - appliedReads) reads")
        #expect(disk.viewsOpened == 1, "the loop opened one view")
        #expect(!search.status().needsRebuild, "the rebuild started")

        // Written meanwhile, through the queue: a birth the view does not hold.
        core.submit(ClientTicket(acts + 2), .write(group: group, command: Self.birth(acts + 2, given: "Salma", at: at)), nowMs: nowMs)
        try run((acts + 2)...(acts + 2))
        await search.settled()
        #expect(disk.viewStateReads > Int(acts), "the writer task read every act through the view: \(disk.viewStateReads) reads")
        #expect(search.index.count() == Int(acts) + 2, "the stray act is removed; the one written meanwhile is kept")
        let hits = { (name: String) throws -> [String] in
            try search.index.search(ActSearchQuery(name: name, office: OfficeCode(401003))).map(\.actID.path)
        }
        #expect(try hits("Gharib").isEmpty)
        #expect(try hits("Ilyas") == [ActID(register: register, number: acts + 1).path])
        #expect(try hits("Salma") == [ActID(register: register, number: acts + 2).path])
        let status = search.status()
        #expect(status.rebuilds == 2 && !status.rereading && !status.incomplete && status.lastError == nil, "\(status)")

        // Closed first: a view still open would keep the store from closing.
        await search.close()
        try rocks.close()
        // The index was complete: the next start keeps it.
        let reopened = try SearchIndexer(directory: directory, logger: logger)
        #expect(!reopened.status().needsRebuild)
        #expect(reopened.index.count() == Int(acts) + 2)
        await reopened.close()
    }
}

/// One node alone in group 4001 (a registry shard of office 401003), its machine fed to
/// `search`, elected leader.
enum SingleVoterShard {
    static let group: GroupID = 4001

    /// The core, and the clock it was elected at.
    static func elected(disk: any DiskDriver, search: SearchIndexer, seed: UInt64) throws -> (core: NodeCore, nowMs: UInt64) {
        let core = try NodeCore(options: NodeCoreOptions(nodeID: 1, randomSeed: seed), disk: disk, network: SilentNetwork(),
                                machines: { search.machine(for: $0.id) })
        try core.createGroup(GroupDescriptor(id: group, region: "RSK", machine: RegistryMachine.machineName, initialMembership: Membership(voters: [1])))
        var nowMs: UInt64 = 1_767_225_600_000
        for _ in 0..<200 where core.raft(of: group)?.role != .leader {
            nowMs += 100
            core.tick(nowMs: nowMs)
            _ = try core.runTurn()
        }
        try #require(core.raft(of: group)?.role == .leader, "the node was elected (seed \(seed))")
        return (core, nowMs)
    }
}

/// What the next start does with the index file, by how the last run stopped.
@Suite(.serialized) struct SearchIndexStopTests {
    @Test func aCleanStopWithARebuildDueKeepsTheIndexForTheNextStartToRebuildAndAnUncleanOneDropsIt() async throws {
        let directory = try Scratch.directory("search-stop")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Scratch.quietLogger
        let first = try SearchIndexer(directory: directory, logger: logger)
        try first.index.index([SearchIndexWriterMergeTests.record(1, given: "Amine"), SearchIndexWriterMergeTests.record(2, given: "Salma")])
        // A rebuild asked for and not run (no turn came) when the node stops cleanly.
        first.requestRebuild()
        await first.close()

        let second = try SearchIndexer(directory: directory, logger: logger)
        #expect(second.status().needsRebuild, "the rebuild is still due")
        #expect(second.index.count() == 2, "the index is kept: searches answer while it is rebuilt")
        await second.close()

        // Stopped cleanly again with the rebuild still due; then the marker is lost, as after a
        // stop that never reached it.
        try FileManager.default.removeItem(atPath: directory + "/search.clean")
        let third = try SearchIndexer(directory: directory, logger: logger)
        #expect(third.status().needsRebuild)
        #expect(third.index.count() == 0, "after an unclean stop the file is dropped")
        await third.close()
    }
}

/// A test's scratch space.
enum Scratch {
    /// A new, empty directory (the test removes it).
    static func directory(_ name: String) throws -> String {
        let directory = BackupRestoreTests.temporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A logger that prints only critical messages.
    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}
