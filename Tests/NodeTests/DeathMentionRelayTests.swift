import Foundation
import Logging
import NodeCore
import Raft
@testable import Node
import Registry
import Services
import Synchronization
import Testing

/// The national centre's relay of death mentions across regions: which acts it relays, with
/// which request, and how often it proposes one that fails.
@Suite struct DeathMentionRelayTests {
    /// Rabat-Salé-Kénitra (offices 04xxxxx) and Casablanca-Settat (06xxxxx), with the centre.
    static let topology: ClusterTopology = {
        let before = TopologyGrowthTests.rabat()
        let (region, nodes) = TopologyGrowthTests.casablanca(before)
        return try! before.addingRegion(region, nodes: nodes)
    }()

    static let rskBirth = ActID(register: RegisterID(office: OfficeCode(401003), year: 1961, kind: .birth), number: 7)
    static let rskBirth2 = ActID(register: RegisterID(office: OfficeCode(401001), year: 1975, kind: .birth), number: 12)
    static let csOfficer = OfficerRef(identifier: "OEC-0601001-01", nameArabic: "نادية بناني", nameLatin: "Nadia Bennani")

    static func deathAct(office: UInt32, number: UInt64, birthAct: ActID?, origin: ActOrigin = .live) -> Act {
        let recordedAt = Timestamp.minute(of: Date(timeIntervalSince1970: 1_795_000_000 + Double(number) * 60))
        let id = ActID(register: RegisterID(office: OfficeCode(office), year: recordedAt.date.year, kind: .death), number: number)
        return Act(id: id, civilDigitalID: nil, content: .death(DeathMentionRouteTests.death(birthAct: birthAct, office: office)),
                   recordedAt: recordedAt, officer: csOfficer, requestID: RequestID(high: 1, low: number), origin: origin,
                   provenance: Provenance(logIndex: number, logTerm: 1))
    }

    static func birthAct(office: UInt32, number: UInt64) -> Act {
        let recordedAt = Timestamp.minute(of: Date(timeIntervalSince1970: 1_795_000_000))
        let id = ActID(register: RegisterID(office: OfficeCode(office), year: recordedAt.date.year, kind: .birth), number: number)
        return Act(id: id, civilDigitalID: nil, content: .birth(Bodies.birth(office: office)), recordedAt: recordedAt, officer: csOfficer,
                   requestID: RequestID(high: 2, low: number), origin: .live, provenance: Provenance(logIndex: 1, logTerm: 1))
    }

    /// The request the relay must propose for `death`: the one its death act alone determines.
    static func expected(_ death: Act) throws -> RegistryRequest {
        guard case .death(let declaration) = death.content, let birthAct = declaration.birthAct else { throw DeathMentionRelayTestError.notADeath }
        return DeathMentions.mention(of: declaration, deathAct: death.id, birthAct: birthAct, officer: death.officer, recordedAt: death.recordedAt)
    }

    /// Answers each proposal as `answer` says for its death act's number and the proposals of
    /// that act so far (0 for the first), and records every proposal with the clock's time.
    final class Proposals: Sendable {
        private let answer: @Sendable (_ deathActNumber: UInt64, _ earlier: Int) -> (written: Bool, retryable: Bool)
        private let log = Mutex<(calls: [(request: RegistryRequest, audit: AuditRecord, at: Date)], clock: Date, byID: [Registry.RequestID: Int])>(([], .distantPast, [:]))
        /// The proposals so far, in order.
        var calls: [(request: RegistryRequest, audit: AuditRecord, at: Date)] { log.withLock { $0.calls } }

        init(_ answer: @escaping @Sendable (_ deathActNumber: UInt64, _ earlier: Int) -> (written: Bool, retryable: Bool)) {
            self.answer = answer
        }

        /// Every proposal answered the same way.
        convenience init(always: (written: Bool, retryable: Bool)) {
            self.init { _, _ in always }
        }

        func propose(_ request: RegistryRequest, _ audit: AuditRecord) -> (status: DeathMentionStatus, retryable: Bool) {
            guard case .appendMention(let target, .death(let mention)) = request.operation, let deathAct = mention.deathAct else {
                preconditionFailure("a death mention")
            }
            let earlier = log.withLock { log in
                log.calls.append((request, audit, log.clock))
                defer { log.byID[request.requestID, default: 0] += 1 }
                return log.byID[request.requestID, default: 0]
            }
            let answer = answer(deathAct.number, earlier)
            return (DeathMentionStatus(birthAct: target.path, written: answer.written, mentionSequence: answer.written ? 1 : nil,
                                       code: answer.written ? nil : "no_leader", message: answer.written ? nil : "no leader"), answer.retryable)
        }

        /// Has `relay` propose everything it holds, as its consumer does, on a clock that starts
        /// at `start` and jumps to each time a mention set aside is due: no test waits for time.
        func run(_ relay: DeathMentionRelay, from start: Date = DeathMentionRelayTests.clockStart) async {
            log.withLock { $0.clock = start }
            relay.route(by: { DeathMentionRelayTests.topology })
            for _ in 0..<Self.passesMax {
                let pass = await relay.relayDue(now: { self.log.withLock { $0.clock } }, propose: propose)
                guard case .nextDue(let due) = pass else {
                    #expect(pass == .idle)
                    return
                }
                log.withLock { $0.clock = due }
            }
            Issue.record("the relay still had mentions to propose after \(Self.passesMax) passes")
        }

        /// More than a week of passes a minute apart.
        static let passesMax = 20_000

        /// The death act numbers proposed, in order.
        var numbers: [UInt64] {
            calls.compactMap { call in
                guard case .appendMention(_, .death(let mention)) = call.request.operation else { return nil }
                return mention.deathAct?.number
            }
        }
    }

    /// When the tests' mentions are queued.
    static let clockStart = Date(timeIntervalSince1970: 1_795_000_000)

    static func counter(_ metrics: NodeMetrics, _ name: String) -> String? {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init)
    }

    /// A new directory for a test's journal, and the journal's path in it.
    static func journalDirectory(_ name: String) throws -> (directory: String, path: String) {
        let directory = try Scratch.directory(name)
        return (directory, directory + "/" + DeathMentionRelay.journalFileName)
    }

    static func relay(_ metrics: NodeMetrics, journal: String? = nil) -> DeathMentionRelay {
        DeathMentionRelay(nodeID: 100, metrics: metrics, logger: Scratch.quietLogger, journalPath: journal)
    }

    @Test func onlyALiveDeathActOfAnotherRegionThanItsBirthActIsRelayedWithTheRequestItsDeathActDetermines() async throws {
        let metrics = NodeMetrics()
        let relay = Self.relay(metrics)
        let crossing = Self.deathAct(office: 601001, number: 1, birthAct: Self.rskBirth)
        let later = Self.deathAct(office: 602003, number: 6, birthAct: Self.rskBirth2)
        relay.observe(createdActs: [
            crossing,
            Self.deathAct(office: 401001, number: 2, birthAct: Self.rskBirth),                   // the region's own node writes it
            Self.deathAct(office: 601001, number: 3, birthAct: nil),                             // names no birth act
            Self.deathAct(office: 601001, number: 4, birthAct: Self.rskBirth2,
                          origin: .imported(drawnUpOn: GregorianDate(year: 2004, month: 3, day: 1), sourceReference: "scan-1")),
            Self.deathAct(office: 601001, number: 5, birthAct: ActID(register: RegisterID(office: OfficeCode(901001), year: 1980, kind: .birth), number: 1)),
            Self.birthAct(office: 601001, number: 1),
            later,
        ], now: Self.clockStart)
        let proposals = Proposals(always: (written: true, retryable: false))
        await proposals.run(relay)

        let calls = proposals.calls
        #expect(calls.map(\.request) == [try Self.expected(crossing), try Self.expected(later)])
        #expect(calls.first?.request.requestID == DeathMentions.requestID(deathAct: crossing.id), "the id the region and the sweep use too")
        let audit = try #require(calls.first?.audit)
        #expect(audit.action == "append_mention" && audit.subject == Self.rskBirth.path && audit.node == 100)
        #expect(audit.actor == "death-mention-relay" && audit.purpose == "death mention")
        #expect(relay.queued == 0)
        #expect(Self.counter(metrics, "sijil_death_mentions_relayed_total") == "sijil_death_mentions_relayed_total 2")
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 0")
    }

    @Test func onceTheNodesTopologyIsKnownASameRegionDeathActIsNotQueued() {
        let relay = Self.relay(NodeMetrics())
        let same = Self.deathAct(office: 401001, number: 1, birthAct: Self.rskBirth)
        let crossing = Self.deathAct(office: 601001, number: 2, birthAct: Self.rskBirth)
        relay.observe(createdActs: [same, crossing], now: Self.clockStart)
        #expect(relay.queued == 2, "before the start, both wait for the topology")
        relay.route(by: { Self.topology })
        relay.observe(createdActs: [Self.deathAct(office: 401001, number: 3, birthAct: Self.rskBirth),
                                    Self.deathAct(office: 601001, number: 4, birthAct: Self.rskBirth)], now: Self.clockStart)
        #expect(relay.queued == 3, "then only the one of another region")
    }

    /// A birth act in Rabat's second shard (group 4002; `rskBirth` and `rskBirth2` are in 4001).
    static let rskSecondShardBirth: ActID = {
        let office = topology.region("RSK")!.shards[1].firstOffice
        return ActID(register: RegisterID(office: OfficeCode(office), year: 1980, kind: .birth), number: 4)
    }()

    /// A birth act in Casablanca (group 6001), named by a death act drawn up in Rabat.
    static let csBirth = ActID(register: RegisterID(office: OfficeCode(601001), year: 1975, kind: .birth), number: 5)

    @Test func aFailureThatMayPassIsSetAsideWhileOtherGroupsGoOnAndProposedAgainUntilTheWindowEnds() async throws {
        let metrics = NodeMetrics()
        let relay = Self.relay(metrics)
        #expect(Self.topology.group(forOffice: Self.rskSecondShardBirth.register.office.rawValue) == 4002)
        // 1 (group 4001) fails twice in a way that may pass, then is written; 2 (group 6001) is
        // refused by the register; 3 (group 4002) fails in a way that may pass, always (its shard
        // stays out of reach); 4 (group 4001, like 1) is written when proposed.
        let proposals = Proposals { number, earlier in
            switch number {
            case 1: earlier < 2 ? (false, true) : (true, false)
            case 2: (false, false)
            case 3: (false, true)
            default: (true, false)
            }
        }
        let acts = [
            Self.deathAct(office: 601001, number: 1, birthAct: Self.rskBirth),
            Self.deathAct(office: 401001, number: 2, birthAct: Self.csBirth),
            Self.deathAct(office: 601001, number: 3, birthAct: Self.rskSecondShardBirth),
            Self.deathAct(office: 601001, number: 4, birthAct: Self.rskBirth2),
        ]
        relay.observe(createdActs: acts, now: Self.clockStart)
        await proposals.run(relay)

        let calls = proposals.calls
        #expect(Array(proposals.numbers.prefix(3)) == [1, 2, 3], "a mention set aside does not hold back the other groups' mentions")
        func times(_ number: UInt64) -> [TimeInterval] {
            zip(proposals.numbers, calls).filter { $0.0 == number }.map { $0.1.at.timeIntervalSince(Self.clockStart) }
        }
        #expect(times(1) == [0, 1, 3], "proposed again after 1 s, then 2 s, and written")
        #expect(times(2) == [0], "the register's refusal stands")
        #expect(times(4) == [3], "a mention for a group whose last proposal failed waits for that group's next one, then goes")
        let stuck = times(3)
        let gaps = zip(stuck.dropFirst(), stuck).map { $0 - $1 }
        #expect(Array(gaps.prefix(8)) == [1, 2, 4, 8, 16, 32, 60, 60], "the pause grows to a minute")
        #expect(gaps.dropFirst(6).allSatisfy { $0 == 60 })
        #expect(stuck.last! >= DeathMentionRelay.retryWindow && stuck.dropLast().last! < DeathMentionRelay.retryWindow,
                "proposed until the window ends, then given up")
        let expected = try acts.map(Self.expected)
        #expect(calls.allSatisfy { expected.contains($0.request) })
        #expect(relay.queued == 0)
        #expect(Self.counter(metrics, "sijil_death_mentions_relayed_total") == "sijil_death_mentions_relayed_total 2")
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 2",
                "the refusal and the mention given up, for the sweep")
    }

    @Test func aMentionNotWrittenBeforeAStopIsProposedAfterTheNextStartAndOneWrittenIsNot() async throws {
        let (directory, path) = try Self.journalDirectory("relay-journal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let acts = (1...3).map { Self.deathAct(office: 601001, number: UInt64($0), birthAct: $0 == 2 ? Self.rskSecondShardBirth : Self.rskBirth) }

        // Before the stop: 1 fails in a way that may pass, 2 (another group) is written; 3 is
        // observed after the last pass, just before the stop.
        let before = Self.relay(NodeMetrics(), journal: path)
        before.observe(createdActs: Array(acts.prefix(2)), now: Self.clockStart)
        let first = Proposals { number, _ in number == 1 ? (false, true) : (true, false) }
        before.route(by: { Self.topology })
        _ = await before.relayDue(now: { Self.clockStart }, propose: first.propose)
        #expect(first.numbers == [1, 2])
        before.observe(createdActs: [acts[2]], now: Self.clockStart.addingTimeInterval(5))
        await before.close()

        // After the start: 1 and 3, in order, each with its request; 2 is not proposed again.
        let metrics = NodeMetrics()
        let after = Self.relay(metrics, journal: path)
        #expect(after.queued == 2)
        after.observe(createdActs: [acts[0]], now: Self.clockStart.addingTimeInterval(60))
        #expect(after.queued == 2, "its death act applied again after the stop: queued once")
        let second = Proposals(always: (written: true, retryable: false))
        await second.run(after, from: Self.clockStart.addingTimeInterval(60))
        #expect(second.numbers == [1, 3])
        #expect(try second.calls.map(\.request) == [Self.expected(acts[0]), Self.expected(acts[2])])
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 0")
        await after.close()

        // Nothing is left for the start after that.
        let third = Self.relay(NodeMetrics(), journal: path)
        #expect(third.queued == 0)
        await third.close()
    }

    @Test func aProposalCutShortByTheClosingLeavesTheMentionInTheJournal() async throws {
        let (directory, path) = try Self.journalDirectory("relay-journal-close")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let metrics = NodeMetrics()
        let relay = Self.relay(metrics, journal: path)
        let act = Self.deathAct(office: 601001, number: 1, birthAct: Self.rskBirth)
        relay.observe(createdActs: [act], now: Self.clockStart)
        relay.route(by: { Self.topology })
        // The node closes the relay during the proposal, which then fails in a way that would
        // not pass (as a cancelled request does).
        let pass = await Task {
            await relay.relayDue(now: { Self.clockStart }) { request, audit in
                withUnsafeCurrentTask { $0?.cancel() }
                return Proposals(always: (written: false, retryable: false)).propose(request, audit)
            }
        }.value
        #expect(pass == .cancelled)
        #expect(relay.queued == 1)
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 0")
        await relay.close()

        let next = Self.relay(NodeMetrics(), journal: path)
        let proposals = Proposals(always: (written: true, retryable: false))
        await proposals.run(next)
        #expect(try proposals.calls.map(\.request) == [Self.expected(act)])
        await next.close()
    }

    @Test func aDamagedJournalLineIsReportedAndNeverProposed() async throws {
        let (directory, path) = try Self.journalDirectory("relay-journal-damage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let requests = try (1...4).map { try Self.expected(Self.deathAct(office: 601001, number: UInt64($0), birthAct: Self.rskBirth)) }
        var lines = requests.map { DeathMentionJournal.queuedLine(DeathMentionJournal.Entry(request: $0, queuedAt: Self.clockStart)) }
        // Line 2: one digit of the officer's identifier changed on disk; the record still decodes.
        var sealed = try #require(Data(base64Encoded: lines[1])).map { $0 }
        let identifier = Array("OEC-0601001-01".utf8)
        let at = try #require((0...(sealed.count - identifier.count)).first { Array(sealed[$0..<($0 + identifier.count)]) == identifier })
        sealed[at + identifier.count - 1] = UInt8(ascii: "7")
        lines[1] = Data(sealed).base64EncodedString()
        // Line 3: sealed and well formed, but not the mention its death act determines.
        var forged = requests[2]
        forged.requestID = requests[0].requestID
        lines[2] = DeathMentionJournal.queuedLine(DeathMentionJournal.Entry(request: forged, queuedAt: Self.clockStart))
        // Line 4: torn by a power cut.
        lines[3] = String(lines[3].prefix(lines[3].count / 2))
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))

        let metrics = NodeMetrics()
        let relay = Self.relay(metrics, journal: path)
        #expect(relay.queued == 1)
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 3",
                "each damaged line is counted for the sweep")
        let proposals = Proposals(always: (written: true, retryable: false))
        await proposals.run(relay)
        #expect(proposals.calls.map(\.request) == [requests[0]])
        await relay.close()
    }

    @Test func theJournalIsRewrittenOnceMostOfItIsDone() throws {
        let (directory, path) = try Self.journalDirectory("relay-journal-compact")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = DeathMentionJournal(path: path)
        #expect(journal.read().pending.isEmpty)
        let count = DeathMentionJournal.compactionRecordsMin
        let entries = try (1...count).map { number in
            DeathMentionJournal.Entry(request: try Self.expected(Self.deathAct(office: 601001, number: UInt64(number), birthAct: Self.rskBirth)),
                                      queuedAt: Self.clockStart)
        }
        try journal.recordQueued(entries)
        var asked = 0
        for entry in entries.dropLast(10) where try journal.recordDone(entry.request.requestID) { asked += 1 }
        #expect(asked > 0, "a rewrite is asked for once done records are most of the file")
        let left = Array(entries.suffix(10))
        #expect(DeathMentionJournal.read(try Data(contentsOf: URL(fileURLWithPath: path))).pending == left)
        try journal.compact(left)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 10)
        #expect(DeathMentionJournal.read(Data(text.utf8)).pending == left)
        journal.close()
    }

    @Test func aFullQueueCountsTheMentionForTheSweepInsteadOfGrowing() async throws {
        let metrics = NodeMetrics()
        let relay = Self.relay(metrics)
        let acts = (1...UInt64(DeathMentionRelay.pendingMax + 3)).map { Self.deathAct(office: 601001, number: $0, birthAct: Self.rskBirth) }
        relay.observe(createdActs: acts, now: Self.clockStart)
        #expect(relay.queued == DeathMentionRelay.pendingMax)
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 3")

        // The queued ones are proposed in order, each once.
        let proposals = Proposals(always: (written: true, retryable: false))
        await proposals.run(relay)
        #expect(proposals.numbers == Array(1...UInt64(DeathMentionRelay.pendingMax)))
        #expect(relay.queued == 0)
    }

    @Test func thePausesGrowFromOneSecondToAMinute() {
        #expect((2...10).map(DeathMentionRelay.pause(beforeAttempt:)) == [1, 2, 4, 8, 16, 32, 60, 60, 60])
    }
}

enum DeathMentionRelayTestError: Error { case notADeath }

/// The search indexer hands the relay the acts each turn draws up, also in a turn whose acts a
/// rebuild of the index takes instead (the first turns after an unclean stop, when an entry
/// applied before the stop is applied again).
@Suite(.serialized) struct DeathMentionRelayFeedTests {
    static func death(_ number: UInt64, birthAct: ActID, at: Timestamp) -> [UInt8] {
        Bodies.shardWrite(.registerDeath(DeathMentionRouteTests.death(birthAct: birthAct, office: 401003)), id: RequestID(high: 21, low: number),
                          action: "register_death", at: at)
    }

    @Test func theActsOfATurnReachTheRelayWhetherOrNotTheIndexIsRebuilt() async throws {
        let directory = try Scratch.directory("relay-feed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Scratch.quietLogger
        let relay = DeathMentionRelay(nodeID: 1, metrics: nil, logger: logger, journalPath: nil)
        // A new index: its first turn rebuilds it, as after an unclean stop.
        let search = try SearchIndexer(directory: directory, logger: logger, relay: relay)
        let disk = try RocksDisk(path: directory + "/db", metrics: nil)
        let (core, nowMs) = try SingleVoterShard.elected(disk: disk, search: search, seed: 7)
        let group = SingleVoterShard.group
        // A new index is due for a rebuild (the first one's); so is one asked for (the second).
        // The third death comes with no rebuild due.
        let at = Timestamp.minute(of: Date())
        let birthAct = ActID(register: RegisterID(office: OfficeCode(601001), year: 1970, kind: .birth), number: 3)
        for number: UInt64 in 1...3 {
            if number == 2 { search.requestRebuild() }
            #expect(search.status().needsRebuild == (number < 3))
            core.submit(ClientTicket(number), .write(group: group, command: Self.death(number, birthAct: birthAct, at: at)), nowMs: nowMs)
            var answered = false
            for _ in 0..<200 where !answered { answered = try core.runTurn().contains { $0.ticket == ClientTicket(number) } }
            try #require(answered)
            // The loop's call after the turn that applied it.
            search.afterTurn(core)
            #expect(relay.queued == Int(number), "death \(number) reached the relay")
            #expect(!search.status().needsRebuild)
        }
        // The index first: a rebuild under way holds a view of the store.
        await search.close()
        try disk.close()
        await relay.close()
    }
}
