import NodeCore
import Raft
import Registry

/// Frames sent between test nodes, delivered only when the test says so.
final class Mailbox {
    var frames: [(from: NodeID, to: NodeID, frame: [UInt8])] = []
}

/// A network driver that posts into a `Mailbox`.
final class MailboxNetwork: NetworkDriver {
    let node: NodeID
    let mailbox: Mailbox
    init(node: NodeID, mailbox: Mailbox) {
        self.node = node
        self.mailbox = mailbox
    }
    func send(to node: UInt64, frame: [UInt8]) { mailbox.frames.append((self.node, node, frame)) }
}

/// Three `NodeCore`s hosting one registry group (voters 1, 2, 3), with every frame delivered
/// one at a time in send order, so a test can stop the cluster at an exact point.
final class ThreeNodes {
    static let group: GroupID = 1
    /// Steps allowed for the cluster to reach a state a test waits for; one election and a
    /// few round trips take well under a hundred.
    static let stepsMax = 2_000

    let mailbox = Mailbox()
    var cores: [NodeID: NodeCore] = [:]
    var disks: [NodeID: MemoryDisk] = [:]
    var answers: [ClientTicket: ClientResult] = [:]
    /// Frames for which this returns true are dropped instead of delivered.
    var drop: (_ from: NodeID, _ to: NodeID, _ description: String) -> Bool = { _, _, _ in false }
    /// Sees every frame delivered (to keep a copy and deliver it again: a duplicate).
    var tap: (_ from: NodeID, _ to: NodeID, _ frame: [UInt8]) -> Void = { _, _, _ in }
    /// Frames for which this returns true are set aside in `held` for the test to deliver.
    var hold: (_ from: NodeID, _ to: NodeID, _ description: String) -> Bool = { _, _, _ in false }
    var held: [(from: NodeID, to: NodeID, frame: [UInt8])] = []
    private let configure: (inout NodeCoreOptions) -> Void
    private let machine: @Sendable () -> any StateMachine
    private var nextTicket: ClientTicket = 1
    private var nowMs: UInt64 = 1_767_225_600_000

    /// Three nodes whose options `configure` may change (compaction, snapshot chunks), each
    /// group running `machine` (the register alone unless a test needs the shard's services).
    init(configure: @escaping (inout NodeCoreOptions) -> Void = { _ in },
         machine: @escaping @Sendable () -> any StateMachine = { RegistryMachine() }) throws {
        self.configure = configure
        self.machine = machine
        let membership = Membership(voters: [1, 2, 3])
        for id: NodeID in [1, 2, 3] {
            disks[id] = MemoryDisk()
            let core = try open(id, seed: 7 &* id)
            try core.createGroup(GroupDescriptor(id: Self.group, region: "RSK", machine: RegistryMachine.machineName, initialMembership: membership))
            cores[id] = core
        }
    }

    private func open(_ id: NodeID, seed: UInt64) throws -> NodeCore {
        var options = NodeCoreOptions(nodeID: id, randomSeed: seed)
        configure(&options)
        return try NodeCore(options: options, disk: disks[id]!,
                            network: MailboxNetwork(node: id, mailbox: mailbox), machines: { [machine] _ in machine() })
    }

    /// Stops node `id` and opens it again on its disk, with a fresh seed as a real node draws
    /// one at every start. Its answers not yet given are lost with it.
    func restart(_ id: NodeID, seed: UInt64) throws {
        cores[id] = try open(id, seed: seed)
    }

    /// Starts a new node `id` hosting the group without being one of its initial members: it
    /// waits, empty, for a leader to send it the log or a state image.
    func addNode(_ id: NodeID, seed: UInt64) throws {
        disks[id] = MemoryDisk()
        let core = try open(id, seed: seed)
        try core.createGroup(GroupDescriptor(id: Self.group, region: "RSK", machine: RegistryMachine.machineName,
                                             initialMembership: Membership(voters: [1, 2, 3])))
        cores[id] = core
    }

    /// Destroys node `id` and its disk for good (a lost region): frames to it are lost.
    func destroy(_ id: NodeID) {
        cores[id] = nil
        disks[id] = nil
    }

    func raft(_ id: NodeID) -> Raft { cores[id]!.raft(of: Self.group)! }

    /// Runs a turn on every node with work, then delivers the oldest frame. False when nothing
    /// was left to do.
    @discardableResult
    func step() throws -> Bool {
        var worked = false
        for id in cores.keys.sorted() where cores[id]!.hasWork {
            for response in try cores[id]!.runTurn() { answers[response.ticket] = response.result }
            worked = true
        }
        guard !mailbox.frames.isEmpty else { return worked }
        let (from, to, frame) = mailbox.frames.removeFirst()
        let description = NodeCore.describe(frame: frame)
        if hold(from, to, description) {
            held.append((from, to, frame))
        } else if !drop(from, to, description) {
            tap(from, to, frame)
            // A node that was destroyed receives nothing.
            cores[to]?.receive(from: from, frame: frame)
        }
        return true
    }

    /// Steps until `done` holds.
    func run(until done: () -> Bool) throws {
        for _ in 0..<Self.stepsMax {
            if done() { return }
            try step()
        }
        guard done() else { throw HarnessError.notReached("the awaited state in \(Self.stepsMax) steps") }
    }

    /// Ticks node 1 alone (the others never time out) until it leads and has committed.
    func electNodeOne() throws {
        for _ in 0..<Self.stepsMax where !(raft(1).role == .leader && raft(1).commitIndex == raft(1).lastIndex) {
            nowMs += 100
            cores[1]!.tick(nowMs: nowMs)
            while try step() {}
        }
        guard raft(1).role == .leader else { throw HarnessError.notReached("node 1 leading") }
    }

    /// Advances node `id`'s clock by one tick.
    func tick(_ id: NodeID) {
        nowMs += 100
        cores[id]!.tick(nowMs: nowMs)
    }

    func submit(_ request: ClientRequest, to node: NodeID) -> ClientTicket {
        let ticket = nextTicket
        nextTicket += 1
        cores[node]!.submit(ticket, request, nowMs: nowMs)
        return ticket
    }
}
