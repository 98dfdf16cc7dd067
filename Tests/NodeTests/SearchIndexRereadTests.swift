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
        /// Pages of acts read through the views (scans of a reread's page size).
        var viewPageScans = 0
        /// Called with its number (counted in `viewPageScans`) before each page is read.
        var beforePage: ((Int) -> Void)?

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
            if space == .state && limit == SearchIndexWriter.rereadPageActs {
                disk.viewPageScans += 1
                disk.beforePage?(disk.viewPageScans)
            }
            return try inner.scan(space, from: from, to: to, limit: limit)
        }
        func close() { inner.close() }
    }

    static func birth(_ number: UInt64, given: String, at: Timestamp, office: UInt32 = 401003) -> [UInt8] {
        Bodies.shardWrite(.registerBirth(Bodies.birth(given: given, office: office)), id: RequestID(high: 41, low: number), action: "register_birth", at: at)
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
        // More acts than three pages of a reread. The new index's first turn starts its rebuild.
        let acts: UInt64 = UInt64(SearchIndexWriter.rereadPageActs) * 3 + 10
        for number in 1...acts {
            core.submit(ClientTicket(number), .write(group: group, command: Self.birth(number, given: "Yassine", at: at)), nowMs: nowMs)
        }
        try SingleVoterShard.run(core, search, until: 1...acts, answered: &answered)
        await search.settled()
        #expect(search.index.count() == Int(acts))
        #expect(search.status().rebuilds == 1)

        // An act the state does not hold (left, say, by a group this node no longer hosts).
        let register = RegisterID(office: OfficeCode(401003), year: at.date.year, kind: .birth)
        try search.index.index(SingleVoterShard.stray(from: core, register: register))
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
        try SingleVoterShard.run(core, search, until: (acts + 2)...(acts + 2), answered: &answered)
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
        let core = try reopened(disk: disk, search: search, seed: seed)
        try core.createGroup(GroupDescriptor(id: group, region: "RSK", machine: RegistryMachine.machineName, initialMembership: Membership(voters: [1])))
        return (core, try elect(core, seed: seed))
    }

    /// The core on a store that already holds the group (not elected yet).
    static func reopened(disk: any DiskDriver, search: SearchIndexer, seed: UInt64) throws -> NodeCore {
        try NodeCore(options: NodeCoreOptions(nodeID: 1, randomSeed: seed), disk: disk, network: SilentNetwork(),
                     machines: { search.machine(for: $0.id) })
    }

    /// Ticks and turns until the core leads the group; the clock then.
    static func elect(_ core: NodeCore, seed: UInt64) throws -> UInt64 {
        var nowMs: UInt64 = 1_767_225_600_000
        for _ in 0..<200 where core.raft(of: group)?.role != .leader {
            nowMs += 100
            core.tick(nowMs: nowMs)
            _ = try core.runTurn()
        }
        try #require(core.raft(of: group)?.role == .leader, "the node was elected (seed \(seed))")
        return nowMs
    }

    /// Turns until every ticket of `tickets` is answered, each followed by the index's call.
    static func run(_ core: NodeCore, _ search: SearchIndexer, until tickets: ClosedRange<UInt64>, answered: inout Set<ClientTicket>) throws {
        for _ in 0..<500 where !tickets.allSatisfy({ answered.contains(ClientTicket($0)) }) {
            for response in try core.runTurn() { answered.insert(response.ticket) }
            search.afterTurn(core)
        }
        try #require(tickets.allSatisfy { answered.contains(ClientTicket($0)) }, "every write was acknowledged")
    }

    /// A record of an act the shard does not hold, named Gharib: act 1 of `register`, renumbered
    /// (as a group this node no longer hosts would leave one).
    static func stray(from core: NodeCore, register: RegisterID) throws -> ActRecord {
        var stray = try #require(try core.stateReader(for: group).flatMap { try RegistryQueries.record(ActID(register: register, number: 1), in: $0) })
        stray.act.id = ActID(register: register, number: 9_999)
        guard case .birth(var birth) = stray.act.content else { throw StrayError.notABirth }
        birth.child.givenName = Name(arabic: "غريب", latin: "Gharib")
        stray.act.content = .birth(birth)
        return stray
    }

    enum StrayError: Error { case notABirth }
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

/// A rebuild under way when the node stops cleanly is taken up where it stood at the next start.
@Suite(.serialized) struct SearchIndexResumeTests {
    typealias CountingDisk = SearchIndexRereadTests.CountingDisk

    @Test func aCleanStopDuringARebuildWritesWhereItStoodAndTheNextStartTakesItUpFromThere() async throws {
        let directory = try Scratch.directory("search-resume")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Scratch.quietLogger
        let group = SingleVoterShard.group
        let seed: UInt64 = 9
        let at = Timestamp.minute(of: Date())
        let register = RegisterID(office: OfficeCode(401003), year: at.date.year, kind: .birth)
        // Four pages of a reread: 256, 256, 256 and 10 acts.
        let acts = UInt64(SearchIndexWriter.rereadPageActs) * 3 + 10
        do {
            let search = try SearchIndexer(directory: directory, logger: logger)
            let rocks = try RocksDisk(path: directory + "/db", metrics: nil)
            let disk = CountingDisk(rocks)
            let (core, nowMs) = try SingleVoterShard.elected(disk: disk, search: search, seed: seed)
            var answered = Set<ClientTicket>()
            for number in 1...acts {
                core.submit(number, .write(group: group, command: SearchIndexRereadTests.birth(number, given: "Yassine", at: at)), nowMs: nowMs)
            }
            try SingleVoterShard.run(core, search, until: 1...acts, answered: &answered)
            await search.settled()
            #expect(search.status().rebuilds == 1, "the new index's first rebuild")
            try search.index.index(SingleVoterShard.stray(from: core, register: register))

            // An operator asks for a rebuild; the node stops cleanly while it reads its second
            // page (the writer task sees the stop once that page is written).
            disk.viewPageScans = 0
            disk.beforePage = { page in if page == 2 { search.beginClosing() } }
            search.requestRebuild()
            _ = try core.runTurn()
            search.afterTurn(core)
            await search.settled()
            await search.close()
            #expect(disk.viewPageScans == 2)
            try rocks.close()
        }

        // The marker as earlier versions read it (one that is rolled back to rebuilds the index),
        // and beside it where the rebuild stood.
        #expect(FileManager.default.contents(atPath: directory + "/search.clean") == SearchIndexer.rebuildDueMarker)
        let written = try #require(FileManager.default.contents(atPath: directory + "/search.rebuild"))
        let progress = try #require(SearchIndexWriter.RebuildProgress.decode(written), "\(String(decoding: written, as: UTF8.self))")
        #expect(progress.pass == 2 && progress.groups == [group] && progress.group == 0, "\(progress)")

        let search = try SearchIndexer(directory: directory, logger: logger)
        #expect(search.status().needsRebuild)
        #expect(search.index.count() == Int(acts) + 1, "the index is kept, the stray act with it until the rebuild ends")
        let rocks = try RocksDisk(path: directory + "/db", metrics: nil)
        let disk = CountingDisk(rocks)
        let core = try SingleVoterShard.reopened(disk: disk, search: search, seed: seed)
        let nowMs = try SingleVoterShard.elect(core, seed: seed)
        // In the turns before the rebuild is taken up, a birth whose act sorts before the acts
        // already read (office 0401001 before 0401003): the rebuild will not read it, so the
        // call after the turns writes it.
        var answered = Set<ClientTicket>()
        core.submit(acts + 1, .write(group: group, command: SearchIndexRereadTests.birth(acts + 1, given: "Nour", at: at, office: 401001)), nowMs: nowMs)
        for _ in 0..<100 where !answered.contains(acts + 1) {
            for response in try core.runTurn() { answered.insert(response.ticket) }
        }
        try #require(answered.contains(acts + 1))
        search.afterTurn(core)
        await search.settled()

        #expect(disk.viewPageScans == 2, "the rebuild read the two pages left, not the four: \(disk.viewPageScans)")
        let status = search.status()
        #expect(status.resumedRebuilds == 1 && status.rebuilds == 1 && !status.needsRebuild && !status.incomplete, "\(status)")
        #expect(search.index.count() == Int(acts) + 1, "the stray act is removed, the new birth kept")
        let hits = { (name: String, office: UInt32) throws -> [String] in
            try search.index.search(ActSearchQuery(name: name, office: OfficeCode(office))).map(\.actID.path)
        }
        #expect(try hits("Gharib", 401003).isEmpty)
        let nour = RegisterID(office: OfficeCode(401001), year: at.date.year, kind: .birth)
        #expect(try hits("Nour", 401001) == [ActID(register: nour, number: 1).path])
        await search.close()
        try rocks.close()
        #expect(FileManager.default.contents(atPath: directory + "/search.clean") == Data(), "complete: the next start keeps the index as it is")
        #expect(!FileManager.default.fileExists(atPath: directory + "/search.rebuild"))
    }

    @Test func aRebuildStartsOverWhenTheStateItReadChangedOrTheMarkerIsDamagedOrBehind() async throws {
        let directory = try Scratch.directory("search-resume-over")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Scratch.quietLogger
        typealias Progress = SearchIndexWriter.RebuildProgress
        let first = Hex.encode(RegistryQueries.ActCursor.first.keyBytes)
        let progress = Progress(pass: 1, groups: [4001, 4002], generations: [0, 3], group: 1, cursor: first)

        // What the progress beside the marker holds decides whether the next start takes the
        // rebuild up.
        let markers: [(progress: Data, takenUp: Bool)] = [
            (progress.encoded(), true),
            (Data(), false),
            (Data("{\"pass\":".utf8), false),
            (Data("{\"cursor\":\"zz\",\"generations\":[0],\"group\":0,\"groups\":[4001],\"pass\":1}\n".utf8), true),
            // A pass the rows are past (the new, empty index holds pass 0).
            (Progress(pass: 5, groups: [4001], generations: [0], group: 0, cursor: first).encoded(), false),
        ]
        for (written, takenUp) in markers {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory + "/search.sqlite" + suffix) }
            _ = FileManager.default.createFile(atPath: directory + "/search.clean", contents: SearchIndexer.rebuildDueMarker)
            _ = FileManager.default.createFile(atPath: directory + "/search.rebuild", contents: written)
            let search = try SearchIndexer(directory: directory, logger: logger)
            #expect(search.status().needsRebuild)
            #expect(search.takesUpARebuild == takenUp, "\(String(decoding: written, as: UTF8.self))")
            await search.close()
            if takenUp {
                let kept = FileManager.default.contents(atPath: directory + "/search.rebuild") ?? Data()
                #expect(Progress.decode(kept) == Progress.decode(written),
                        "stopped before taking it up, the node leaves it where it was")
            }
        }
        // Without the marker (an unclean stop), or with one that says the index was complete, a
        // progress left beside it is not read, and the start removes it.
        for marker in [nil, Data()] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory + "/search.sqlite" + suffix) }
            try? FileManager.default.removeItem(atPath: directory + "/search.clean")
            if let marker { _ = FileManager.default.createFile(atPath: directory + "/search.clean", contents: marker) }
            _ = FileManager.default.createFile(atPath: directory + "/search.rebuild", contents: progress.encoded())
            let search = try SearchIndexer(directory: directory, logger: logger)
            #expect(!search.takesUpARebuild)
            #expect(!FileManager.default.fileExists(atPath: directory + "/search.rebuild"))
            await search.close()
        }

        // A bad cursor is found when the rebuild is taken up.
        #expect(Progress(pass: 1, groups: [4001], generations: [0], group: 0, cursor: "zz").position(groups: [4001], generations: [0]) == nil)

        // The view the first rebuild opens must hold the same groups at the same generations.
        #expect(progress.position(groups: [4001, 4002], generations: [0, 3])?.group == 1)
        #expect(progress.position(groups: [4001, 4002], generations: [0, 3])?.cursor == .first)
        #expect(progress.position(groups: [4001, 4002], generations: [0, 4]) == nil, "a snapshot replaced group 4002 since")
        #expect(progress.position(groups: [4001, 4002, 4003], generations: [0, 3, 0]) == nil, "a group was added since")
        #expect(progress.position(groups: [4001], generations: [0]) == nil)
        var past = progress
        past.group = 3
        #expect(past.position(groups: [4001, 4002], generations: [0, 3]) == nil)

        #expect(Hex.decode(Hex.encode([0, 0x7f, 0xff])) == [0, 0x7f, 0xff])
        #expect(Hex.decode("0A7f") == [0x0a, 0x7f])
        #expect(Hex.decode("abc") == nil && Hex.decode("zz") == nil)
        #expect(RegistryQueries.ActCursor(resuming: [0xff]) == nil, "a key past the acts is no cursor")
        #expect(RegistryQueries.ActCursor(resuming: []) == nil)

        // The index resumes only the last pass begun.
        let index = try RegistrySearchIndex()
        _ = try index.beginReplacement()
        _ = try index.beginReplacement()
        try index.index(SearchIndexWriterMergeTests.record(1, given: "Amine"))
        #expect(throws: (any Error).self) { try index.resumeReplacement(pass: 1) }
        #expect(throws: (any Error).self) { try index.resumeReplacement(pass: 4) }
        #expect(try index.resumeReplacement(pass: 3).pass == 3)
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
