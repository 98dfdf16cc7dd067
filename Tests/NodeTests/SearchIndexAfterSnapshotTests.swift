import Foundation
import Logging
import NodeCore
import Raft
@testable import Node
import Registry
import Services
import Testing

/// A replica that catches up from a snapshot (a node back after a long absence, a node that
/// replaces another) receives the acts as state, not as applied entries: its search index must
/// be read again from that state, or its searches miss every act the snapshot brought; and on
/// the national centre, the death acts the snapshot brought must still reach its relay.
@Suite(.serialized) struct SearchIndexAfterSnapshotTests {
    /// Frames between the test's nodes, delivered when the test runs a round.
    final class Wire: NetworkDriver {
        let from: NodeID
        let box: Box
        final class Box { var frames: [(from: NodeID, to: NodeID, frame: [UInt8])] = [] }
        init(from: NodeID, box: Box) {
            self.from = from
            self.box = box
        }
        func send(to node: UInt64, frame: [UInt8]) { box.frames.append((from, node, frame)) }
    }

    static func birth(_ number: UInt64, at: Timestamp) -> [UInt8] {
        Bodies.shardWrite(.registerBirth(Bodies.birth(office: 401003)), id: RequestID(high: 31, low: number), action: "register_birth", at: at)
    }

    /// A death act of office 401003 naming a birth act of Casablanca (another region).
    static func death(_ number: UInt64, at: Timestamp) -> [UInt8] {
        let birthAct = ActID(register: RegisterID(office: OfficeCode(601001), year: 1960, kind: .birth), number: number)
        return Bodies.shardWrite(.registerDeath(DeathMentionRouteTests.death(birthAct: birthAct, office: 401003)), id: RequestID(high: 32, low: number),
                                 action: "register_death", at: at)
    }

    @Test func aReplicaThatInstallsASnapshotIndexesItsActsAndRelaysItsDeathActs() async throws {
        let directory = BackupRestoreTests.temporaryDirectory("search-snapshot")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let group: GroupID = 4001
        let box = Wire.Box()
        // Node 3 indexes; its first turn rebuilds its new, empty index, before any act exists.
        try FileManager.default.createDirectory(atPath: directory + "/search-3", withIntermediateDirectories: true)
        // Node 3 also relays death mentions, as the centre does.
        let relay = DeathMentionRelay(nodeID: 3, metrics: nil, logger: logger, journalPath: nil)
        let search = try SearchIndexer(directory: directory + "/search-3", logger: logger, relay: relay)
        var disks: [NodeID: RocksDisk] = [:]
        var cores: [NodeID: NodeCore] = [:]
        for id: NodeID in [1, 2, 3] {
            let disk = try RocksDisk(path: directory + "/db-\(id)", metrics: nil)
            // A short log: the leader compacts it past the cut-off node, which then needs a snapshot.
            // Node 3 campaigns late and hands leadership on, as the national centre does, so
            // that another node leads and node 3 can be cut off.
            var options = NodeCoreOptions(nodeID: id, isCenter: id == 3, randomSeed: 11 &* id)
            options.compactionEntriesThreshold = 8
            options.compactionRetainEntries = 2
            let core = try NodeCore(options: options, disk: disk, network: Wire(from: id, box: box),
                                    machines: { id == 3 ? search.machine(for: $0.id) : ShardMachine() })
            try core.createGroup(GroupDescriptor(id: group, region: "RSK", machine: RegistryMachine.machineName,
                                                 initialMembership: Membership(voters: [1, 2, 3])))
            disks[id] = disk
            cores[id] = core
        }
        var cutOff: Set<NodeID> = []
        var nowMs: UInt64 = 1_767_225_600_000
        var answered = Set<ClientTicket>()
        /// One round: every node ticks and runs its turns, then every frame sent is delivered
        /// (none to or from a cut-off node).
        func round() throws {
            nowMs += 100
            for id: NodeID in [1, 2, 3] {
                let core = cores[id]!
                core.tick(nowMs: nowMs)
                while core.hasWork {
                    for response in try core.runTurn() { answered.insert(response.ticket) }
                    if id == 3 { search.afterTurn(core) }
                }
            }
            let frames = box.frames
            box.frames = []
            for frame in frames where !cutOff.contains(frame.to) && !cutOff.contains(frame.from) {
                cores[frame.to]!.receive(from: frame.from, frame: frame.frame)
            }
        }
        func leader() -> NodeID? { [1, 2, 3].first { cores[$0]!.raft(of: group)?.role == .leader } }
        for _ in 0..<300 where leader() == nil || leader() == 3 { try round() }
        let first = try #require(leader(), "a leader was elected")
        try #require(first != 3, "node 3, which campaigns late and hands leadership on, does not lead")

        let at = Timestamp.minute(of: Date())
        func write(_ ticket: UInt64, _ command: [UInt8]) throws {
            cores[first]!.submit(ClientTicket(ticket), .write(group: group, command: command), nowMs: nowMs)
            for _ in 0..<100 where !answered.contains(ClientTicket(ticket)) { try round() }
            try #require(answered.contains(ClientTicket(ticket)), "write \(ticket) was acknowledged")
        }
        // One death act node 3 applies, then node 3 is cut off while twenty births and three
        // deaths are written, one entry each: the leader's log is compacted past what node 3 holds.
        try write(100, Self.death(1, at: at))
        for _ in 0..<20 { try round() }
        #expect(relay.queued == 1, "the death act node 3 applied reached its relay")
        cutOff = [3]
        for number: UInt64 in 1...20 { try write(number, Self.birth(number, at: at)) }
        for number: UInt64 in 2...4 { try write(100 + number, Self.death(number, at: at)) }
        let compactedThrough = try #require(cores[first]!.raft(of: group)).snapshotIndex
        let behind = try #require(cores[3]!.raft(of: group)).lastIndex
        try #require(compactedThrough > behind, "the leader compacted its log (through \(compactedThrough)) past node 3's (\(behind))")

        // Back: node 3 takes the snapshot and applies what follows it.
        cutOff = []
        let last = try #require(cores[first]!.raft(of: group)).lastIndex
        // Raft takes the snapshot when its last chunk arrives; the turn after writes it. Rounds
        // go on until node 3 has applied everything and has nothing left to write.
        for _ in 0..<500 where (cores[3]!.raft(of: group)?.appliedIndex ?? 0) < last || cores[3]!.hasWork { try round() }
        try round()
        #expect(cores[3]!.raft(of: group)?.appliedIndex == last, "node 3 caught up")
        #expect(try #require(cores[3]!.raft(of: group)).snapshotIndex > behind, "node 3 installed a snapshot")

        // The group is read again by the index's writer task, from a view opened after the turn.
        await search.settled()
        await search.close()
        let indexed = search.index.count()
        #expect(indexed == 24, "the snapshot's acts are in node 3's search index: \(indexed), status \(search.status())")
        #expect(search.status().rebuilds == 1, "only the new index's first rebuild: the snapshot's group alone was read again")
        #expect(search.status().snapshotRereads == 1)

        // The relay holds the four death mentions, each once: the one applied, the three brought.
        #expect(relay.queued == 4)
        let proposals = DeathMentionRelayTests.Proposals(always: (written: true, retryable: false))
        await proposals.run(relay)
        #expect(proposals.numbers.sorted() == [1, 2, 3, 4], "\(proposals.numbers)")
        await relay.close()
        for disk in disks.values { try disk.close() }
    }
}
