import Registry
import Services

/// What a registry shard gives up in a split: the offices `first...last` (the shard's upper
/// part of its office range), with every record of theirs.
public struct ShardSplitKey: Hashable, Sendable {
    /// The first office that moves.
    public var first: OfficeCode
    /// The last office that moves.
    public var last: OfficeCode

    /// Creates a key.
    public init(first: OfficeCode, last: OfficeCode) {
        self.first = first
        self.last = last
    }

    /// The key's bytes, as a `SplitCommand` carries them.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 8)
        writer.write(first.rawValue)
        writer.write(last.rawValue)
        return writer.bytes
    }

    /// Decodes a key; nil when the bytes are not one.
    public static func decode(_ bytes: [UInt8]) -> ShardSplitKey? {
        guard bytes.count == 8 else { return nil }
        var reader = ByteReader(bytes)
        guard let first = try? reader.readUInt32(), let last = try? reader.readUInt32() else { return nil }
        return ShardSplitKey(first: OfficeCode(first), last: OfficeCode(last))
    }
}

/// The offices a shard gave up in splits, and the group each went to: kept in the shard's state
/// under `key` (the shard's own namespace, 0x02, between the register's format record and its
/// registers), so that a request for one of them, sent with a topology from before the split,
/// is answered `MovedAnswer` instead of "not found", on every replica and forever.
struct MovedOffices: Equatable {
    static let key: [UInt8] = [0x02]
    static let rangesMax = 1_000

    var ranges: [(first: OfficeCode, last: OfficeCode, group: GroupID)] = []

    static func == (lhs: MovedOffices, rhs: MovedOffices) -> Bool {
        lhs.ranges.map { [UInt64($0.first.rawValue), UInt64($0.last.rawValue), $0.group] }
            == rhs.ranges.map { [UInt64($0.first.rawValue), UInt64($0.last.rawValue), $0.group] }
    }

    func group(of office: OfficeCode) -> GroupID? {
        ranges.first { $0.first <= office && office <= $0.last }?.group
    }

    func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 4 + ranges.count * 16)
        writer.write(UInt32(ranges.count))
        for range in ranges {
            writer.write(range.first.rawValue)
            writer.write(range.last.rawValue)
            writer.write(range.group)
        }
        return writer.bytes
    }

    /// Reads the record; absent means nothing was given up. A record that does not decode
    /// throws: every request of the shard then fails instead of being answered wrongly.
    static func read(from state: any KeyValueReader) throws -> MovedOffices {
        guard let bytes = try state.get(key) else { return MovedOffices() }
        var reader = ByteReader(bytes)
        let count = Int(try reader.readUInt32())
        guard count <= rangesMax else { throw CodecError.lengthOverLimit(offset: 0, length: count, limit: rangesMax) }
        var moved = MovedOffices()
        for _ in 0..<count {
            moved.ranges.append((OfficeCode(try reader.readUInt32()), OfficeCode(try reader.readUInt32()), try reader.readUInt64()))
        }
        try reader.expectEnd()
        return moved
    }
}

extension ShardMachine {
    /// The answer for a request about an office this shard gave up, if any of `offices` is one.
    /// The offices are worked out (by decoding the request) only when the shard gave some up.
    func moved(_ offices: () -> [OfficeCode], state: any KeyValueReader) throws -> [UInt8]? {
        let moved = try MovedOffices.read(from: state)
        guard !moved.ranges.isEmpty else { return nil }
        for office in offices() {
            if let group = moved.group(of: office) { return MovedAnswer(group: group).encode() }
        }
        return nil
    }

    /// The offices a command writes in; none when it does not decode (it is refused as
    /// malformed by the machine that owns it).
    static func offices(ofCommand command: [UInt8]) -> [OfficeCode] {
        if ServiceCommand.isServiceCommand(command) { return (try? ServiceCommand.decode(command))?.offices ?? [] }
        return (try? RegistryCommand.decode(command))?.offices ?? []
    }

    /// The office a query is about, if it is about one.
    static func offices(ofQuery query: [UInt8]) -> [OfficeCode] {
        if ServiceQuery.isServiceQuery(query) { return ((try? ServiceQuery.decode(query))?.office).map { [$0] } ?? [] }
        return ((try? RegistryQuery.decode(query))?.office).map { [$0] } ?? []
    }

    /// Gives up the offices of a `ShardSplitKey` to `newGroup`: their registers, acts, mentions,
    /// chains, request outcomes, civil digital identifiers and review records (docs/REGISTRY.md),
    /// their declarations, copy requests, issued copies and counters (docs/SERVICES.md). The
    /// audit chain is kept by both shards; the death feed stays here. Both shards remember
    /// where the offices went.
    public func split(_ key: [UInt8], newGroup: GroupID, state: inout Transaction) throws -> StateSplit {
        guard let range = ShardSplitKey.decode(key) else { return .refused("the split key is not a range of offices") }
        guard range.first <= range.last else { return .refused("offices \(range.first)...\(range.last) are an empty range") }
        var moved = try MovedOffices.read(from: state)
        if let overlap = moved.ranges.first(where: { $0.first <= range.last && range.first <= $0.last }) {
            return .refused("offices \(overlap.first)...\(overlap.last) already went to group \(overlap.group)")
        }
        if moved.ranges.contains(where: { $0.group == newGroup }) { return .refused("group \(newGroup) already took offices from this shard") }
        guard moved.ranges.count < MovedOffices.rangesMax else { return .refused("this shard has split \(MovedOffices.rangesMax) times") }

        var records: [(key: [UInt8], value: [UInt8])] = []
        var movedKeys: [[UInt8]] = []
        var cursor = StateKeys.start
        while true {
            let page = try state.scan(from: cursor, to: StateKeys.end, limit: 1_024)
            for pair in page where pair.key != MovedOffices.key {
                let placement: SplitPlacement?
                do {
                    placement = try StateKeys.splitPlacement(key: pair.key, value: pair.value)
                        ?? ServiceKeys.splitPlacement(key: pair.key, value: pair.value)
                } catch {
                    return .refused("the record \(Hex.encode(pair.key)) does not decode (\(error)); nothing was split")
                }
                switch placement {
                case .office(let office) where range.first <= office && office <= range.last:
                    records.append(pair)
                    movedKeys.append(pair.key)
                case .both:
                    records.append(pair)
                case .office, .parent:
                    break
                case nil:
                    return .refused("the record \(Hex.encode(pair.key)) has no known place in a split; nothing was split")
                }
            }
            guard page.count == 1_024, let last = page.last else { break }
            cursor = last.key + [0]
        }
        // Only now that every record has a place: nothing is deleted by a refused split.
        for key in movedKeys { state.delete(key) }
        records.append((MovedOffices.key, moved.encode()))
        moved.ranges.append((range.first, range.last, newGroup))
        state.put(MovedOffices.key, moved.encode())
        return .split(records: records, moved: UInt64(movedKeys.count))
    }
}
