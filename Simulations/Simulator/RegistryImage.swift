import NodeCore
import Raft
import Registry

/// One replica's registry state, read in full through its verified state reader, for the
/// end-of-run checks.
struct RegistryImage {
    /// Where a request's effect is stored.
    enum Location: Hashable, CustomStringConvertible {
        case act(ActID)
        case mention(ActID, sequence: UInt32)

        var description: String {
            switch self {
            case .act(let id): "act \(id)"
            case .mention(let id, let sequence): "mention \(sequence) on \(id)"
            }
        }
    }

    var records: [ActID: ActRecord] = [:]
    var registers: [RegisterID: RegisterState] = [:]
    var verifications: [RegisterVerification] = []
    /// The chain position of every act (sequence 0) and mention, per register.
    var chainPositions: [RegisterID: [UInt64: (number: UInt64, sequence: UInt32)]] = [:]
    /// Every request id found on an act or a mention, with where.
    var locations: [RequestID: [Location]] = [:]

    init(_ reader: some KeyValueReader) throws {
        try RegistryQueries.forEachRecord(in: reader) { record in
            records[record.act.id] = record
            locations[record.act.requestID, default: []].append(.act(record.act.id))
            for mention in record.mentions {
                locations[mention.requestID, default: []].append(.mention(record.act.id, sequence: mention.sequence))
            }
        }
        for register in try RegistryQueries.registers(in: reader) {
            guard let state = try RegistryQueries.registerState(register, in: reader) else { continue }
            registers[register] = state
            verifications.append(RegisterVerification(register: register, result: try RegisterChainVerifier.verify(register, in: reader)))
            var positions: [UInt64: (number: UInt64, sequence: UInt32)] = [:]
            var position: UInt64 = 1
            while position <= state.chainLength {
                if let bytes = try reader.get(StateKeys.chainEntry(register, position: position)),
                   let entry = try? ChainEntry.decode(canonical: bytes) {
                    positions[position] = (entry.actNumber, entry.mentionSequence)
                }
                position += 1
            }
            chainPositions[register] = positions
        }
    }

    /// The chain head recorded at `position` of `register`, if that entry is readable.
    static func chainHead(_ register: RegisterID, position: UInt64, in reader: some KeyValueReader) -> ChainDigest? {
        guard let bytes = try? reader.get(StateKeys.chainEntry(register, position: position)),
              let entry = try? ChainEntry.decode(canonical: bytes) else { return nil }
        return entry.head
    }

    /// The numbering failures of this replica: a live register numbered other than 1…n, or
    /// counters that disagree with the acts stored.
    func numberingFailures() -> [String] {
        var numbers: [RegisterID: [UInt64]] = [:]
        for id in records.keys { numbers[id.register, default: []].append(id.number) }
        var failures: [String] = []
        for register in Set(numbers.keys).union(registers.keys).sorted() {
            let found = (numbers[register] ?? []).sorted()
            guard let state = registers[register] else {
                failures.append("acts \(found) stored in register \(register), which has no state")
                continue
            }
            if state.actCount != UInt64(found.count) || state.highestNumber != (found.last ?? 0) {
                failures.append("register \(register) counts \(state.actCount) acts up to \(state.highestNumber), holds \(found.count) up to \(found.last ?? 0)")
            }
            if state.mode == .live && found != (0..<found.count).map({ UInt64($0 + 1) }) {
                failures.append("live register \(register) is numbered \(found), not 1…\(found.count)")
            }
        }
        return failures
    }
}
