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

    /// Answers each proposal with the next of `answers` (the last one again when they run out)
    /// and records every proposal and every pause asked.
    final class Proposals: Sendable {
        private let answers: [(written: Bool, retryable: Bool)]
        private let log = Mutex<(calls: [(request: RegistryRequest, audit: AuditRecord)], pauses: [Int])>(([], []))
        /// The proposals so far, in order.
        var calls: [(request: RegistryRequest, audit: AuditRecord)] { log.withLock { $0.calls } }
        /// The attempts a pause was asked before, in order.
        var pauses: [Int] { log.withLock { $0.pauses } }

        init(_ answers: [(written: Bool, retryable: Bool)]) {
            self.answers = answers
        }

        /// No pause: the test waits for the relay's work itself, never for time.
        func pause(_ attempt: Int) -> Duration {
            log.withLock { $0.pauses.append(attempt) }
            return .zero
        }

        func propose(_ request: RegistryRequest, _ audit: AuditRecord) -> (status: DeathMentionStatus, retryable: Bool) {
            let n = log.withLock { log in
                log.calls.append((request, audit))
                return log.calls.count - 1
            }
            let answer = answers[min(n, answers.count - 1)]
            guard case .appendMention(let target, _) = request.operation else { preconditionFailure("a mention") }
            return (DeathMentionStatus(birthAct: target.path, written: answer.written, mentionSequence: answer.written ? 1 : nil,
                                       code: answer.written ? nil : "no_leader", message: answer.written ? nil : "no leader"), answer.retryable)
        }

        /// Has `relay` propose everything it queued, as its consumer does.
        func run(_ relay: DeathMentionRelay) async {
            let finished = await relay.relayQueued(topology: { DeathMentionRelayTests.topology }, pause: pause, propose: propose)
            #expect(finished)
        }
    }

    static func counter(_ metrics: NodeMetrics, _ name: String) -> String? {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init)
    }

    static func relay(_ metrics: NodeMetrics) -> DeathMentionRelay {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return DeathMentionRelay(nodeID: 100, metrics: metrics, logger: logger)
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
        ])
        let proposals = Proposals([(written: true, retryable: false)])
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
        relay.observe(createdActs: [same, crossing])
        #expect(relay.queued == 2, "before the start, both wait for the topology")
        relay.route(by: { Self.topology })
        relay.observe(createdActs: [same, crossing])
        #expect(relay.queued == 3, "then only the one of another region")
    }

    @Test func aFailureThatMayPassIsProposedAgainAndOneThatCannotIsCountedForTheSweep() async throws {
        let metrics = NodeMetrics()
        let relay = Self.relay(metrics)
        // Two failures that may pass, then written; a refusal; failures that never pass; written.
        let proposals = Proposals([(false, true), (false, true), (true, false), (false, false)]
                                  + Array(repeating: (false, true), count: DeathMentionRelay.attemptsMax) + [(true, false)])
        let retried = Self.deathAct(office: 601001, number: 1, birthAct: Self.rskBirth)
        let refused = Self.deathAct(office: 601001, number: 2, birthAct: Self.rskBirth2)
        let stuck = Self.deathAct(office: 601001, number: 3, birthAct: Self.rskBirth)
        let last = Self.deathAct(office: 601001, number: 4, birthAct: Self.rskBirth2)
        relay.observe(createdActs: [retried, refused, stuck, last])
        await proposals.run(relay)

        let expected = try Array(repeating: Self.expected(retried), count: 3) + [Self.expected(refused)]
            + Array(repeating: Self.expected(stuck), count: DeathMentionRelay.attemptsMax) + [Self.expected(last)]
        #expect(proposals.calls.map(\.request) == expected, "retried until written; the register's refusal stands; out of attempts")
        #expect(proposals.pauses == [2, 3] + Array(2...DeathMentionRelay.attemptsMax))
        #expect(Self.counter(metrics, "sijil_death_mentions_relayed_total") == "sijil_death_mentions_relayed_total 2")
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 2",
                "the refusal and the mention out of attempts, for the sweep")
    }

    @Test func aFullQueueCountsTheMentionForTheSweepInsteadOfGrowing() async throws {
        let metrics = NodeMetrics()
        let relay = Self.relay(metrics)
        let acts = (1...UInt64(DeathMentionRelay.pendingMax + 3)).map { Self.deathAct(office: 601001, number: $0, birthAct: Self.rskBirth) }
        relay.observe(createdActs: acts)
        #expect(relay.queued == DeathMentionRelay.pendingMax)
        #expect(Self.counter(metrics, "sijil_death_mentions_unwritten_total") == "sijil_death_mentions_unwritten_total 3")

        // The queued ones are proposed in order, each once.
        let proposals = Proposals([(written: true, retryable: false)])
        await proposals.run(relay)
        let numbers = proposals.calls.compactMap { call -> UInt64? in
            guard case .appendMention(_, .death(let mention)) = call.request.operation else { return nil }
            return mention.deathAct?.number
        }
        #expect(numbers == Array(1...UInt64(DeathMentionRelay.pendingMax)))
        #expect(relay.queued == 0)
    }

    @Test func thePausesGrowFromOneSecondToSixteen() {
        #expect((2...DeathMentionRelay.attemptsMax).map(DeathMentionRelay.pause(beforeAttempt:)) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16)])
    }
}

enum DeathMentionRelayTestError: Error { case notADeath }

/// The search indexer hands the relay the acts each turn draws up, also in a turn whose acts a
/// rebuild of the index takes instead (the first turns after an unclean stop, when an entry
/// applied before the stop is applied again).
@Suite(.serialized) struct DeathMentionRelayFeedTests {
    static func death(_ number: UInt64, birthAct: ActID, at: Timestamp) -> [UInt8] {
        let request = RegistryRequest(requestID: RequestID(high: 21, low: number), recordedAt: at, officer: Bodies.officer,
                                      operation: .registerDeath(DeathMentionRouteTests.death(birthAct: birthAct, office: 401003)))
        let audit = AuditRecord(at: at, node: 1, actor: "OEC-0401003-01", role: "officer", tokenID: "t\(number)", office: OfficeCode(401003),
                                purpose: "registration", action: "register_death", subject: "401003")
        return ServiceCommand(at: at, audit: audit, operation: .registryWrite(.single(request))).encode()
    }

    @Test func theActsOfATurnReachTheRelayWhetherOrNotTheIndexIsRebuilt() async throws {
        let directory = BackupRestoreTests.temporaryDirectory("relay-feed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let relay = DeathMentionRelay(nodeID: 1, metrics: nil, logger: logger)
        // A new index: its first turn rebuilds it, as after an unclean stop.
        let search = try SearchIndexer(directory: directory, logger: logger, relay: relay)
        let disk = try RocksDisk(path: directory + "/db", metrics: nil)
        let core = try NodeCore(options: NodeCoreOptions(nodeID: 1, randomSeed: 7), disk: disk, network: SilentNetwork(),
                                machines: { search.machine(for: $0.id) })
        let group: UInt64 = 4001
        try core.createGroup(GroupDescriptor(id: group, region: "RSK", machine: RegistryMachine.machineName, initialMembership: Membership(voters: [1])))
        var nowMs: UInt64 = 1_767_225_600_000
        for _ in 0..<200 where core.raft(of: group)?.role != .leader {
            nowMs += 100
            core.tick(nowMs: nowMs)
            _ = try core.runTurn()
        }
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
        try disk.close()
        await search.close()
        await relay.close()
    }
}
