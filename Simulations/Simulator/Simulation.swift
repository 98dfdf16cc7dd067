import NodeCore
import Raft
import Registry

/// One simulated node: its disk survives crashes, its core does not.
final class SimNode {
    let id: NodeID
    let region: String
    let isCenter: Bool
    let disk = SimDisk()
    var core: NodeCore?
    var turnScheduled = false
    /// Incremented at every restart, so events meant for an earlier life are ignored.
    var incarnation = 0
    /// Lost with its region and disk for good: never restarted.
    var destroyed = false

    init(id: NodeID, region: String, isCenter: Bool) {
        self.id = id
        self.region = region
        self.isCenter = isCenter
    }

    var isUp: Bool { core != nil }
}

/// A directed link between two nodes.
struct Link: Hashable {
    var from: NodeID
    var to: NodeID
}

/// Sends frames into the simulated world.
final class SimNetwork: NetworkDriver {
    unowned let simulation: Simulation
    let node: NodeID
    init(simulation: Simulation, node: NodeID) {
        self.simulation = simulation
        self.node = node
    }
    func send(to destination: UInt64, frame: [UInt8]) {
        simulation.transmit(from: node, to: destination, frame: frame)
    }
}

enum SimEvent {
    case deliver(from: NodeID, to: NodeID, frame: [UInt8])
    case tick(NodeID, incarnation: Int)
    case turn(NodeID, incarnation: Int)
    case clientNext(Int)
    case clientTimeout(client: Int, operation: Int)
    case registryTimeout(operation: Int, attempt: Int)
    case registryRetry(operation: Int)
    case fault
    case heal(Set<Link>)
    case restart(NodeID, corrupt: Bool)
    case endOfFaults
    case convergenceCheck
    /// Leader churn: strike a leader shortly after its election, if it still leads.
    case strikeLeader(NodeID, group: GroupID, term: UInt64)
    /// The roll-out profile's next step (`Simulation+RollOut.swift`).
    case rollOut(RollOutStep)
    /// The split of a shard, proposed until carried out (`Simulation+Split.swift`).
    case splitShard
}

/// A deterministic simulation of a Sijil cluster: real `NodeCore`s (and so real Raft) on
/// simulated disks and a simulated network, in virtual time, driven by one seeded generator.
public final class Simulation {
    let options: SimulationOptions
    let shape: ClusterShape
    var rng: SplitMix64
    var now: UInt64 = 0
    var queue = EventQueue<SimEvent>()
    var nodes: [NodeID: SimNode] = [:]
    var nodeOrder: [NodeID] = []
    static let centerID: NodeID = 100
    var regionNodes: [String: [NodeID]] = [:]
    var groups: [GroupDescriptor] = []
    var blocked: Set<Link> = []
    var messageFaults = false
    var faultPhase = true
    var faults = FaultCounts()
    var failures: [String] = []
    var traceLines: [String] = []
    var digest: UInt64 = 0xCBF2_9CE4_8422_2325
    var eventCount = 0
    var checker: InvariantChecker!
    var clients: [SimClient] = []
    var history = History()
    var registryHistory = RegistryHistory()
    /// The registry workload's generator and what its clients know (nil for the keyed workload).
    var workload: RegistryWorkload?
    var nextTicket: ClientTicket = 1
    var ticketOwners: [ClientTicket: (client: Int, operation: Int)] = [:]
    var phase: Phase = .faults
    var phaseDeadline: UInt64 = 0
    var probes: [GroupID: ClientTicket] = [:]
    var probeAcknowledged: Set<GroupID> = []
    /// The scripted schedule being played, if any.
    var figure8: Figure8Scenario?
    /// Drops frames it returns true for (scripted schedules only).
    var frameFilter: ((NodeID, NodeID, [(group: GroupID, message: Message)]) -> Bool)?
    /// Nodes whose disk was damaged and that have not finished repairing it.
    var damagedNodes: Set<NodeID> = []
    /// Groups the operator forced onto the centre's log after their region was destroyed:
    /// the last index that survived, per group.
    var forcedReconfigurations: [GroupID: UInt64] = [:]
    /// Every group the cluster will have (the roll-out adds some of them while it runs);
    /// `groups` holds those that exist.
    var plannedGroups: [GroupDescriptor] = []
    /// Random faults pause while the roll-out profile rebuilds a region (the operator's
    /// procedure starts on a healed network); messages are still lost and reordered.
    var rollOutQuiet = false
    /// Where the roll-out stands.
    var rollOut = RollOutState()
    /// Where the split of a shard stands.
    lazy var split = SplitState(seed: options.seed)

    enum Phase {
        case faults
        case converging(round: Int)
        case probing
        case done
    }

    /// Small flow-control windows, drawn per seed, so catching up takes many messages and the
    /// interleavings that only long logs produce in production happen here in seconds.
    let entriesPerMessageMax: Int
    let inflightMessagesMax: Int

    public init(options: SimulationOptions) {
        self.options = options
        var rng = SplitMix64(seed: options.seed)
        self.shape = options.scenario != nil ? .oneRegion
            : options.profile == .rollOut ? .twoRegions
            : options.shape ?? (rng.next() % 2 == 0 ? .oneRegion : .twoRegions)
        self.entriesPerMessageMax = options.scenario != nil ? 1 : 1 + Int(rng.next() % 4)
        self.inflightMessagesMax = 1 + Int(rng.next() % 8)
        self.rng = rng
    }

    /// Runs the whole scenario and returns the verdict.
    public func run() -> SimulationResult {
        checker = InvariantChecker(simulation: self)
        buildCluster()
        scheduleInitialEvents()
        let hardStopMs = options.faultPhaseMs + 2 * options.convergenceBoundMs + options.progressBoundMs + 60_000
        while let (time, event) = queue.pop() {
            if time > hardStopMs {
                fail("simulation did not finish by \(hardStopMs) ms of virtual time")
                break
            }
            now = time
            eventCount += 1
            handle(event)
            if case .done = phase { break }
            if failures.count > 20 { break }
        }
        if case .done = phase {} else if failures.isEmpty {
            fail("event queue drained before the final checks")
        }
        let registry = options.workload == .registry
        return SimulationResult(
            seed: options.seed, shape: shape, failures: failures, digest: digest, faults: faults, events: eventCount,
            writesAcknowledged: registry ? registryHistory.writesAcknowledged : history.writesAcknowledged,
            readsAnswered: registry ? registryHistory.readsAnswered : history.readsAnswered, virtualTimeMs: now,
            workloadSummary: registry ? registryHistory.summary : "", trace: traceLines)
    }

    func fail(_ message: String) {
        failures.append("[\(now) ms] \(message)")
    }

    func record(_ text: @autoclosure () -> String, mixing values: [UInt64]) {
        for value in values {
            digest ^= value
            digest = digest &* 0x0000_0100_0000_01B3
        }
        if options.trace { traceLines.append("\(now) \(text())") }
    }

    // MARK: - Set-up

    private func buildCluster() {
        let regions: [(String, [NodeID])] = shape == .oneRegion
            ? [("RSK", [1, 2, 3, 4])]
            : [("RSK", [1, 2, 3, 4]), ("CS", [11, 12, 13, 14])]
        var nextGroup: GroupID = 1
        for (region, ids) in regions {
            regionNodes[region] = ids
            for id in ids { nodes[id] = SimNode(id: id, region: region, isCenter: false) }
            for _ in 0..<2 {
                let voters = Set(ids.prefix(3)).union([Simulation.centerID])
                let membership = Membership(voters: voters, center: Simulation.centerID, centerRule: options.scenario == nil && rng.next() % 2 == 0)
                groups.append(GroupDescriptor(id: nextGroup, region: region, machine: options.workload.machineName, initialMembership: membership))
                nextGroup += 1
            }
        }
        nodes[Simulation.centerID] = SimNode(id: Simulation.centerID, region: "centre", isCenter: true)
        nodeOrder = nodes.keys.sorted()
        plannedGroups = groups
        // The roll-out starts with Rabat-Salé-Kénitra alone; Casablanca-Settat's nodes run,
        // hosting nothing, until the region is added.
        if options.profile == .rollOut { groups = groups.filter { $0.region == RollOutState.firstRegion } }
        for id in nodeOrder {
            start(nodes[id]!)
            for group in groups where group.initialMembership.members.contains(id) {
                try! nodes[id]!.core!.createGroup(group)
            }
        }
        clients = (0..<options.clients).map { SimClient(id: $0) }
        if options.workload == .registry { workload = RegistryWorkload(seed: options.seed, groups: plannedGroups) }
    }

    func makeCore(for node: SimNode) -> NodeCore? {
        let coreOptions = NodeCoreOptions(
            nodeID: node.id, isCenter: node.isCenter, requestTimeoutTicks: 40,
            compactionEntriesThreshold: 40, compactionBytesThreshold: 1 << 20, compactionRetainEntries: 8,
            snapshotChunkBytes: options.workload.snapshotChunkBytes, snapshotWindowChunks: 2, snapshotStreamTimeoutTicks: 30,
            entriesPerMessageMax: entriesPerMessageMax, inflightMessagesMax: inflightMessagesMax,
            randomSeed: rng.next(), raftFaults: options.raftFaults)
        do {
            return try NodeCore(options: coreOptions, disk: node.disk, network: SimNetwork(simulation: self, node: node.id),
                                observer: checker, machines: { [workload = options.workload] in Simulation.machine(for: $0, workload: workload) })
        } catch {
            fail("node \(node.id) failed to open its disk: \(error)")
            return nil
        }
    }

    func start(_ node: SimNode) {
        precondition(!node.destroyed, "a destroyed node never starts again")
        node.incarnation += 1
        node.turnScheduled = false
        node.core = makeCore(for: node)
        checker.nodeRestarted(node.id)
        // A node down when a region was added takes its groups at its next start, as a real
        // node does from its topology.
        if options.profile == .rollOut, let core = node.core {
            for group in groups where group.initialMembership.members.contains(node.id) && core.raft(of: group.id) == nil {
                try? core.createGroup(group)
            }
        }
        hostSplitGroups(on: node)
        // Stagger tick phases so nodes do not tick in lock step.
        queue.schedule(.tick(node.id, incarnation: node.incarnation), at: now + 1 + rng.next() % options.tickMs)
    }

    private func scheduleInitialEvents() {
        if options.scenario == .figure8 {
            figure8 = Figure8Scenario()
            return
        }
        for client in clients { queue.schedule(.clientNext(client.id), at: 200 + rng.next() % 300) }
        if options.faults {
            messageFaults = true
            queue.schedule(.fault, at: 1_000 + rng.next() % 1_000)
        }
        if options.profile == .rollOut { scheduleRollOut() }
        scheduleSplit()
        queue.schedule(.endOfFaults, at: options.faultPhaseMs)
    }

    // MARK: - Events

    private func handle(_ event: SimEvent) {
        switch event {
        case .deliver(let from, let to, let frame):
            // A link cut while a frame is in flight loses the frame, as a cable cut would.
            guard let node = nodes[to], let core = node.core, !blocked.contains(Link(from: from, to: to)) else { return }
            record("deliver \(from)->\(to) \(frame.count)B \(NodeCore.describe(frame: frame))", mixing: [1, from, to, UInt64(frame.count), fnv(frame)])
            core.receive(from: from, frame: frame)
            scheduleTurnIfNeeded(node)
        case .tick(let id, let incarnation):
            guard let node = nodes[id], node.incarnation == incarnation, let core = node.core else { return }
            record("tick \(id)", mixing: [2, id])
            core.tick(nowMs: Simulation.epochMs + now)
            scheduleTurnIfNeeded(node)
            queue.schedule(.tick(id, incarnation: incarnation), at: now + options.tickMs)
        case .turn(let id, let incarnation):
            guard let node = nodes[id], node.incarnation == incarnation, let core = node.core else { return }
            node.turnScheduled = false
            record("turn \(id)", mixing: [3, id])
            do {
                let responses = try core.runTurn()
                for response in responses { deliverResponse(response) }
            } catch {
                fail("node \(id) disk write failed: \(error)")
            }
            scheduleTurnIfNeeded(node)
        case .clientNext(let client):
            if options.workload == .registry { registryClientNext(client) } else { clientNext(client) }
        case .clientTimeout(let client, let operation):
            clientTimedOut(client, operation: operation)
        case .registryTimeout(let operation, let attempt):
            registryTimedOut(operation, attempt: attempt)
        case .registryRetry(let operation):
            sendRegistryAttempt(operation)
        case .fault:
            injectFault()
        case .heal(let links):
            record("heal \(links.count) links", mixing: [5, UInt64(links.count)])
            blocked.subtract(links)
        case .restart(let id, let corrupt):
            restart(id, corrupt: corrupt)
        case .endOfFaults:
            endFaultPhase()
        case .convergenceCheck:
            convergenceCheck()
        case .strikeLeader(let id, let group, let term):
            strikeLeader(id, group: group, term: term)
        case .rollOut(let step):
            rollOutStep(step)
        case .splitShard:
            splitShard()
        }
        if var script = figure8 {
            let finished = script.advance(self)
            figure8 = finished ? nil : script
            if finished, case .faults = phase { endFaultPhase() }
        }
    }

    func scheduleTurnIfNeeded(_ node: SimNode) {
        guard !node.turnScheduled, let core = node.core, core.hasWork else { return }
        node.turnScheduled = true
        // A turn ends with an fsync: about a millisecond on the disks we target.
        queue.schedule(.turn(node.id, incarnation: node.incarnation), at: now + 1)
    }

    /// Schedules delivery of a frame, applying the link model and message faults.
    func transmit(from: NodeID, to: NodeID, frame: [UInt8]) {
        faults.messagesSent += 1
        guard !blocked.contains(Link(from: from, to: to)) else {
            faults.messagesDropped += 1
            return
        }
        if let filter = frameFilter, filter(from, to, NodeCore.raftMessages(in: frame)) {
            faults.messagesDropped += 1
            return
        }
        let crossesToCenter = from == Simulation.centerID || to == Simulation.centerID || nodes[from]?.region != nodes[to]?.region
        var latency = crossesToCenter ? 10 + rng.next() % 30 : 1 + rng.next() % 4
        if messageFaults {
            let roll = rng.next() % 1000
            if roll < 30 {
                faults.messagesDropped += 1
                return
            }
            if roll < 80 {
                // A late message overtakes none of the rules: Raft must cope with reordering.
                latency += rng.next() % 300
                faults.messagesDelayed += 1
            }
            if roll >= 980 {
                faults.messagesDuplicated += 1
                queue.schedule(.deliver(from: from, to: to, frame: frame), at: now + latency + 1 + rng.next() % 50)
            }
        }
        queue.schedule(.deliver(from: from, to: to, frame: frame), at: now + latency)
    }

    /// Virtual time starts on 2025-12-31T23:59:54Z: six seconds in, the year turns, and live
    /// registers of the new year start at number 1 while faults are being injected.
    static let epochMs: UInt64 = 1_767_225_594_000

    /// The state machine of a group, by the name its descriptor carries; the workload's own
    /// for a name it does not know (the placeholder of a damaged descriptor, whose group halts).
    /// A registry group runs the shard machine the real node runs (the register and its
    /// services), so splits and the services' records are exercised too.
    static func machine(for descriptor: GroupDescriptor, workload: Workload) -> any StateMachine {
        switch descriptor.machine {
        case RegistryMachine.machineName: ShardMachine()
        case Workload.kv.machineName: KeyValueMachine()
        default: workload == .registry ? ShardMachine() : KeyValueMachine()
        }
    }

    func fnv(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    func submit(_ request: ClientRequest, to node: SimNode) -> ClientTicket? {
        guard let core = node.core else { return nil }
        let ticket = nextTicket
        nextTicket += 1
        core.submit(ticket, request, nowMs: Simulation.epochMs + now)
        scheduleTurnIfNeeded(node)
        return ticket
    }

    /// The up node that leads `group` in the highest term, if any.
    func leader(of group: GroupID) -> SimNode? {
        var best: SimNode?
        var bestTerm: UInt64 = 0
        for id in nodeOrder {
            guard let node = nodes[id], let raft = node.core?.raft(of: group), raft.role == .leader else { continue }
            if best == nil || raft.term > bestTerm {
                best = node
                bestTerm = raft.term
            }
        }
        return best
    }

    func descriptor(_ group: GroupID) -> GroupDescriptor { groups.first { $0.id == group }! }
}
