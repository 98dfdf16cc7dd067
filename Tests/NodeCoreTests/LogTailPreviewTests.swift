import NodeCore
import Raft
import Registry
import Testing

/// `previewLogTail`: an old replica's log after its applied state, applied in memory only.
@Suite struct LogTailPreviewTests {
    /// A disk that keeps, beside what the running node sees, the image a power cut would leave:
    /// synced batches, and unsynced ones only when a later synced batch covered them (the
    /// `DiskDriver` contract: what is lost is a suffix of unsynced batches).
    final class PowerCutDisk: DiskDriver {
        let live = MemoryDisk()
        let image = MemoryDisk()
        private var unsynced: [DiskBatch] = []
        func get(_ space: DiskSpace, _ key: [UInt8]) throws(DiskError) -> [UInt8]? { try live.get(space, key) }
        func scan(_ space: DiskSpace, from: [UInt8], to: [UInt8], limit: Int) throws(DiskError) -> [(key: [UInt8], value: [UInt8])] {
            try live.scan(space, from: from, to: to, limit: limit)
        }
        func write(_ batch: DiskBatch, sync: Bool) throws(DiskError) {
            try live.write(batch, sync: sync)
            guard sync else {
                unsynced.append(batch)
                return
            }
            for earlier in unsynced { try image.write(earlier, sync: false) }
            unsynced = []
            try image.write(batch, sync: true)
        }
        func openView() throws(DiskError) -> any DiskView { try live.openView() }
    }

    static func open(_ disk: any DiskDriver) throws -> NodeCore {
        try NodeCore(options: NodeCoreOptions(nodeID: SingleNode.nodeID, randomSeed: 42), disk: disk, network: SilentNetwork(),
                     machines: { _ in RegistryMachine() })
    }

    static func act(_ id: ActID, in state: any KeyValueReader) throws -> ActRecord? {
        guard case .record(let record) = try RegistryAnswer.decode(try RegistryMachine().query(RegistryQuery.act(id).encode(), state: state)) else { return nil }
        return record
    }

    /// What a power cut leaves of a one-member group after three acknowledged registrations:
    /// act 1 applied; acts 2 and 3 in the log only, act 3 past the commit index on disk.
    struct PowerCut {
        var image: MemoryDisk
        var appliedBefore: UInt64
        var second: AcceptedEntry
        var third: AcceptedEntry
    }

    static func powerCutAfterThreeActs() throws -> PowerCut? {
        let disk = PowerCutDisk()
        let core = try Self.open(disk)
        try core.createGroup(GroupDescriptor(id: SingleNode.group, region: "RSK", machine: RegistryMachine.machineName,
                                             initialMembership: Membership(voters: [SingleNode.nodeID])))
        var nowMs: UInt64 = 1_767_225_600_000
        for _ in 0..<SingleNode.stepsMax where core.raft(of: SingleNode.group)?.role != .leader {
            nowMs += 100
            core.tick(nowMs: nowMs)
            _ = try core.runTurn()
        }
        var answers: [ClientTicket: ClientResult] = [:]
        func turn() throws { for response in try core.runTurn() { answers[response.ticket] = response.result } }
        for _ in 0..<SingleNode.stepsMax where core.hasWork { try turn() }

        // Act 1 is applied and on the disk.
        core.submit(1, .write(group: SingleNode.group, command: F.registerBirth(1).encode()), nowMs: nowMs)
        for _ in 0..<SingleNode.stepsMax where answers[1] == nil { try turn() }
        for _ in 0..<SingleNode.stepsMax where core.hasWork { try turn() }
        let appliedBefore = core.raft(of: SingleNode.group)!.appliedIndex

        // Act 2's entry is synced in one turn; act 3's in the next, with act 2's commit index;
        // act 2 is then acknowledged, then act 3, and their applied state is written unsynced.
        core.submit(2, .write(group: SingleNode.group, command: F.registerBirth(2).encode()), nowMs: nowMs)
        try turn()
        core.submit(3, .write(group: SingleNode.group, command: F.registerBirth(3).encode()), nowMs: nowMs)
        for _ in 0..<SingleNode.stepsMax where answers[2] == nil || answers[3] == nil { try turn() }
        guard case .accepted(let second)? = answers[2]?.commandOutcome, case .accepted(let third)? = answers[3]?.commandOutcome else {
            Issue.record("acts 2 and 3 acknowledged, got \(String(describing: answers[2])) and \(String(describing: answers[3]))")
            return nil
        }
        return PowerCut(image: disk.image, appliedBefore: appliedBefore, second: second, third: third)
    }

    @Test func theLogAfterTheAppliedStateIsAppliedInMemoryCommittedOrNot() throws {
        guard let cut = try Self.powerCutAfterThreeActs() else { return }
        let (appliedBefore, second, third) = (cut.appliedBefore, cut.second, cut.third)
        // Reopened from what a power cut leaves: the state holds act 1 only; the log holds acts
        // 2 and 3, act 3 past the commit index the disk knows.
        let memory = cut.image
        let reopened = try Self.open(memory)
        let stored = try #require(reopened.stateReader(for: SingleNode.group))
        #expect(try Self.act(second.actID, in: stored) == nil)
        let writesBefore = memory.writes
        let preview = try #require(try reopened.previewLogTail(of: SingleNode.group))
        #expect(preview.appliedIndex == appliedBefore)
        #expect(preview.commitIndex == appliedBefore + 1, "act 2's commit index went to disk with act 3's synced entry")
        #expect(preview.lastIndex == appliedBefore + 2)
        #expect(preview.previewedThrough == preview.lastIndex)
        #expect(preview.stoppedBecause == nil)
        #expect(preview.commands.map(\.index) == [appliedBefore + 1, appliedBefore + 2])
        #expect(try Self.act(second.actID, in: preview.state)?.act.requestID == F.requestID(2))
        #expect(try Self.act(third.actID, in: preview.state)?.act.requestID == F.requestID(3))
        let outcome = try CommandOutcome.decode(preview.commands[1].outcome)
        #expect(outcome == .accepted(third), "\(outcome) \(second) \(third)")
        // Nothing was written, and the stored state is as it was.
        #expect(memory.writes == writesBefore)
        #expect(try Self.act(second.actID, in: stored) == nil)
        #expect(reopened.raft(of: SingleNode.group)!.appliedIndex == appliedBefore)
    }

    @Test func aDamagedTailEndsThePreviewAndIsNamed() throws {
        guard let cut = try Self.powerCutAfterThreeActs() else { return }
        // Act 3's entry, the last record of the log, no longer verifies.
        try #require(cut.image.damageLastRecord(in: .log) != nil)
        let reopened = try Self.open(cut.image)
        let preview = try #require(try reopened.previewLogTail(of: SingleNode.group))
        #expect(preview.commands.map(\.index) == [cut.appliedBefore + 1])
        #expect(preview.previewedThrough == cut.appliedBefore + 1)
        #expect(preview.stoppedBecause == "entries \(cut.appliedBefore + 2) to \(cut.appliedBefore + 2) are damaged on this disk")
        #expect(try Self.act(cut.second.actID, in: preview.state)?.act.requestID == F.requestID(2))
        #expect(try Self.act(cut.third.actID, in: preview.state) == nil)
    }

    @Test func aLogWithNothingAfterItsStateGivesTheStoredState() throws {
        let node = try SingleNode()
        try node.elect()
        guard case .accepted(let entry)? = try node.write(F.registerBirth(1)).commandOutcome else {
            Issue.record("act 1 accepted")
            return
        }
        for _ in 0..<SingleNode.stepsMax where node.core.hasWork { _ = try node.core.runTurn() }
        let preview = try #require(try node.core.previewLogTail(of: SingleNode.group))
        #expect(preview.commands.isEmpty)
        #expect(preview.previewedThrough == preview.appliedIndex)
        #expect(preview.state.writes.isEmpty)
        #expect(try Self.act(entry.actID, in: preview.state)?.act.requestID == F.requestID(1))
        #expect(try node.core.previewLogTail(of: 999) == nil)
    }
}
