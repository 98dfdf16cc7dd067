import NodeCore
import Raft
import Registry
import Testing

/// A follower far behind receives the leader's state image in chunks. Once the last chunk is
/// in, the image's header is stepped into Raft, which installs it at the node's next turn; a
/// chunk 0 arriving in between (a copy of the first chunk, or the first chunk of a stream the
/// leader restarted) must not throw the staged image away.
@Suite struct SnapshotStreamTests {
    @Test func firstChunkArrivingBeforeTheInstallDoesNotDiscardTheStagedImage() throws {
        let cluster = try ThreeNodes { options in
            options.compactionEntriesThreshold = 4
            options.compactionRetainEntries = 1
            options.snapshotChunkBytes = 1_024
        }
        try cluster.electNodeOne()
        // Node 3 is cut off while acts are registered and the leader compacts its log.
        cluster.drop = { from, to, _ in from == 3 || to == 3 }
        for n in 1...8 {
            let ticket = cluster.submit(.write(group: ThreeNodes.group, command: F.registerBirth(UInt64(n), F.birth(given: Name(arabic: "عمر", latin: "Omar"))).encode()), to: 1)
            try cluster.run { cluster.answers[ticket] != nil }
        }
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        #expect(cluster.raft(1).snapshotIndex > cluster.raft(3).lastIndex, "node 3 must need the image")
        let appliedBefore = cluster.raft(3).appliedIndex

        // Node 3 is back; the chunks sent to it are delivered by hand.
        cluster.drop = { _, _, _ in false }
        cluster.hold = { _, to, description in to == 3 && description.contains(".chunk") }
        var firstChunk: [UInt8]?
        for _ in 0..<ThreeNodes.stepsMax where cluster.raft(3).snapshotIndex == 0 {
            if cluster.held.isEmpty {
                cluster.tick(1)
                try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
                continue
            }
            let next = cluster.held.removeFirst()
            if firstChunk == nil { firstChunk = next.frame }
            cluster.cores[3]!.receive(from: next.from, frame: next.frame)
            if cluster.raft(3).snapshotIndex > 0 { break }
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
        #expect(cluster.raft(3).snapshotIndex > 0, "the image's header must have been stepped")
        // The first chunk again, before node 3's turn installs the image.
        cluster.cores[3]!.receive(from: 1, frame: try #require(firstChunk))
        cluster.hold = { _, _, _ in false }
        for frame in cluster.held { cluster.cores[frame.to]!.receive(from: frame.from, frame: frame.frame) }
        cluster.held = []
        try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        for _ in 0..<(2 * NodeCoreOptions(nodeID: 1, randomSeed: 0).electionTicks) {
            cluster.tick(1)
            try cluster.run { cluster.mailbox.frames.isEmpty && !cluster.cores.values.contains { $0.hasWork } }
        }
        #expect(cluster.raft(3).appliedIndex == cluster.raft(1).commitIndex)
        #expect(cluster.cores[3]!.haltReason(of: ThreeNodes.group) == nil)
        let stats = try cluster.cores[3]!.stateReader(for: ThreeNodes.group).map { try RegistryQuery.stats.evaluate(in: $0) }
        guard case .stats(let counts)? = stats else {
            Issue.record("expected stats from node 3")
            return
        }
        #expect(counts.birthActs == 8)
        // The shell learns, once, that node 3's state was replaced and which entries it never
        // applied (to read again what it derives from them).
        let installed = InstalledSnapshot(appliedBefore: appliedBefore, index: cluster.raft(3).snapshotIndex)
        #expect(cluster.cores[3]!.takeInstalledSnapshots() == [ThreeNodes.group: installed])
        #expect(cluster.cores[3]!.takeInstalledSnapshots().isEmpty)
        #expect(!installed.brought(logIndex: appliedBefore) && installed.brought(logIndex: appliedBefore + 1))
        #expect(installed.brought(logIndex: installed.index) && !installed.brought(logIndex: installed.index + 1))
        #expect(cluster.cores[1]!.takeInstalledSnapshots().isEmpty, "the leader installed none")
    }
}
