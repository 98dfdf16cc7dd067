import Raft
import Registry

/// The deterministic heart of a node: it hosts many Raft groups (multi-Raft), orders every
/// turn as persist → send → apply, routes writes to leaders, streams snapshots and drives the
/// state machines. It touches the outside only through its drivers (`DiskDriver`,
/// `NetworkDriver`) and the inputs it is given (`tick`, `receive`, `submit`); time comes in as a
/// number. The real node and the simulator run this same type.
///
/// Not thread-safe: one loop owns it. A turn (`runTurn`) takes every group's `Ready`, writes
/// them to disk in one batch (group commit, one fsync), sends, applies, and returns the
/// answers to clients.
public final class NodeCore {
    public let options: NodeCoreOptions
    public var nodeID: NodeID { options.nodeID }
    let disk: any DiskDriver
    let network: any NetworkDriver
    let machineFactory: (GroupDescriptor) -> any StateMachine
    public weak var observer: (any NodeCoreObserver)?

    var groups: [GroupID: GroupHost] = [:]
    /// Messages to send, by destination, flushed as one frame per destination.
    var outbox: [NodeID: [NodeMessage]] = [:]
    var responses: [ClientResponse] = []
    /// Writes forwarded to a leader, awaiting its reply.
    var forwards: [UInt64: (ticket: ClientTicket, leader: NodeID, deadline: UInt64)] = [:]
    /// Forward ids start at a number drawn from the seed (high 32 bits), so a restarted node
    /// does not reuse the ids of its previous life: a late reply to one of those forwards
    /// would otherwise be taken for the answer to a new one.
    var nextForwardID: UInt64
    /// Forwards received from other nodes, so a duplicated frame is not handled twice.
    var recentForwards = RecentForwards()
    var nextReadID: ReadRequestID = 1
    var nextStreamID: UInt64 = 1
    /// Snapshot staging writes received since the last turn; persisted (synced) by it.
    var pendingStagingWrites = DiskBatch()
    /// Groups whose state a snapshot replaced since the shell last asked (`takeInstalledSnapshots`).
    var installedSnapshots: [GroupID: InstalledSnapshot] = [:]
    var pendingChunkAcks: [(node: NodeID, message: NodeMessage)] = []
    public private(set) var ticks: UInt64 = 0
    /// Wall-clock milliseconds, as last given by the shell.
    public private(set) var nowMs: UInt64 = 0

    /// Opens the node: loads every group found on disk and repairs what it can.
    public init(
        options: NodeCoreOptions, disk: any DiskDriver, network: any NetworkDriver,
        observer: (any NodeCoreObserver)? = nil,
        machines: @escaping (GroupDescriptor) -> any StateMachine
    ) throws(DiskError) {
        precondition(!options.raftFaults.any || options.nodeID != 0, "invalid options")
        self.options = options
        self.disk = disk
        self.network = network
        self.observer = observer
        self.machineFactory = machines
        // Ids of forwarded writes, reads and snapshot streams start at random points: answers
        // to the requests of an earlier life of this node (before a restart) may still arrive,
        // and must never be taken for answers to new ones.
        var ids = SplitMix64(seed: options.randomSeed ^ 0x5EED_1D5)
        nextForwardID = ids.next() >> 1
        nextReadID = ids.next() >> 1
        nextStreamID = ids.next() >> 1
        try loadGroups()
    }

    /// The groups this node hosts, in id order.
    public var groupIDs: [GroupID] { groups.keys.sorted() }

    /// Read-only view of a hosted group's Raft member (for status, metrics and checkers).
    public func raft(of group: GroupID) -> Raft? { groups[group]?.raft }

    public func descriptor(of group: GroupID) -> GroupDescriptor? { groups[group]?.descriptor }

    /// Why a group stopped, if it did.
    public func haltReason(of group: GroupID) -> String? { groups[group]?.haltReason }

    /// The groups whose state a snapshot replaced since the last call, as a whole rather than
    /// through applied entries, and which entries it brought: what the shell derives from
    /// applied entries (the search index, the centre's death mentions) must be read again from
    /// their state.
    public func takeInstalledSnapshots() -> [GroupID: InstalledSnapshot] {
        defer { installedSnapshots = [:] }
        return installedSnapshots
    }

    /// Starts hosting a group. An initial member creates the group's first log entry; any other
    /// node joins empty and waits for the leader to send it the log or a snapshot.
    public func createGroup(_ descriptor: GroupDescriptor) throws(DiskError) {
        guard groups[descriptor.id] == nil else { return }
        var batch = DiskBatch()
        batch.put(.meta, Keys.meta(descriptor.id, .descriptor), SealedRecord.seal(descriptor.encoded()))
        try disk.write(batch, sync: true)
        let config = options.raftConfig(for: descriptor.id)
        let raft = descriptor.initialMembership.members.contains(nodeID)
            ? Raft(config: config, bootstrap: descriptor.initialMembership)
            : Raft(config: config, state: .empty)
        groups[descriptor.id] = GroupHost(
            descriptor: descriptor, raft: raft, machine: machineFactory(descriptor), generation: 0,
            persistedLastIndex: 0, persistedTermVote: (0, 0))
    }

    // MARK: - Inputs

    /// Advances logical time by one tick; `nowMs` is the wall clock, used only to stamp data.
    public func tick(nowMs: UInt64) {
        ticks += 1
        self.nowMs = max(self.nowMs, nowMs)
        for group in groups.values.sorted(by: { $0.id < $1.id }) where group.haltReason == nil {
            group.raft.tick()
            expireRequests(group)
            tickSnapshots(group)
            if group.raft.role == .leader { sendCommitNotices(group) }
            if options.isCenter { handLeadershipToRegion(group) }
        }
        if ticks > options.forwardMemoryTicks { recentForwards.forget(before: ticks - options.forwardMemoryTicks) }
        let expired = forwards.filter { $0.value.deadline <= ticks }.keys.sorted()
        for forwardID in expired {
            respond(.local(forwards.removeValue(forKey: forwardID)!.ticket), .failed(.timedOut(outcomeUnknown: true)))
        }
    }

    /// Delivers a frame received from `peer`, whose identity the transport authenticated.
    public func receive(from peer: NodeID, frame: [UInt8]) {
        guard let messages = try? NodeFrame.decode(frame) else { return }
        for message in messages { handle(message, from: peer) }
    }

    /// Accepts a client request; its answer comes out of a later `runTurn`.
    public func submit(_ ticket: ClientTicket, _ request: ClientRequest, nowMs: UInt64) {
        self.nowMs = max(self.nowMs, nowMs)
        guard let group = groups[request.group] else {
            responses.append(ClientResponse(ticket: ticket, result: .failed(.unknownGroup(request.group))))
            return
        }
        handleRequest(request, group: group, reply: .local(ticket))
    }

    /// True when a turn has something to do.
    public var hasWork: Bool {
        !responses.isEmpty || !outbox.isEmpty || !pendingStagingWrites.isEmpty || !pendingChunkAcks.isEmpty
            || groups.values.contains { $0.haltReason == nil && ($0.raft.hasReady || !$0.queuedCommands.isEmpty || $0.pendingLogCleanup != nil) }
    }

    // MARK: - Requests

    func handleRequest(_ request: ClientRequest, group: GroupHost, reply: ReplyTarget) {
        if let reason = group.haltReason {
            respond(reply, .failed(.groupHalted(group.id, reason: reason)))
            return
        }
        let deadline = ticks + UInt64(options.requestTimeoutTicks)
        switch request {
        case .write(_, let command):
            if group.raft.role != .leader {
                forwardWrite(command, group: group, reply: reply, deadline: deadline)
                return
            }
            if totalPendingRequests() >= options.pendingRequestsMax {
                respond(reply, .failed(.overloaded("\(options.pendingRequestsMax) requests pending on node \(nodeID)")))
                return
            }
            if let split = SplitCommand.decode(command) {
                if let refusal = splitRefusal(split, group: group) {
                    respond(reply, .refused(outcome: SplitOutcome.refused(refusal).encode()))
                    return
                }
                group.queuedCommands.append((command, reply, deadline))
                group.queuedBytes += command.count
                return
            }
            do {
                let reader = GroupStateReader(reader: disk, group: group.id, generation: group.generation)
                if try group.machine.precheck(command, state: reader) != nil {
                    // A refusal is a read of the state, and this leader's applied state may
                    // miss writes its predecessor acknowledged (it is new and has not yet
                    // committed in its term, or it was deposed without knowing). The refusal
                    // is answered only once a ReadIndex round confirms a state that holds them.
                    confirmRefusal(command, group: group, reply: reply, deadline: deadline)
                    return
                }
            } catch {
                respond(reply, .failed(.storage("\(error)")))
                return
            }
            group.queuedCommands.append((command, reply, deadline))
            group.queuedBytes += command.count
        case .read(_, let query):
            if totalPendingRequests() >= options.pendingRequestsMax {
                respond(reply, .failed(.overloaded("\(options.pendingRequestsMax) requests pending on node \(nodeID)")))
                return
            }
            let id = nextReadID
            nextReadID += 1
            group.readsAwaitingIndex[id] = GroupHost.PendingQuery(query: query, reply: reply, deadline: deadline)
            group.raft.readIndex(id)
        case .staleRead(_, let query):
            answer(query, group: group, reply: reply, behindCommit: group.raft.commitIndex - group.raft.appliedIndex, staleMs: staleness(of: group))
        case .boundedStaleRead(_, let query, let bound):
            let stale = staleness(of: group)
            guard let stale, stale <= bound else {
                respond(reply, .failed(.tooStale(staleMs: stale, boundMs: bound)))
                return
            }
            answer(query, group: group, reply: reply, behindCommit: group.raft.commitIndex - group.raft.appliedIndex, staleMs: stale)
        case .forceReconfiguration(_, let voters):
            forceReconfiguration(group, voters: voters, reply: reply)
        case .changeMembership(_, let ops):
            proposeConfig(.membership(ops), group: group, reply: reply, deadline: deadline)
        case .setCenterRule(_, let center, let required):
            proposeConfig(.centerRule(center: center, required: required), group: group, reply: reply, deadline: deadline)
        case .transferLeadership(_, let target):
            switch group.raft.transferLeadership(to: target) {
            case .success: respond(reply, .done(index: group.raft.lastIndex))
            case .failure(.notLeader(let hint)): respond(reply, .failed(hint == 0 ? .noLeader(group.id) : .notLeader(group.id, leaderHint: hint)))
            case .failure(.notVoter(let id)): respond(reply, .failed(.invalidChange("member \(id) is not a voter")))
            }
        }
    }

    private func confirmRefusal(_ command: [UInt8], group: GroupHost, reply: ReplyTarget, deadline: UInt64) {
        let id = nextReadID
        nextReadID += 1
        group.readsAwaitingIndex[id] = GroupHost.PendingQuery(query: command, reply: reply, deadline: deadline, isRefusedCommand: true)
        group.raft.readIndex(id)
    }

    /// Prechecks a refused command again on a state confirmed by a ReadIndex round: the
    /// refusal is answered if it stands, otherwise the command is proposed in the next turn.
    func recheck(_ command: [UInt8], group: GroupHost, reply: ReplyTarget, deadline: UInt64) {
        do {
            let reader = GroupStateReader(reader: disk, group: group.id, generation: group.generation)
            if let refusal = try group.machine.precheck(command, state: reader) {
                respond(reply, .refused(outcome: refusal))
                return
            }
        } catch {
            respond(reply, .failed(.storage("\(error)")))
            return
        }
        group.queuedCommands.append((command, reply, deadline))
        group.queuedBytes += command.count
    }

    private func forwardWrite(_ command: [UInt8], group: GroupHost, reply: ReplyTarget, deadline: UInt64) {
        let leader = group.raft.leader
        guard leader != 0, leader != nodeID else {
            respond(reply, .failed(.noLeader(group.id)))
            return
        }
        guard case .local(let ticket) = reply else {
            // A forwarded write reached a node that is no longer leader: say who is, once.
            respond(reply, .failed(.notLeader(group.id, leaderHint: leader)))
            return
        }
        if forwards.count >= options.pendingRequestsMax {
            respond(reply, .failed(.overloaded("\(forwards.count) forwarded writes pending on node \(nodeID)")))
            return
        }
        let forwardID = nextForwardID
        nextForwardID &+= 1
        forwards[forwardID] = (ticket, leader, deadline)
        outbox[leader, default: []].append(.forward(group.id, forwardID: forwardID, command: command))
    }

    private func proposeConfig(_ change: ConfigChange, group: GroupHost, reply: ReplyTarget, deadline: UInt64) {
        switch group.raft.proposeConfigChange(change) {
        case .success(let index):
            group.proposals[index] = GroupHost.Proposal(term: group.raft.term, replies: [reply], deadline: deadline, isConfigChange: true)
        case .failure(let error):
            respond(reply, .failed(failure(for: error, group: group)))
        }
    }

    func failure(for error: Raft.ProposeError, group: GroupHost) -> ClientFailure {
        switch error {
        case .notLeader(let hint): hint == 0 ? .noLeader(group.id) : .notLeader(group.id, leaderHint: hint)
        case .transferInProgress(let to): .notLeader(group.id, leaderHint: to)
        case .overloaded(let bytes): .overloaded("\(bytes) bytes proposed and not yet committed in group \(group.id)")
        case .entryTooLarge(let bytes, let limit): .overloaded("entry of \(bytes) bytes exceeds \(limit)")
        case .configChangePending(let index): .invalidChange("configuration change at index \(index) still pending")
        case .invalidConfigChange(let why): .invalidChange("\(why)")
        }
    }

    func totalPendingRequests() -> Int {
        groups.values.reduce(forwards.count) { $0 + $1.pendingRequestCount }
    }

    func respond(_ target: ReplyTarget, _ result: ClientResult) {
        switch target {
        case .local(let ticket):
            responses.append(ClientResponse(ticket: ticket, result: result))
        case .remote(let node, let forwardID):
            outbox[node, default: []].append(.forwardReply(forwardID: forwardID, result: result))
        }
    }

    func answer(_ query: [UInt8], group: GroupHost, reply: ReplyTarget, behindCommit: UInt64, staleMs: UInt64?) {
        do {
            let reader = GroupStateReader(reader: disk, group: group.id, generation: group.generation)
            let outcome = try group.machine.query(query, state: reader)
            respond(reply, .answered(index: group.raft.appliedIndex, behindCommit: behindCommit, staleMs: staleMs, outcome: outcome))
        } catch {
            halt(group, reason: "state read failed: \(error)")
            respond(reply, .failed(.groupHalted(group.id, reason: "\(error)")))
        }
    }

    private func expireRequests(_ group: GroupHost) {
        for index in group.proposals.keys.sorted() where group.proposals[index]!.deadline <= ticks {
            for reply in group.proposals.removeValue(forKey: index)!.replies.compactMap({ $0 }) {
                respond(reply, .failed(.timedOut(outcomeUnknown: true)))
            }
        }
        for id in group.readsAwaitingIndex.keys.sorted() where group.readsAwaitingIndex[id]!.deadline <= ticks {
            respond(group.readsAwaitingIndex.removeValue(forKey: id)!.reply, .failed(.timedOut(outcomeUnknown: false)))
        }
        group.readsAwaitingApply.removeAll { pending in
            guard pending.query.deadline <= ticks else { return false }
            respond(pending.query.reply, .failed(.timedOut(outcomeUnknown: false)))
            return true
        }
    }

    /// The centre's policy: when it leads a regional group and a regional voter is fully caught
    /// up, it hands leadership over (DESIGN §3: leaders stay in their region).
    private func handLeadershipToRegion(_ group: GroupHost) {
        guard group.raft.role == .leader, group.raft.leadershipTransferTarget == nil else { return }
        let membership = group.raft.membership
        let candidates = membership.voters.sorted().filter { member in
            member != nodeID && member != membership.center && group.raft.matchIndex(of: member) == group.raft.lastIndex
        }
        if let target = candidates.first { _ = group.raft.transferLeadership(to: target) }
    }

    func halt(_ group: GroupHost, reason: String) {
        guard group.haltReason == nil else { return }
        group.haltReason = reason
        observer?.nodeCore(nodeID, observed: .groupHalted(group: group.id, reason: reason))
        for index in group.proposals.keys.sorted() {
            for reply in group.proposals[index]!.replies.compactMap({ $0 }) { respond(reply, .failed(.groupHalted(group.id, reason: reason))) }
        }
        for item in group.queuedCommands { respond(item.reply, .failed(.groupHalted(group.id, reason: reason))) }
        for id in group.readsAwaitingIndex.keys.sorted() {
            respond(group.readsAwaitingIndex[id]!.reply, .failed(.groupHalted(group.id, reason: reason)))
        }
        for read in group.readsAwaitingApply { respond(read.query.reply, .failed(.groupHalted(group.id, reason: reason))) }
        group.proposals = [:]
        group.queuedCommands = []
        group.readsAwaitingIndex = [:]
        group.readsAwaitingApply = []
        for member in group.outboundSnapshots.keys.sorted() { group.outboundSnapshots[member]!.view.close() }
        group.outboundSnapshots = [:]
    }
}

extension NodeCore {
    /// The applied state of a hosted group, read from this node's disk with every record
    /// verified: for checkers, verification and diagnostics, never for serving clients (which
    /// go through `submit`).
    public func stateReader(for group: GroupID) -> (any KeyValueReader)? {
        guard let host = groups[group] else { return nil }
        return GroupStateReader(reader: disk, group: group, generation: host.generation)
    }
}
