import Foundation
import Testing
@testable import Registry

/// Seeded properties over random command sequences that include retries, reused ids and
/// rejected commands. Each failure message names the seed; `SIJIL_SEED=<n> swift test --filter
/// StateMachinePropertyTests` replays it.
@Suite struct StateMachinePropertyTests {
    static let commandsPerRun = 400

    struct Run {
        var replica = Replica()
        var commands: [RegistryCommand] = []
        var outcomes: [CommandOutcome] = []
    }

    /// Applies a generated sequence, checking at each step that pre-proposal validation and
    /// apply agree, and that a retry returns exactly the original outcome.
    static func run(seed: UInt64) throws -> Run {
        var generator = CommandGenerator(seed: seed)
        var run = Run()
        var firstOutcome: [RequestID: (digest: ChainDigest, entry: AcceptedEntry)] = [:]
        for _ in 0..<commandsPerRun {
            let command = generator.next()
            let predicted = try run.replica.machine.validateEach(command, against: run.replica.store)
            let outcome = try run.replica.apply(command)
            let perRequest: [CommandOutcome]
            if case .batch(let outcomes) = outcome { perRequest = outcomes } else { perRequest = [outcome] }
            #expect(perRequest.count == command.requests.count, "seed \(seed)")
            for ((request, result), prediction) in zip(zip(command.requests, perRequest), predicted) {
                let digest = request.idempotencyDigest
                switch result {
                case .accepted(let entry):
                    #expect(prediction.violations.isEmpty, "seed \(seed): validate predicted \(prediction.violations)")
                    #expect(firstOutcome[request.requestID] == nil, "seed \(seed): request accepted twice")
                    firstOutcome[request.requestID] = (digest, entry)
                    if case .appendMention = request.operation {} else { generator.knownActs.append(entry.actID) }
                case .duplicate(let entry):
                    let original = try #require(firstOutcome[request.requestID], "seed \(seed): duplicate of nothing")
                    #expect(original.digest == digest && original.entry == entry, "seed \(seed): retry changed outcome")
                case .rejected(let violations):
                    #expect(prediction.violations == violations, "seed \(seed): validate and apply disagree")
                    if violations.contains(where: { $0.rule == .requestIDReused }) {
                        #expect(firstOutcome[request.requestID] != nil && firstOutcome[request.requestID]!.digest != digest, "seed \(seed)")
                    }
                case .batch, .review:
                    Issue.record("seed \(seed): nested batch or review outcome for \(request.operation)")
                }
            }
            run.commands.append(command)
            run.outcomes.append(outcome)
        }
        return run
    }

    static let seeds = PropertySeeds.seeds(default: [1, 2, 3, 42, 1_821, 20_250_529])

    @Test(arguments: seeds)
    func numberingStaysDenseAndUniqueAndEveryChainVerifies(seed: UInt64) throws {
        let run = try Self.run(seed: seed)
        let store = run.replica.store
        var acceptedActs = Set<ActID>()
        var mentions = 0, duplicates = 0, rejections = 0, reusedIDs = 0
        for outcome in run.outcomes {
            let entries: [CommandOutcome]
            if case .batch(let list) = outcome { entries = list } else { entries = [outcome] }
            for entry in entries {
                switch entry {
                case .accepted(let accepted) where accepted.mentionSequence == nil:
                    #expect(acceptedActs.insert(accepted.actID).inserted, "seed \(seed): act \(accepted.actID) created twice")
                case .accepted: mentions += 1
                case .duplicate: duplicates += 1
                case .rejected(let v): rejections += 1; if v.contains(where: { $0.rule == .requestIDReused }) { reusedIDs += 1 }
                case .batch, .review: break
                }
            }
        }
        // The sequence must really exercise what the property is about.
        #expect(mentions > 10 && duplicates > 10 && rejections > 10 && reusedIDs > 0,
                "seed \(seed): mentions \(mentions), duplicates \(duplicates), rejections \(rejections), reused ids \(reusedIDs)")
        #expect(try RegistryQueries.registers(in: store).contains { try RegistryQueries.registerState($0, in: store)?.mode == .historical },
                "seed \(seed): no import was accepted")
        #expect(acceptedActs.count > 50, "seed \(seed): the generator should create many acts, created \(acceptedActs.count)")
        let registers = try RegistryQueries.registers(in: store)
        for register in registers {
            let state = try #require(try RegistryQueries.registerState(register, in: store))
            let stored = store.scan(from: StateKeys.actsRange(register).start, to: StateKeys.actsRange(register).end, limit: 100_000)
            let numbers = try stored.map { try Act.decode(canonical: $0.value).id.number }
            #expect(Set(numbers).count == numbers.count, "seed \(seed): duplicate number in \(register)")
            if state.mode == .live {
                #expect(numbers == Array(1...UInt64(numbers.count)), "seed \(seed): gap in \(register): \(numbers)")
            }
            #expect(numbers.count == Int(state.actCount), "seed \(seed)")
            #expect(acceptedActs.filter { $0.register == register }.count == numbers.count, "seed \(seed)")
            let verification = try RegisterChainVerifier.verify(register, in: store)
            #expect(verification.isIntact, "seed \(seed): \(register) \(verification)")
        }
    }

    @Test(arguments: seeds)
    func replicasApplyingTheSameLogEndInTheSameState(seed: UInt64) throws {
        let run = try Self.run(seed: seed)
        var other = Replica()
        for command in run.commands {
            // The command travels through the log as bytes.
            try other.apply(try RegistryCommand.decode(command.encode()))
        }
        #expect(other.store == run.replica.store, "seed \(seed)")
    }

    @Test(arguments: seeds)
    func snapshotRestoredOnAFreshReplicaGivesTheSameStateAndChainHeads(seed: UInt64) throws {
        let run = try Self.run(seed: seed)
        var writer = SnapshotWriter(reader: run.replica.store, chunkBytesLimit: SnapshotLimits.chunkBytesMin)
        var restorer = SnapshotRestorer()
        var fresh = InMemoryKeyValueStore()
        var chunks = 0
        while let chunk = try writer.nextChunk() {
            #expect(chunk.count <= SnapshotLimits.chunkBytesMin, "seed \(seed)")
            fresh.apply(try restorer.accept(chunk))
            chunks += 1
        }
        #expect(restorer.isComplete, "seed \(seed)")
        #expect(fresh == run.replica.store, "seed \(seed)")
        for register in try RegistryQueries.registers(in: run.replica.store) {
            let original = try RegisterChainVerifier.verify(register, in: run.replica.store)
            let restored = try RegisterChainVerifier.verify(register, in: fresh)
            #expect(original == restored && restored.isIntact, "seed \(seed): \(register)")
        }
        // The restored replica keeps applying the log exactly like the original.
        var continued = Replica(store: fresh, logIndex: run.replica.logIndex)
        var original = run.replica
        var generator = CommandGenerator(seed: seed &+ 7)
        for _ in 0..<50 {
            let command = generator.next()
            #expect(try continued.apply(command) == (try original.apply(command)), "seed \(seed)")
        }
        #expect(continued.store == original.store, "seed \(seed)")
    }
}
