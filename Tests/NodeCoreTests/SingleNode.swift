import NodeCore
import Raft
import Registry

/// One `NodeCore` hosting a one-member registry group on a `MemoryDisk`, driven turn by turn.
final class SingleNode {
    static let group: GroupID = 1
    static let nodeID: NodeID = 1
    /// Turns and ticks allowed for an answer or an election: a one-member group elects itself
    /// within two election timeouts (at most 40 ticks) and commits in two turns.
    static let stepsMax = 200

    let disk: MemoryDisk
    private(set) var core: NodeCore
    private var nextTicket: ClientTicket = 1
    private var nowMs: UInt64 = 1_767_225_600_000

    /// Opens a node on `disk` (a fresh one by default) and creates the group if it is new.
    init(disk: MemoryDisk = MemoryDisk()) throws {
        self.disk = disk
        core = try SingleNode.open(disk)
        if core.raft(of: Self.group) == nil {
            let membership = Membership(voters: [Self.nodeID])
            try core.createGroup(GroupDescriptor(id: Self.group, region: "RSK", machine: RegistryMachine.machineName, initialMembership: membership))
        }
    }

    private static func open(_ disk: MemoryDisk) throws -> NodeCore {
        try NodeCore(options: NodeCoreOptions(nodeID: nodeID, randomSeed: 42), disk: disk, network: SilentNetwork(),
                     machines: { _ in RegistryMachine() })
    }

    var raft: Raft { core.raft(of: Self.group)! }

    /// Ticks and turns until the member leads its group.
    func elect() throws {
        for _ in 0..<Self.stepsMax where raft.role != .leader {
            nowMs += 100
            core.tick(nowMs: nowMs)
            _ = try core.runTurn()
        }
        guard raft.role == .leader else { throw HarnessError.notReached("a one-member group leading after \(Self.stepsMax) ticks") }
        // Commit the leader's first entry so the applied state is current.
        for _ in 0..<Self.stepsMax where raft.commitIndex < raft.lastIndex || core.hasWork { _ = try core.runTurn() }
    }

    /// Submits a request and runs turns until it is answered.
    func perform(_ request: ClientRequest) throws -> ClientResult {
        let ticket = nextTicket
        nextTicket += 1
        core.submit(ticket, request, nowMs: nowMs)
        for _ in 0..<Self.stepsMax {
            if let response = try core.runTurn().first(where: { $0.ticket == ticket }) { return response.result }
            nowMs += 100
            core.tick(nowMs: nowMs)
        }
        throw HarnessError.notReached("an answer to request \(ticket) in \(Self.stepsMax) steps")
    }

    func write(_ command: RegistryCommand) throws -> ClientResult {
        try perform(.write(group: Self.group, command: command.encode()))
    }

    func read(_ query: RegistryQuery) throws -> ClientResult {
        try perform(.read(group: Self.group, query: query.encode()))
    }

    /// Every pair of the group's applied state, in key order.
    func statePairs() throws -> [(key: [UInt8], value: [UInt8])] {
        try core.stateReader(for: Self.group)!.scan(from: StateKeys.start, to: StateKeys.end, limit: Int.max)
    }
}

/// A test harness gave up waiting: the test fails with what it waited for.
enum HarnessError: Error {
    case notReached(String)
}

extension ClientResult {
    /// The decoded outcome of an applied or refused write, nil otherwise.
    var commandOutcome: CommandOutcome? {
        switch self {
        case .applied(_, let bytes), .refused(let bytes): try? CommandOutcome.decode(bytes)
        default: nil
        }
    }

    /// The decoded answer of a read, nil otherwise.
    var registryAnswer: RegistryAnswer? {
        if case .answered(_, _, _, let bytes) = self { return try? RegistryAnswer.decode(bytes) }
        return nil
    }
}
