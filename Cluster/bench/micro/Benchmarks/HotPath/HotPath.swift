import Benchmark
import Foundation
import Registry
import RegistrySearch
import Storage

// Micro-benchmarks of the write path's building blocks, each on one core and in memory (the
// log store on a temporary RocksDB without fsync): what one act costs before the network, the
// disk and the other replicas multiply it. docs/BENCHMARKS.md explains how they feed the
// bound analysis.

let officer = OfficerRef(identifier: "OEC-0401003-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")
let today = GregorianDate(year: 2026, month: 11, day: 20)
let recordedAt = Timestamp(date: today, time: TimeOfDay(hour: 10, minute: 5))

func birth(office: OfficeCode, day: GregorianDate) -> BirthDeclaration {
    let family = Name(arabic: "بن عبد الرحمان", latin: "Benabderrahmane", tifinagh: "ⴱⵏⵄⴱⴷⵔⵔⴰⵃⵎⴰⵏ")
    let father = PersonName(givenName: Name(arabic: "عبد القادر", latin: "Abdelkader"), familyName: family)
    let mother = PersonName(givenName: Name(arabic: "فاطمة الزهراء", latin: "Fatima Zohra"), familyName: Name(arabic: "بوزيد", latin: "Bouzid"))
    return BirthDeclaration(
        office: office, child: PersonName(givenName: Name(arabic: "محمد أمين", latin: "Mohamed Amine"), familyName: family),
        sex: .male, birthDate: DualDate(gregorian: day), birthTime: TimeOfDay(hour: 6, minute: 45),
        birthPlace: Place(arabic: "مستشفى الولادة، الرباط", latin: "Maternité de l'hôpital provincial, quartier Hay Riad"),
        father: ParentRecord(name: father, birthDate: GregorianDate(year: day.year - 41, month: 11, day: 2),
                             birthPlace: Place(arabic: "سلا", latin: "Salé"), nationality: "مغربية / marocaine"),
        mother: ParentRecord(name: mother, birthDate: GregorianDate(year: day.year - 37, month: 5, day: 19),
                             birthPlace: Place(arabic: "تيزنيت", latin: "Tiznit"), nationality: "مغربية / marocaine"),
        declarant: Declarant(name: father, relation: .father), preDeclarationReference: "BENCH-000000000001")
}

func registration(_ n: UInt64) -> RegistryCommand {
    .single(RegistryRequest(requestID: RequestID(high: 7, low: n), recordedAt: recordedAt, officer: officer,
                            operation: .registerBirth(birth(office: OfficeCode(401003), day: GregorianDate(year: 2026, month: 11, day: 17)))))
}

func importBatch(_ first: UInt64, count: Int) -> RegistryCommand {
    .batch((0..<UInt64(count)).map { i in
        let number = first + i
        let drawnUp = GregorianDate(year: 1980, month: 3, day: 12)
        let item = HistoricalActImport(registerYear: 1980, number: number, drawnUpOn: drawnUp, sourceReference: "RSK/1980/\(number)",
                                       content: .birth(birth(office: OfficeCode(401003), day: GregorianDate(year: 1980, month: 3, day: 10))))
        return RegistryRequest(requestID: RequestID(high: 9, low: number), recordedAt: recordedAt, officer: officer, operation: .importHistoricalAct(item))
    })
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3, maxDuration: .seconds(3), maxIterations: 100_000)

    // Codec: the registration as carried in the log, and a full import batch.
    let single = registration(1)
    let singleBytes = single.encode()
    Benchmark("Codec: encode a birth registration") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(single.encode()) }
    }
    Benchmark("Codec: decode a birth registration") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try RegistryCommand.decode(singleBytes)) }
    }
    // JSON: the declaration as a client sends it, decoded as the gateway decodes a body.
    let declarationJSON = try! JSONEncoder().encode(birth(office: OfficeCode(401003), day: GregorianDate(year: 2026, month: 11, day: 17)))
    Benchmark("JSON: decode a birth declaration") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JSONDecoder().decode(BirthDeclaration.self, from: declarationJSON)) }
    }
    let batch = importBatch(1, count: RegistryLimits.batchCommandsMax)
    let batchBytes = batch.encode()
    Benchmark("Codec: decode a batch of 256 imports") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try RegistryCommand.decode(batchBytes)) }
    }

    // State machine: validation alone (the leader's precheck) and a whole apply, on an
    // in-memory store holding the register's earlier acts.
    let machine = RegistryStateMachine()
    Benchmark("State machine: precheck a birth registration") { benchmark in
        let store = InMemoryKeyValueStore()
        for _ in benchmark.scaledIterations { blackHole(try machine.precheck(single, against: store)) }
    }
    Benchmark("State machine: apply a birth registration") { benchmark in
        var store = InMemoryKeyValueStore()
        var n: UInt64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            n += 1
            var tx = Transaction(base: store)
            blackHole(try machine.apply(registration(n), context: ApplyContext(logIndex: n, logTerm: 1), into: &tx))
            store.apply(tx.writes)
        }
    }
    Benchmark("State machine: apply a batch of 256 imports", configuration: .init(maxIterations: 2_000)) { benchmark in
        var store = InMemoryKeyValueStore()
        var first: UInt64 = 1
        for _ in benchmark.scaledIterations {
            let command = importBatch(first, count: RegistryLimits.batchCommandsMax)
            first += UInt64(RegistryLimits.batchCommandsMax)
            benchmark.startMeasurement()
            var tx = Transaction(base: store)
            blackHole(try machine.apply(command, context: ApplyContext(logIndex: first, logTerm: 1), into: &tx))
            benchmark.stopMeasurement()
            store.apply(tx.writes)
        }
    }

    // Log store: one write batch of 64 sealed-size entries (a busy turn), unsynced, in RocksDB.
    Benchmark("Log store: write 64 entries of 1.6 KB in one batch (no fsync)", configuration: .init(maxIterations: 20_000)) { benchmark in
        let directory = NSTemporaryDirectory() + "sijil-micro-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try RocksDatabase(path: directory, columnFamilies: ["log"])
        defer { try? database.close() }
        let family = try database.columnFamily("log")
        let value = [UInt8](repeating: 0x5A, count: 1_600)
        var index: UInt64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var batch = WriteBatch()
            for _ in 0..<64 {
                index += 1
                try batch.put(key: withUnsafeBytes(of: index.bigEndian) { Array($0) }, value: value, in: family)
            }
            try database.write(batch, sync: false)
        }
        benchmark.stopMeasurement()
    }

    // Search index: the acts of one import batch, as the node indexes them after a turn (an
    // SQLite file in WAL mode, without fsync), into an index already holding earlier batches.
    Benchmark("Search index: index a batch of 256 imported acts", configuration: .init(maxIterations: 2_000)) { benchmark in
        let directory = NSTemporaryDirectory() + "sijil-micro-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = try RegistrySearchIndex(path: directory + "/search.sqlite")
        var store = InMemoryKeyValueStore()
        var first: UInt64 = 1
        for _ in benchmark.scaledIterations {
            let command = importBatch(first, count: RegistryLimits.batchCommandsMax)
            var tx = Transaction(base: store)
            _ = try machine.apply(command, context: ApplyContext(logIndex: first, logTerm: 1), into: &tx)
            store.apply(tx.writes)
            let records = try (first..<first + UInt64(RegistryLimits.batchCommandsMax)).compactMap { number in
                try RegistryQueries.record(ActID(register: RegisterID(office: OfficeCode(401003), year: 1980, kind: .birth), number: number), in: store)
            }
            first += UInt64(RegistryLimits.batchCommandsMax)
            benchmark.startMeasurement()
            try index.index(records)
            benchmark.stopMeasurement()
        }
    }
}
