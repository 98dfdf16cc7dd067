import Testing
@testable import Registry

@Suite struct TransactionTests {
    /// The transaction's merged scan must equal a scan of the store with the writes applied,
    /// for any mix of base keys, overwrites, deletes and limits.
    @Test(arguments: PropertySeeds.seeds(default: [5, 6, 7, 8]))
    func mergedScanEqualsScanOfTheAppliedStore(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        func key() -> [UInt8] { (0..<Int.random(in: 1...3, using: &rng)).map { _ in UInt8.random(in: 0...6, using: &rng) } }
        for _ in 0..<200 {
            var base = InMemoryKeyValueStore()
            for _ in 0..<Int.random(in: 0...30, using: &rng) { base.put(key(), [UInt8.random(in: 0...255, using: &rng)]) }
            var tx = Transaction(base: base)
            for _ in 0..<Int.random(in: 0...20, using: &rng) {
                if rng.chance(30) { tx.delete(key()) } else { tx.put(key(), [UInt8.random(in: 0...255, using: &rng)]) }
            }
            var applied = base
            applied.apply(tx.writes)
            let start = key(), end = rng.chance(30) ? StateKeys.end : key()
            let limit = Int.random(in: 1...12, using: &rng)
            let merged = try tx.scan(from: start, to: end, limit: limit)
            let expected = applied.scan(from: start, to: end, limit: limit)
            #expect(merged.map(\.key) == expected.map(\.key) && merged.map(\.value) == expected.map(\.value),
                    "seed \(seed): start \(start) end \(end) limit \(limit)")
            let probe = key()
            #expect(try tx.get(probe) == applied.get(probe), "seed \(seed)")
        }
    }

    @Test func lastWriteWinsInTheWriteSet() throws {
        var tx = Transaction(base: InMemoryKeyValueStore())
        tx.put([1], [1])
        tx.put([1], [2])
        tx.delete([2])
        tx.put([2], [3])
        var store = InMemoryKeyValueStore()
        store.apply(tx.writes)
        #expect(store.get([1]) == [2] && store.get([2]) == [3])
        // One write per key, the last, at the position of the key's first write.
        #expect(tx.writes.operations == [.put(key: [1], value: [2]), .put(key: [2], value: [3])])
        tx.delete([1])
        #expect(tx.writes.operations == [.delete(key: [1]), .put(key: [2], value: [3])])
        #expect(try tx.get([1]) == nil)
        #expect(try tx.get([2]) == [3])
    }
}

@Suite struct SnapshotTests {
    typealias F = Fixtures

    func populatedStore() throws -> InMemoryKeyValueStore {
        var replica = Replica()
        for n in 1...40 {
            try replica.apply(F.request(UInt64(n), .registerBirth(F.birth(office: n % 2 == 0 ? F.rabatHassan : F.casaAnfa))))
        }
        return replica.store
    }

    func chunks(of store: InMemoryKeyValueStore) throws -> [[UInt8]] {
        var writer = SnapshotWriter(reader: store, chunkBytesLimit: SnapshotLimits.chunkBytesMin)
        var result: [[UInt8]] = []
        while let chunk = try writer.nextChunk() { result.append(chunk) }
        return result
    }

    /// A store of many small pairs, large enough to need several chunks.
    func largeStore() -> InMemoryKeyValueStore {
        var store = InMemoryKeyValueStore()
        for n in 0..<600 {
            var key = ByteWriter(); key.write(UInt8(0x20)); key.write(UInt32(n))
            store.put(key.bytes, [UInt8](repeating: UInt8(n % 251), count: 1_000))
        }
        return store
    }

    @Test func streamRoundTripsAndEveryChunkStaysWithinTheLimit() throws {
        let store = largeStore()
        let stream = try chunks(of: store)
        #expect(stream.count >= 3)
        #expect(stream.allSatisfy { $0.count <= SnapshotLimits.chunkBytesMin })
        var restorer = SnapshotRestorer()
        var fresh = InMemoryKeyValueStore()
        for chunk in stream { fresh.apply(try restorer.accept(chunk)) }
        #expect(restorer.isComplete && fresh == store)
    }

    @Test func emptyStateIsOneFinalChunk() throws {
        let stream = try chunks(of: InMemoryKeyValueStore())
        #expect(stream.count == 1)
        var restorer = SnapshotRestorer()
        #expect(try restorer.accept(stream[0]).isEmpty)
        #expect(restorer.isComplete)
    }

    @Test func chunkOutOfOrderIsRefused() throws {
        let stream = try chunks(of: largeStore())
        var restorer = SnapshotRestorer()
        _ = try restorer.accept(stream[0])
        #expect(throws: SnapshotError.outOfOrder(expected: 1, received: 2)) { _ = try restorer.accept(stream[2]) }
    }

    @Test func corruptedChunkIsRefused() throws {
        var stream = try chunks(of: try populatedStore())
        stream[0][40] ^= 0x40
        var restorer = SnapshotRestorer()
        #expect(throws: SnapshotError.checksumMismatch) { _ = try restorer.accept(stream[0]) }
    }

    @Test func finalChunkWithAWrongDigestIsRefused() throws {
        let store = try populatedStore()
        var stream = try chunks(of: store)
        var last = try SnapshotChunk.decode(stream[stream.count - 1])
        last.streamDigest = .sha256([0])
        stream[stream.count - 1] = last.encode()  // re-checksummed: only the digest is wrong
        var restorer = SnapshotRestorer()
        for chunk in stream.dropLast() { _ = try restorer.accept(chunk) }
        #expect(throws: SnapshotError.digestMismatch) { _ = try restorer.accept(stream[stream.count - 1]) }
        #expect(!restorer.isComplete)
    }

    @Test func chunkWithKeysOutOfOrderIsRefused() throws {
        let bad = SnapshotChunk(sequence: 0, pairs: [([2], [0]), ([1], [0])], streamDigest: nil)
        var restorer = SnapshotRestorer()
        #expect(throws: SnapshotError.keysOutOfOrder) { _ = try restorer.accept(bad.encode()) }
    }

    @Test func chunkAfterTheFinalOneIsRefused() throws {
        let stream = try chunks(of: InMemoryKeyValueStore())
        var restorer = SnapshotRestorer()
        _ = try restorer.accept(stream[0])
        #expect(throws: SnapshotError.streamAlreadyComplete) { _ = try restorer.accept(stream[0]) }
    }
}

@Suite struct ReferenceDataTests {
    let data = ReferenceData.embedded

    @Test func twelveRegionsInTheOfficialNumbering() {
        #expect(data.regions.count == 12)
        #expect(data.regions[RegionCode(4)]?.nameFrench == "Rabat-Salé-Kénitra")
        #expect(data.regions[RegionCode(6)]?.nameArabic == "جهة الدار البيضاء سطات")
        #expect(data.regions[RegionCode(12)]?.nameFrench == "Dakhla-Oued Ed-Dahab")
    }

    @Test func everyRegionHasItsProvincesAndPrefectures() {
        #expect(data.provinces.count == 75)
        #expect(data.provinces.values.filter { $0.kind == .prefecture }.count == 13)
        for region in data.regions.keys { #expect(!data.provinces(in: region).isEmpty) }
        #expect(data.provinces(in: RegionCode(4)).count == 7)
        #expect(data.provinces(in: RegionCode(6)).count == 9)
    }

    @Test func rabatSaleKenitraAndCasablancaSettatHaveTheirOffices() {
        #expect(data.offices(in: RegionCode(4)).count >= 60)
        #expect(data.offices(in: RegionCode(6)).count >= 80)
        // The sixteen arrondissements of Casablanca.
        #expect(data.offices.values.filter { $0.province == ProvinceCode(601) && $0.kind == .arrondissement }.count == 16)
        // Every province of both regions has at least one office.
        for province in data.provinces(in: RegionCode(4)) + data.provinces(in: RegionCode(6)) {
            #expect(data.offices.values.contains { $0.province == province.code }, "\(province.nameFrench)")
        }
    }

    /// Codes never change meaning once issued: these are pinned.
    @Test func issuedCodesKeepTheirMeaning() {
        #expect(data.office(OfficeCode(401003))?.communeFrench == "Hassan")
        #expect(data.office(OfficeCode(401001))?.communeFrench == "Agdal-Riyad")
        #expect(data.office(OfficeCode(601001))?.communeFrench == "Anfa")
        #expect(data.office(OfficeCode(601012))?.communeArabic == "الحي الحسني")
        #expect(data.office(OfficeCode(402002))?.communeFrench == "Bettana")
    }

    @Test func officeCodesArePrefixedByProvinceAndRegion() {
        for office in data.offices.values {
            #expect(office.code.province == office.province)
            #expect(data.provinces[office.province] != nil)
            #expect(office.code.description.count == 7)
            #expect(office.code.region == office.province.region)
        }
    }

    @Test func malformedTableIsRefused() {
        #expect(throws: ReferenceDataError.malformedLine(table: "regions", line: 1)) {
            try ReferenceData(regionsTSV: "1\tonly two", provincesTSV: "", officesTSV: "")
        }
        #expect(throws: ReferenceDataError.unknownParent("0101")) {
            try ReferenceData(regionsTSV: "02\tOriental\tالشرق", provincesTSV: "0101\t01\tprovince\tX\tس", officesTSV: "")
        }
    }
}
