import NodeCore
import Raft

/// The cluster shapes the simulator runs, shaped like Sijil's.
public enum ClusterShape: String, Sendable, CaseIterable {
    /// One region of three voters and a spare node, plus the national centre.
    case oneRegion = "one-region"
    /// Two regions of three voters and a spare each, sharing the centre.
    case twoRegions = "two-regions"
}

/// What the simulated clients do.
public enum Workload: String, Sendable, CaseIterable {
    /// The civil-status register: births, deaths, imports, marginal mentions and reads of
    /// acts, through `RegistryMachine` (the default).
    case registry
    /// A keyed register per key: unique writes and linearizable reads (`KeyValueMachine`).
    case kv

    /// The name the groups' descriptors carry.
    var machineName: String {
        switch self {
        case .registry: RegistryMachine.machineName
        case .kv: "kv"
        }
    }

    /// Bytes per streamed snapshot chunk. Tiny for the keyed workload (many chunks from a small
    /// state); for the registry, whose records are around a kilobyte, 16 KiB keeps a stream
    /// of a few thousand pairs to a few dozen chunks.
    var snapshotChunkBytes: Int {
        switch self {
        case .registry: 16 << 10
        case .kv: 256
        }
    }
}

/// How one simulated run is set up. Everything not given is drawn from `seed`.
public struct SimulationOptions: Sendable {
    public var seed: UInt64
    /// Nil: drawn from the seed.
    public var shape: ClusterShape?
    /// What the clients do (the registry workload by default).
    public var workload: Workload
    /// Message loss, duplication, delay and reordering; partitions; crashes; corruption;
    /// membership changes, transfers and centre-rule switches. All on by default.
    public var faults: Bool
    /// Virtual time during which faults are injected.
    public var faultPhaseMs: UInt64
    /// After healing, the cluster must have converged within this bound.
    public var convergenceBoundMs: UInt64
    /// After convergence, a write to every group must be acknowledged within this bound.
    public var progressBoundMs: UInt64
    public var clients: Int
    public var keysPerGroup: UInt32
    public var tickMs: UInt64
    /// Fault intensity: `.standard` for sweeps, `.leaderChurn` for short-lived leaders (a
    /// leader is crashed or cut off every few hundred milliseconds), which is what exposes
    /// commitment bugs such as the one in Figure 8 of the Raft paper.
    public var profile: FaultProfile
    /// A scripted schedule instead of random faults.
    public var scenario: Scenario?
    /// A deliberately broken core, to prove the checkers catch it.
    public var raftFaults: RaftFaults
    /// Record a readable trace of every event (slow; for replaying one seed).
    public var trace: Bool
    /// A deliberate operator error, only for proving the checkers: the roll-out profile loses
    /// its region in `region` durability, cut off from the centre, instead of `center`.
    public var rollOutLosesInRegionDurability = false

    public init(
        seed: UInt64, shape: ClusterShape? = nil, workload: Workload = .registry, faults: Bool = true, faultPhaseMs: UInt64 = 12_000,
        convergenceBoundMs: UInt64 = 30_000, progressBoundMs: UInt64 = 10_000, clients: Int = 6, profile: FaultProfile = .standard,
        keysPerGroup: UInt32 = 6, tickMs: UInt64 = 100, scenario: Scenario? = nil, raftFaults: RaftFaults = RaftFaults(), trace: Bool = false
    ) {
        self.seed = seed
        self.shape = shape
        // Scripted schedules write through the keyed workload (their writes are plain puts).
        self.workload = scenario == nil ? workload : .kv
        self.faults = faults
        self.faultPhaseMs = faultPhaseMs
        self.convergenceBoundMs = convergenceBoundMs
        self.progressBoundMs = progressBoundMs
        self.clients = clients
        self.profile = profile
        self.keysPerGroup = keysPerGroup
        self.tickMs = tickMs
        self.scenario = scenario
        self.raftFaults = raftFaults
        self.trace = trace
    }
}

/// Scripted schedules.
public enum Scenario: String, Sendable, CaseIterable {
    /// Figure 8 of the Raft paper (see `Figure8Scenario`).
    case figure8 = "figure-8"
}

/// How hard the simulator hits the cluster.
public enum FaultProfile: String, Sendable, CaseIterable {
    case standard
    case leaderChurn = "leader-churn"
    /// The roll-out and its disaster, under the standard faults: Casablanca-Settat joins the
    /// running cluster (its groups created on its nodes and the centre while Rabat-Salé-Kénitra
    /// writes), then Rabat-Salé-Kénitra is moved to `center` durability and destroyed with its
    /// disks, and rebuilt on new nodes from the centre's replicas (`Simulation+RollOut.swift`).
    case rollOut = "roll-out"
}

/// What the simulator injected in one run (or summed over a sweep).
public struct FaultCounts: Sendable, Equatable {
    public var messagesSent = 0
    public var messagesDropped = 0
    public var messagesDuplicated = 0
    public var messagesDelayed = 0
    public var nodePartitions = 0
    public var regionCenterCuts = 0
    public var asymmetricCuts = 0
    public var crashes = 0
    public var unsyncedBatchesLost = 0
    public var corruptionsInjected = 0
    public var corruptionsDetected = 0
    public var membershipChanges = 0
    public var leadershipTransfers = 0
    public var centerRuleSwitches = 0
    public var snapshotsInstalled = 0
    /// Regions added to the running cluster.
    public var regionsAdded = 0
    /// Regions destroyed and rebuilt from the centre.
    public var regionsRebuilt = 0
    /// Shards split while the cluster runs.
    public var shardsSplit = 0
    /// Replicas of a split group filled by a snapshot from its leader rather than by applying
    /// the split themselves.
    public var splitReplicasFilledBySnapshot = 0

    public init() {}

    public mutating func add(_ other: FaultCounts) {
        messagesSent += other.messagesSent
        messagesDropped += other.messagesDropped
        messagesDuplicated += other.messagesDuplicated
        messagesDelayed += other.messagesDelayed
        nodePartitions += other.nodePartitions
        regionCenterCuts += other.regionCenterCuts
        asymmetricCuts += other.asymmetricCuts
        crashes += other.crashes
        unsyncedBatchesLost += other.unsyncedBatchesLost
        corruptionsInjected += other.corruptionsInjected
        corruptionsDetected += other.corruptionsDetected
        membershipChanges += other.membershipChanges
        leadershipTransfers += other.leadershipTransfers
        centerRuleSwitches += other.centerRuleSwitches
        snapshotsInstalled += other.snapshotsInstalled
        regionsAdded += other.regionsAdded
        regionsRebuilt += other.regionsRebuilt
        shardsSplit += other.shardsSplit
        splitReplicasFilledBySnapshot += other.splitReplicasFilledBySnapshot
    }

    /// The counters in a fixed order, for passing between processes.
    public var values: [Int] {
        [messagesSent, messagesDropped, messagesDuplicated, messagesDelayed, nodePartitions, regionCenterCuts, asymmetricCuts,
         crashes, unsyncedBatchesLost, corruptionsInjected, corruptionsDetected, membershipChanges, leadershipTransfers,
         centerRuleSwitches, snapshotsInstalled, regionsAdded, regionsRebuilt, shardsSplit,
         splitReplicasFilledBySnapshot]
    }

    /// The inverse of `values`; nil when the count of values is wrong.
    public init?(values: [Int]) {
        guard values.count == 19 else { return nil }
        (messagesSent, messagesDropped, messagesDuplicated, messagesDelayed, nodePartitions, regionCenterCuts, asymmetricCuts) =
            (values[0], values[1], values[2], values[3], values[4], values[5], values[6])
        (crashes, unsyncedBatchesLost, corruptionsInjected, corruptionsDetected, membershipChanges, leadershipTransfers) =
            (values[7], values[8], values[9], values[10], values[11], values[12])
        (centerRuleSwitches, snapshotsInstalled, regionsAdded, regionsRebuilt, shardsSplit, splitReplicasFilledBySnapshot) =
            (values[13], values[14], values[15], values[16], values[17], values[18])
    }

    /// One line per counter, for reports.
    public var lines: [String] {
        [
            "messages sent: \(messagesSent)", "messages dropped: \(messagesDropped)",
            "messages duplicated: \(messagesDuplicated)", "messages delayed (reordered): \(messagesDelayed)",
            "node partitions: \(nodePartitions)", "region-centre cuts: \(regionCenterCuts)",
            "asymmetric link cuts: \(asymmetricCuts)", "crashes (power loss): \(crashes)",
            "unsynced batches lost: \(unsyncedBatchesLost)", "log corruptions injected: \(corruptionsInjected)",
            "log corruptions detected: \(corruptionsDetected)", "membership changes: \(membershipChanges)",
            "leadership transfers: \(leadershipTransfers)", "centre-rule switches: \(centerRuleSwitches)",
            "snapshots installed: \(snapshotsInstalled)", "regions added: \(regionsAdded)",
            "regions rebuilt from the centre: \(regionsRebuilt)", "shards split: \(shardsSplit)",
            "split-group replicas filled by a snapshot: \(splitReplicasFilledBySnapshot)",
        ]
    }
}

/// The verdict of one run.
public struct SimulationResult: Sendable {
    public var seed: UInt64
    public var shape: ClusterShape
    /// Empty when every check passed.
    public var failures: [String]
    /// A digest of the event trace: two runs of one seed must give the same value.
    public var digest: UInt64
    public var faults: FaultCounts
    public var events: Int
    public var writesAcknowledged: Int
    public var readsAnswered: Int
    public var virtualTimeMs: UInt64
    /// What the workload's clients did (registry workload), in one line.
    public var workloadSummary: String
    public var trace: [String]

    public var passed: Bool { failures.isEmpty }
}
