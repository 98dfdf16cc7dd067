import Foundation
import NodeCore
import Testing
@testable import Node

/// A batch written in `RocksDisk.writeOrder` stores what the batch says in its own order.
@Suite struct RocksDiskWriteOrderTests {
    /// A model of the store: what applying the operations one after another leaves.
    static func apply(_ operations: [DiskBatch.Operation], to model: inout [DiskSpace: [[UInt8]: [UInt8]]]) {
        for operation in operations {
            switch operation {
            case .put(let space, let key, let value): model[space, default: [:]][key] = value
            case .delete(let space, let key): model[space]?[key] = nil
            case .deleteRange(let space, let from, let to):
                model[space] = model[space]?.filter { key, _ in
                    !(!key.lexicographicallyPrecedes(from) && key.lexicographicallyPrecedes(to))
                }
            }
        }
    }

    /// Random batches over few keys, so that keys repeat and range deletions cover puts on
    /// both sides of them. Seeded: the failing seed is in the message.
    static func batch(seed: UInt64, count: Int) -> [DiskBatch.Operation] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func key() -> [UInt8] { (0..<(1 + next(3))).map { _ in UInt8(next(4)) } }
        return (0..<count).map { index in
            let space = DiskSpace.allCases[next(DiskSpace.allCases.count)]
            switch next(10) {
            case 0:
                let (a, b) = (key(), key())
                let (from, to) = a.lexicographicallyPrecedes(b) ? (a, b) : (b, a)
                return .deleteRange(space, from: from, to: to + [0xFF])
            case 1, 2: return .delete(space, key: key())
            default: return .put(space, key: key(), value: [UInt8(truncatingIfNeeded: index), UInt8(truncatingIfNeeded: index >> 8)])
            }
        }
    }

    @Test func pointOperationsAreSortedBetweenRangeDeletionsAndRepeatsKeepTheirOrder() {
        let operations = Self.batch(seed: 7, count: 400)
        let order = RocksDisk.writeOrder(operations)
        #expect(order.sorted() == Array(operations.indices))
        var previous: (space: UInt8, key: [UInt8], position: Int)?
        for position in order {
            switch operations[position] {
            case .deleteRange:
                #expect(order.firstIndex(of: position) == position, "a range deletion stays where it was")
                previous = nil
            case .put(let space, let key, _), .delete(let space, let key):
                if let previous {
                    let ordered = previous.space < space.rawValue || (previous.space == space.rawValue
                        && (previous.key.lexicographicallyPrecedes(key) || (previous.key == key && previous.position < position)))
                    #expect(ordered, "operation \(position) after \(previous.position)")
                }
                previous = (space.rawValue, key, position)
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func rocksDBStoresWhatTheBatchSaysInItsOwnOrder(seed: UInt64) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-order-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try RocksDisk(path: directory, metrics: nil)
        defer { try? disk.close() }
        var model: [DiskSpace: [[UInt8]: [UInt8]]] = [:]
        for round in 0..<3 {
            let operations = Self.batch(seed: seed &* 1_000 &+ UInt64(round), count: 300)
            var batch = DiskBatch()
            for operation in operations {
                switch operation {
                case .put(let space, let key, let value): batch.put(space, key, value)
                case .delete(let space, let key): batch.delete(space, key)
                case .deleteRange(let space, let from, let to): batch.deleteRange(space, from: from, to: to)
                }
            }
            try disk.write(batch, sync: false)
            Self.apply(operations, to: &model)
        }
        for space in DiskSpace.allCases {
            let stored = try disk.scan(space, from: [], to: [0xFF, 0xFF, 0xFF, 0xFF], limit: 10_000)
            let expected = (model[space] ?? [:]).sorted { $0.key.lexicographicallyPrecedes($1.key) }
            #expect(stored.map(\.key) == expected.map(\.key), "seed \(seed), space \(space)")
            #expect(stored.map(\.value) == expected.map(\.value), "seed \(seed), space \(space)")
        }
    }
}
