import Testing
@testable import Raft

/// A message in transit, with the state-machine image the sender's host streams alongside a
/// snapshot header.
struct Envelope {
    var message: Message
    var image: [Entry]?
}

/// A deterministic group of `Raft` members hosted exactly as the `Ready` contract says, joined by
/// a message queue the test controls.
///
/// Every member is processed to quiescence after each input (step, tick, proposal): snapshot,
/// entries and hard state are persisted, then `messages` are queued, then committed entries are
/// applied, then `advance` is called. Messages wait in `queue` until the test delivers them; link
/// filters decide at delivery time whether a message arrives. After every processed input the
/// safety checker (`SafetyChecker.swift`) looks at the whole group.
final class TestNetwork {
    /// Printed with every violation (the seed of a randomised run, the scenario name).
    let context: String
    /// The members by id. Tests read it; only the harness changes it.
    var members: [NodeID: TestMember] = [:]
    var queue: [Envelope] = []
    /// Every message any member handed to the network, in order, delivered or not.
    var sent: [Message] = []
    /// Every message that reached a live member, in order.
    private(set) var delivered: [Message] = []
    /// Contract or safety violations seen so far.
    private(set) var violations: [String] = []
    /// When true (the default) a violation is also recorded as a test failure at once.
    var failsOnViolation = true
    var checksInvariants = true
    var checker = SafetyChecker()

    private var isolated: Set<NodeID> = []
    private var groups: [Set<NodeID>]?
    private var cutLinks: Set<Link> = []
    private var dropRules: [(Message) -> Bool] = []

    static let violationsReportedMax = 10

    struct Link: Hashable {
        var from: NodeID
        var to: NodeID
    }

    /// A brand-new group: every member is bootstrapped with the same initial configuration.
    init(voters: [NodeID], learners: [NodeID] = [], center: NodeID? = nil, centerRule: Bool = false,
         seed: UInt64 = 1, context: String = "", configure: (inout RaftConfig) -> Void = { _ in }) {
        self.context = context.isEmpty ? "seed \(seed)" : "\(context), seed \(seed)"
        let initial = Membership(voters: Set(voters), learners: Set(learners), center: center, centerRule: centerRule)
        for id in voters + learners {
            var config = Fixture.config(id, seed: seed)
            configure(&config)
            members[id] = TestMember(id: id, config: config, raft: Raft(config: config, bootstrap: initial), store: DurableStore())
        }
        for id in members.keys.sorted() { process(id) }
    }

    /// A group whose members restart from prepared durable states (the paper's figures).
    init(prepared: [NodeID: Raft.PersistentState], seed: UInt64 = 1, context: String = "",
         configure: (inout RaftConfig) -> Void = { _ in }) {
        self.context = context.isEmpty ? "seed \(seed)" : "\(context), seed \(seed)"
        for (id, state) in prepared {
            var config = Fixture.config(id, seed: seed)
            configure(&config)
            members[id] = TestMember(id: id, config: config, raft: Raft(config: config, state: state), store: DurableStore(state))
        }
        for id in members.keys.sorted() { process(id) }
    }

    // MARK: - Observation

    var ids: [NodeID] { members.keys.sorted() }
    var liveIDs: [NodeID] { ids.filter { members[$0]!.isUp } }

    /// The Raft value of a live member.
    func raft(_ id: NodeID) -> Raft {
        guard let raft = members[id]?.raft else { preconditionFailure("member \(id) is down or unknown") }
        return raft
    }

    func member(_ id: NodeID) -> TestMember { members[id]! }
    func store(_ id: NodeID) -> DurableStore { members[id]!.store }

    /// The live leader of the highest term, if any.
    var leader: NodeID? {
        liveIDs.filter { raft($0).role == .leader }.max { raft($0).term < raft($1).term }
    }

    /// The payloads `id`'s state machine applied (no-ops and configuration entries left out).
    func applied(_ id: NodeID) -> [[UInt8]] { store(id).appliedPayloads }

    /// Messages sent so far that satisfy `predicate`.
    func sentMessages(where predicate: (Message) -> Bool) -> [Message] { sent.filter(predicate) }

    /// Forgets the record of sent and delivered messages (not the queue).
    func clearTrace() {
        sent = []
        delivered = []
    }

    // MARK: - Inputs to members

    /// Runs `body` on a live member's Raft value, then lets its host process the result.
    @discardableResult
    func with<T>(_ id: NodeID, _ body: (inout Raft) -> T) -> T {
        guard members[id]?.raft != nil else { preconditionFailure("member \(id) is down or unknown") }
        let result = body(&members[id]!.raft!)
        process(id)
        return result
    }

    /// Runs `body` on a live member's Raft value without letting its host process the result
    /// (to stage inputs for `crashDuringReady` or to inspect a `Ready` by hand).
    @discardableResult
    func withoutProcessing<T>(_ id: NodeID, _ body: (inout Raft) -> T) -> T {
        guard members[id]?.raft != nil else { preconditionFailure("member \(id) is down or unknown") }
        return body(&members[id]!.raft!)
    }

    @discardableResult
    func propose(_ id: NodeID, _ payloads: [[UInt8]]) -> Result<UInt64, Raft.ProposeError> {
        with(id) { $0.propose(payloads) }
    }

    @discardableResult
    func propose(_ id: NodeID, _ text: String) -> Result<UInt64, Raft.ProposeError> {
        propose(id, [Array(text.utf8)])
    }

    @discardableResult
    func proposeConfigChange(_ id: NodeID, _ change: ConfigChange) -> Result<UInt64, Raft.ProposeError> {
        with(id) { $0.proposeConfigChange(change) }
    }

    func tick(_ id: NodeID, times: Int = 1) {
        for _ in 0..<times where members[id]?.isUp == true { with(id) { $0.tick() } }
    }

    /// Delivers everything, then one heartbeat round. A new commit index reaches the followers
    /// only with the next append or heartbeat, so this is what it takes for every member to
    /// learn what the leader committed once the last proposals' traffic is done.
    func deliverThenHeartbeat() {
        deliverAll()
        tickAllAndDeliver()
    }

    /// Ticks every live member once (in id order), then delivers everything queued.
    func tickAllAndDeliver(times: Int = 1, except skipped: Set<NodeID> = []) {
        for _ in 0..<times {
            for id in liveIDs where !skipped.contains(id) { with(id) { $0.tick() } }
            deliverAll()
        }
    }

    /// Makes `id` campaign by ticking it alone until it asks for votes (or pre-votes), then
    /// delivers everything. Other members do not tick, so their timers stay where they are.
    func campaign(_ id: NodeID) {
        let asked = { self.sent.count { $0.from == id && $0.voteRequest != nil } }
        let before = asked()
        for _ in 0..<(4 * raft(id).config.electionTicks) {
            tick(id)
            if asked() > before || raft(id).role == .leader { break }
        }
        deliverAll()
    }

    /// Campaigns `id` and checks that it won.
    func elect(_ id: NodeID, sourceLocation: SourceLocation = #_sourceLocation) {
        campaign(id)
        #expect(raft(id).role == .leader, "\(context): member \(id) did not win its election", sourceLocation: sourceLocation)
    }

    /// Lets the group run (ticks and deliveries) until `condition` holds, at most `roundsMax`
    /// rounds. Returns whether it held.
    @discardableResult
    func run(roundsMax: Int = 1_000, until condition: (TestNetwork) -> Bool) -> Bool {
        for _ in 0..<roundsMax {
            if condition(self) { return true }
            tickAllAndDeliver()
        }
        return condition(self)
    }

    // MARK: - Delivery

    /// Delivers queued messages in order until the queue is empty.
    func deliverAll(messagesMax: Int = 200_000) {
        var count = 0
        while !queue.isEmpty {
            count += 1
            if count > messagesMax {
                record("the group did not quiesce after \(messagesMax) messages")
                return
            }
            deliver(queue.removeFirst())
        }
    }

    /// Delivers the queued message at `position`.
    func deliver(at position: Int) {
        deliver(queue.remove(at: position))
    }

    /// Delivers one message now, subject to the link filters.
    func deliver(_ envelope: Envelope) {
        let message = envelope.message
        guard allows(message), let target = members[message.to], target.isUp else { return }
        delivered.append(message)
        if case .snapshot = message.body {
            // The host streams the image first, then steps the header (Message.Body.snapshot).
            members[message.to]!.stagedImage = envelope.image
        }
        members[message.to]!.raft!.step(message)
        process(message.to)
    }

    /// Removes every queued message matching `predicate` without delivering it.
    func discardQueued(where predicate: (Message) -> Bool) {
        queue.removeAll { predicate($0.message) }
    }

    // MARK: - Faults

    /// Drops every message to or from `id` until `heal()`.
    func isolate(_ id: NodeID) { isolated.insert(id) }

    /// Only members of the same group can talk until `heal()`.
    func partition(_ parts: [Set<NodeID>]) { groups = parts }

    /// Drops messages from `from` to `to` (one direction) until `heal()`.
    func cut(from: NodeID, to: NodeID) { cutLinks.insert(Link(from: from, to: to)) }

    /// Drops every message matching `predicate` until `heal()`.
    func drop(where predicate: @escaping (Message) -> Bool) { dropRules.append(predicate) }

    /// Drops every message whose body has this name (`Message.Body.name`) until `heal()`.
    func drop(kind name: String) { drop { $0.body.name == name } }

    /// Removes every filter.
    func heal() {
        isolated = []
        groups = nil
        cutLinks = []
        dropRules = []
    }

    func allows(_ message: Message) -> Bool {
        if isolated.contains(message.from) || isolated.contains(message.to) { return false }
        if let groups, !groups.contains(where: { $0.contains(message.from) && $0.contains(message.to) }) { return false }
        if cutLinks.contains(Link(from: message.from, to: message.to)) { return false }
        return !dropRules.contains { $0(message) }
    }

    // MARK: - Crash and restart

    /// Loses the member's memory: only its durable store survives. Messages already sent stay in
    /// flight.
    func crash(_ id: NodeID) {
        members[id]!.raft = nil
        members[id]!.stagedImage = nil
    }

    /// Rebuilds the member from its durable store with `Raft(config:state:)`.
    func restart(_ id: NodeID) {
        precondition(members[id]?.raft == nil, "member \(id) is up")
        members[id]!.restarts += 1
        var config = members[id]!.config
        // A new process draws new election timeouts.
        config.randomSeed = config.randomSeed &+ UInt64(members[id]!.restarts) &* 7_919
        members[id]!.raft = Raft(config: config, state: members[id]!.store.persistentState)
        process(id)
    }

    /// The member takes its next `Ready`, sends the appends that may leave before persisting,
    /// then crashes before (or just after) its write is durable: nothing else of that `Ready`
    /// happens.
    func crashDuringReady(_ id: NodeID, afterPersisting: Bool) {
        guard var member = members[id], member.raft != nil else { return }
        let ready = member.raft!.ready()
        enqueue(ready.messagesBeforePersist, from: member)
        if afterPersisting { persist(ready, into: &member) }
        members[id] = member
        crash(id)
    }

    /// Adds a member that has never been part of the group (empty durable state).
    func addEmptyMember(_ id: NodeID, seed: UInt64 = 1, configure: (inout RaftConfig) -> Void = { _ in }) {
        var config = Fixture.config(id, seed: seed)
        configure(&config)
        members[id] = TestMember(id: id, config: config, raft: Raft(config: config, state: .empty), store: DurableStore())
    }

    /// The host compacts its log through `index` (its state machine covers it).
    func compact(_ id: NodeID, through index: UInt64) {
        let term = raft(id).term(at: index)!
        with(id) { $0.compact(through: index) }
        var store = members[id]!.store
        guard index > store.snapshotIndex else { return }
        store.entries.removeFirst(Int(index - store.snapshotIndex))
        store.snapshotIndex = index
        store.snapshotTerm = term
        members[id]!.store = store
    }

    // MARK: - Violations

    func record(_ violation: String, sourceLocation: SourceLocation = #_sourceLocation) {
        // Once a safety property is broken it stays broken at every later step: the first few
        // reports say everything, the rest would only flood the log.
        guard violations.count < Self.violationsReportedMax else { return }
        violations.append(violation)
        if failsOnViolation {
            Issue.record("\(context): \(violation)", sourceLocation: sourceLocation)
        }
    }
}
