import Raft
import Simulator
import Testing

/// A bounded sweep of the deterministic simulator with every fault on, run by every test run.
/// The full sweep (10,000 seeds) is `swift run -c release sijil-sim --seed-start 1 --seeds 10000`.
@Suite struct SweepTests {
    static let sweepSeeds: [UInt64] = Array(1...240)
    static let churnSeeds: [UInt64] = Array(1_001...1_060)

    @Test("every seed of a bounded sweep passes with all faults on", arguments: sweepSeeds)
    func seedPassesWithAllFaults(seed: UInt64) async {
        let result = await OffPool.run(SimulationOptions(seed: seed))
        #expect(result.passed, "seed \(seed): \(result.failures.prefix(3).joined(separator: " | ")); replay: swift run -c release sijil-sim --seed-start \(seed) --seeds 1 --trace")
        #expect(result.faults.messagesSent > 0, "seed \(seed) sent no messages")
    }

    @Test("every seed passes under leader churn", arguments: churnSeeds)
    func seedPassesUnderLeaderChurn(seed: UInt64) async {
        let result = await OffPool.run(SimulationOptions(seed: seed, profile: .leaderChurn))
        #expect(result.passed, "seed \(seed): \(result.failures.prefix(3).joined(separator: " | ")); replay: swift run -c release sijil-sim --seed-start \(seed) --seeds 1 --profile leader-churn --trace")
    }

    static let rollOutSeeds: [UInt64] = Array(2_001...2_030)

    @Test("every seed passes the roll-out: a region added while the first writes, a shard split, the first region destroyed and rebuilt from the centre", arguments: rollOutSeeds)
    func seedPassesTheRollOut(seed: UInt64) {
        let result = Simulation(options: SimulationOptions(seed: seed, profile: .rollOut)).run()
        #expect(result.passed, "seed \(seed): \(result.failures.prefix(3).joined(separator: " | ")); replay: swift run -c release sijil-sim --seed-start \(seed) --seeds 1 --profile roll-out --trace")
        #expect(result.faults.regionsAdded == 1 && result.faults.regionsRebuilt == 1, "seed \(seed): \(result.faults.regionsAdded) added, \(result.faults.regionsRebuilt) rebuilt")
        #expect(result.faults.shardsSplit == 1, "seed \(seed): \(result.faults.shardsSplit) shards split")
    }

    @Test("the sweep injects every kind of fault")
    func sweepInjectsEveryKindOfFault() async {
        var totals = FaultCounts()
        for seed in UInt64(1)...40 { totals.add(await OffPool.run(SimulationOptions(seed: seed)).faults) }
        #expect(totals.messagesDropped > 0 && totals.messagesDuplicated > 0 && totals.messagesDelayed > 0)
        #expect(totals.nodePartitions > 0 && totals.regionCenterCuts > 0 && totals.asymmetricCuts > 0)
        #expect(totals.crashes > 0 && totals.corruptionsInjected > 0)
        #expect(totals.corruptionsDetected >= totals.corruptionsInjected)
        #expect(totals.membershipChanges > 0 && totals.leadershipTransfers > 0 && totals.centerRuleSwitches > 0)
        #expect(totals.snapshotsInstalled > 0, "no snapshot was streamed in 40 seeds")
        #expect(totals.shardsSplit > 0, "no shard split in 40 seeds")
    }
}

@Suite struct DeterminismTests {
    @Test("two runs of one seed have the same trace digest", arguments: [UInt64(7), 1_234])
    func sameSeedSameDigest(seed: UInt64) async {
        let first = await OffPool.run(SimulationOptions(seed: seed))
        let second = await OffPool.run(SimulationOptions(seed: seed))
        #expect(first.digest == second.digest, "seed \(seed): \(first.digest) vs \(second.digest)")
        #expect(first.events == second.events && first.writesAcknowledged == second.writesAcknowledged, "seed \(seed)")
    }

    @Test("different seeds give different runs")
    func differentSeedsDiffer() async {
        let a = await OffPool.run(SimulationOptions(seed: 11))
        let b = await OffPool.run(SimulationOptions(seed: 12))
        #expect(a.digest != b.digest)
    }
}

/// The checkers must catch a broken core: switched on by a test-only flag in `RaftFaults`.
@Suite struct BrokenCoreTests {
    @Test("a region lost in region durability, cut from the centre, is caught as lost writes", arguments: [UInt64(1), 2, 3])
    func regionLostInRegionDurabilityIsCaught(seed: UInt64) {
        var options = SimulationOptions(seed: seed, profile: .rollOut)
        options.rollOutLosesInRegionDurability = true
        let result = Simulation(options: options).run()
        #expect(!result.passed, "seed \(seed): writes acknowledged without the centre were lost with the region, unnoticed")
        #expect(result.failures.contains { $0.contains("an acknowledged write is lost") }, "seed \(seed): \(result.failures.prefix(2))")
    }

    @Test("the Figure 8 schedule passes on the correct core", arguments: [UInt64(1), 2, 3])
    func figure8PassesOnCorrectCore(seed: UInt64) async {
        let result = await OffPool.run(SimulationOptions(seed: seed, scenario: .figure8))
        #expect(result.passed, "seed \(seed): \(result.failures.prefix(3).joined(separator: " | "))")
    }

    @Test("committing an older term's entry by counting is caught", arguments: [UInt64(1), 2, 3])
    func oldTermCommitIsCaught(seed: UInt64) async {
        let options = SimulationOptions(seed: seed, scenario: .figure8, raftFaults: RaftFaults(commitsOldTermEntriesByCounting: true))
        let result = await OffPool.run(options)
        #expect(!result.passed, "seed \(seed): the broken core went unnoticed")
        let safety = result.failures.contains { $0.contains("leader completeness") || $0.contains("state machine safety") }
        #expect(safety, "seed \(seed): expected a safety violation, got \(result.failures.prefix(2))")
    }
}
