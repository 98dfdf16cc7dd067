import NodeCore
import Raft
import Registry
import Testing

/// A shard group splits by a command in its log: every replica gives up the same offices to
/// the same new group at the same log position, so the new group starts identical everywhere;
/// the old group answers for what it gave up with the group that holds it now.
@Suite struct ShardSplitTests {
    typealias F = RegistryFixtures
    static let parent: GroupID = ThreeNodes.group
    static let child: GroupID = 2
    /// The office that moves; `F.office` (401003) stays.
    static let movingOffice = OfficeCode(401001)

    static func birthIn(_ office: OfficeCode, _ n: UInt64) -> RegistryCommand {
        var birth = F.birth()
        birth.office = office
        let officer = OfficerRef(identifier: "OEC-0\(office.rawValue)-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")
        return .single(RegistryRequest(requestID: F.requestID(n), recordedAt: F.recordedAt, officer: officer, operation: .registerBirth(birth)))
    }

    static func splitCommand(into group: GroupID = child, first: OfficeCode = movingOffice, last: OfficeCode = movingOffice) -> [UInt8] {
        SplitCommand(newGroup: group, key: ShardSplitKey(first: first, last: last).encode()).encode()
    }

    func cluster() throws -> ThreeNodes {
        let cluster = try ThreeNodes(machine: { ShardMachine() })
        try cluster.electNodeOne()
        return cluster
    }

    func perform(_ request: ClientRequest, on node: NodeID, _ cluster: ThreeNodes) throws -> ClientResult {
        let ticket = cluster.submit(request, to: node)
        try cluster.run { cluster.answers[ticket] != nil }
        return cluster.answers[ticket]!
    }

    /// Steps, ticking node 1 whenever nothing is in flight (so it campaigns in the new group).
    func runTickingNodeOne(_ cluster: ThreeNodes, until done: () -> Bool) throws {
        for _ in 0..<ThreeNodes.stepsMax {
            if done() { return }
            if try !cluster.step() { cluster.tick(1) }
        }
        guard done() else { throw HarnessError.notReached("the awaited state in \(ThreeNodes.stepsMax) steps") }
    }

    func register(_ office: OfficeCode, _ n: UInt64, group: GroupID = parent, _ cluster: ThreeNodes) throws -> AcceptedEntry {
        let result = try perform(.write(group: group, command: Self.birthIn(office, n).encode()), on: 1, cluster)
        guard case .accepted(let entry)? = result.commandOutcome else { throw HarnessError.notReached("birth \(n) accepted, got \(result)") }
        return entry
    }

    func split(_ cluster: ThreeNodes, _ command: [UInt8] = splitCommand()) throws -> SplitOutcome {
        let result = try perform(.write(group: Self.parent, command: command), on: 1, cluster)
        switch result {
        case .applied(_, let bytes), .refused(let bytes):
            return try #require(SplitOutcome.decode(bytes), "undecodable split outcome \(bytes)")
        default:
            throw HarnessError.notReached("a split outcome, got \(result)")
        }
    }

    func state(_ group: GroupID, on node: NodeID, _ cluster: ThreeNodes) throws -> [[UInt8]: [UInt8]] {
        let reader = try #require(cluster.cores[node]!.stateReader(for: group), "node \(node) hosts group \(group)")
        var pairs: [[UInt8]: [UInt8]] = [:]
        for pair in try reader.scan(from: StateKeys.start, to: StateKeys.end, limit: Int.max) { pairs[pair.key] = pair.value }
        return pairs
    }

    @Test func everyReplicaGivesUpTheOfficeToTheSameNewGroup() throws {
        let cluster = try cluster()
        let staying = try register(F.office, 1, cluster)
        let moving = try register(Self.movingOffice, 2, cluster)
        _ = try register(Self.movingOffice, 3, cluster)

        guard case .split(let child, let index, let moved, let voters) = try split(cluster) else {
            Issue.record("the split was refused")
            return
        }
        #expect(child == Self.child)
        #expect(voters == [1, 2, 3])
        #expect(moved > 0)
        try runTickingNodeOne(cluster) { (1...3).allSatisfy { cluster.cores[$0]!.raft(of: Self.child)?.appliedIndex ?? 0 >= index } }

        // The same new group on every replica, and the same parent.
        let childState = try state(Self.child, on: 1, cluster)
        let parentState = try state(Self.parent, on: 1, cluster)
        for node: NodeID in [2, 3] {
            #expect(try state(Self.child, on: node, cluster) == childState, "node \(node) holds another new group")
            #expect(try state(Self.parent, on: node, cluster) == parentState, "node \(node) holds another parent")
            #expect(cluster.cores[node]!.raft(of: Self.child)!.snapshotIndex == index)
        }
        // The moved act is in the new group, not in the parent; the other one stayed.
        #expect(childState[StateKeys.act(moving.actID)] != nil)
        #expect(parentState[StateKeys.act(moving.actID)] == nil)
        #expect(parentState[StateKeys.act(staying.actID)] != nil)
        #expect(childState[StateKeys.act(staying.actID)] == nil)
        #expect(childState[StateKeys.request(moving.requestID)] != nil, "the request's outcome moves with its act")
    }

    /// The moved offices have no leader until the new group elects one: the parent's leader
    /// campaigns there as soon as the others can have applied the split (the heartbeat that
    /// tells them it committed, then their turn), not after a full election timeout (10 to 19
    /// ticks).
    @Test func theParentsLeaderLeadsTheNewGroupWithinThreeTicks() throws {
        let cluster = try cluster()
        _ = try register(Self.movingOffice, 1, cluster)
        guard case .split = try split(cluster) else {
            Issue.record("the split was refused")
            return
        }
        #expect(cluster.cores[1]!.raft(of: Self.child) != nil, "node 1 created the new group when it applied the split")
        var ticks = 0
        for _ in 0..<ThreeNodes.stepsMax where cluster.cores[1]!.raft(of: Self.child)?.role != .leader {
            if try !cluster.step() {
                cluster.tick(1)
                ticks += 1
            }
        }
        #expect(cluster.cores[1]!.raft(of: Self.child)?.role == .leader)
        #expect(ticks <= 3, "node 1 led the new group after \(ticks) ticks")
    }

    @Test func theParentAnswersForWhatMovedAndTheNewGroupGoesOn() throws {
        let cluster = try cluster()
        let moving = try register(Self.movingOffice, 1, cluster)
        guard case .split(_, let index, _, _) = try split(cluster) else {
            Issue.record("the split was refused")
            return
        }
        try runTickingNodeOne(cluster) { cluster.cores[1]!.raft(of: Self.child)?.role == .leader && cluster.cores[1]!.raft(of: Self.child)!.commitIndex > index }

        // A read or a write about the moved office, sent to the parent, names the new group.
        let read = try perform(.read(group: Self.parent, query: RegistryQuery.act(moving.actID).encode()), on: 2, cluster)
        #expect(read.movedTo == Self.child)
        let write = try perform(.write(group: Self.parent, command: Self.birthIn(Self.movingOffice, 2).encode()), on: 1, cluster)
        #expect(write.movedTo == Self.child)

        // The same requests in the new group: the act is there, and numbering and chaining go on.
        let record = try perform(.read(group: Self.child, query: RegistryQuery.act(moving.actID).encode()), on: 2, cluster)
        guard case .record(let stored?)? = record.registryAnswer else {
            Issue.record("the moved act is not readable in the new group: \(record)")
            return
        }
        #expect(stored.act.id == moving.actID)
        let next = try register(Self.movingOffice, 2, group: Self.child, cluster)
        #expect(next.actID.number == moving.actID.number + 1)
        #expect(next.chainPosition == moving.chainPosition + 1)
        // A retry of the request that was answered before the split is still a duplicate.
        let retry = try perform(.write(group: Self.child, command: Self.birthIn(Self.movingOffice, 1).encode()), on: 1, cluster)
        guard case .duplicate(let original)? = retry.commandOutcome else {
            Issue.record("a retried request was not recognised after the split: \(retry)")
            return
        }
        #expect(original.actID == moving.actID)
    }

    @Test func aRefusedSplitChangesNothing() throws {
        let cluster = try cluster()
        _ = try register(Self.movingOffice, 1, cluster)
        let into = try perform(.write(group: Self.parent, command: Self.splitCommand(into: Self.parent)), on: 1, cluster)
        guard case .refused(let bytes) = into, case .refused(let reason)? = SplitOutcome.decode(bytes) else {
            Issue.record("a split into itself was not refused before the log: \(into)")
            return
        }
        #expect(reason.contains("itself"))
        let empty = try split(cluster, Self.splitCommand(first: OfficeCode(401009), last: OfficeCode(401001)))
        guard case .refused = empty else {
            Issue.record("an empty office range was split: \(empty)")
            return
        }
        let before = try state(Self.parent, on: 1, cluster)
        guard case .split = try split(cluster) else {
            Issue.record("the first split was refused")
            return
        }
        let after = try state(Self.parent, on: 1, cluster)
        #expect(after != before)
        // The same offices again, to another group: refused, and the parent is as it was.
        let again = try split(cluster, Self.splitCommand(into: 3))
        guard case .refused(let why) = again else {
            Issue.record("offices were given up twice: \(again)")
            return
        }
        #expect(why.contains("already went to group 2"))
        #expect(try state(Self.parent, on: 1, cluster) == after)
        #expect(cluster.cores[1]!.raft(of: 3) == nil)
    }

    @Test func anEmptyReplicaHostedBeforehandIsReplacedByTheSplit() throws {
        let cluster = try cluster()
        _ = try register(Self.movingOffice, 1, cluster)
        // Node 3 learned of the new group from its topology first: it hosts it empty.
        try cluster.cores[3]!.createGroup(GroupDescriptor(id: Self.child, region: "RSK", machine: RegistryMachine.machineName, initialMembership: Membership()))
        let forced = try perform(.forceReconfiguration(group: Self.child, voters: [3]), on: 3, cluster)
        guard case .failed(.invalidChange(let why)) = forced else {
            Issue.record("an empty replica was forced to be the group's only copy: \(forced)")
            return
        }
        #expect(why.contains("holds nothing"))

        guard case .split(_, let index, _, _) = try split(cluster) else {
            Issue.record("the split was refused")
            return
        }
        try runTickingNodeOne(cluster) { (1...3).allSatisfy { cluster.cores[$0]!.raft(of: Self.child)?.appliedIndex ?? 0 >= index } }
        #expect(try state(Self.child, on: 3, cluster) == state(Self.child, on: 1, cluster))

        // After a restart, node 3 loads the new group from its disk as it was.
        let before = try state(Self.child, on: 3, cluster)
        try cluster.restart(3, seed: 99)
        #expect(try state(Self.child, on: 3, cluster) == before)
        #expect(cluster.cores[3]!.raft(of: Self.child)!.membership.voters == [1, 2, 3])
    }
}
