/// Where and why a register's chain does not verify.
public struct ChainBreak: Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Hashable, Sendable {
        /// The register's state record is absent or unreadable.
        case registerStateUnreadable
        /// A chain entry up to the recorded length is absent or unreadable.
        case entryMissing
        /// A chain entry names another position than its key.
        case entryMisplaced
        /// The act or mention an entry covers is absent.
        case valueMissing
        /// The act or mention an entry covers no longer has the digest the chain recorded, or
        /// no longer decodes as the record it was.
        case valueAltered
        /// The head recorded in an entry is not the hash of its inputs.
        case linkMismatch
        /// The register's recorded head is not the head of the last entry.
        case headMismatch
        /// Entries exist past the recorded length.
        case entryBeyondLength
        /// Acts or mentions exist that no chain entry covers (inserted behind the state machine).
        case unchainedValues(acts: UInt64, mentions: UInt64)
        /// The live register's numbers are not 1, 2, 3, … in chain order, or a mention sequence
        /// is not consecutive, or a number appears twice.
        case numberingBroken(expected: UInt64, found: UInt64)
        /// The register's counters disagree with its chain.
        case countersMismatch
    }

    /// The chain position where the break was found (0 for a register-level problem).
    public let position: UInt64
    /// What is wrong.
    public let reason: Reason

    /// `position 12: valueAltered`.
    public var description: String { "position \(position): \(reason)" }
}

/// The result of verifying one register's chain.
public enum ChainVerification: Hashable, Sendable {
    /// Every entry verifies; the chain has `length` entries and ends at `head`.
    case intact(length: UInt64, head: ChainDigest)
    /// The first break found.
    case broken(ChainBreak)

    /// Whether the chain is intact.
    public var isIntact: Bool {
        if case .intact = self { return true }
        return false
    }
}

/// Verifies registers' chains from the stored state alone, so that any replica (the national
/// centre first) can prove that no act or mention was altered, removed or slipped in.
public enum RegisterChainVerifier {
    /// Page size of the scans that count stored acts and mentions; bounds memory per read.
    static let scanPageSize = 256

    /// Walks one register's chain and reports the first broken link.
    public static func verify(_ register: RegisterID, in reader: some KeyValueReader) throws -> ChainVerification {
        guard let stateBytes = try reader.get(StateKeys.register(register)),
              let state = try? RegisterState.decode(canonical: stateBytes), state.register == register else {
            return .broken(ChainBreak(position: 0, reason: .registerStateUnreadable))
        }
        var previous = RegisterChain.genesis(register)
        var actEntries: UInt64 = 0
        var mentionEntries: UInt64 = 0
        var lastSequenceByAct: [UInt64: UInt32] = [:]
        var highestNumber: UInt64 = 0
        var position: UInt64 = 1
        while position <= state.chainLength {
            func broken(_ reason: ChainBreak.Reason) -> ChainVerification {
                .broken(ChainBreak(position: position, reason: reason))
            }
            guard let entryBytes = try reader.get(StateKeys.chainEntry(register, position: position)),
                  let entry = try? ChainEntry.decode(canonical: entryBytes) else { return broken(.entryMissing) }
            guard entry.position == position else { return broken(.entryMisplaced) }
            let actID = ActID(register: register, number: entry.actNumber)
            let key: [UInt8]
            switch entry.kind {
            case .act:
                key = StateKeys.act(actID)
                guard entry.mentionSequence == 0, lastSequenceByAct[entry.actNumber] == nil else {
                    return broken(.numberingBroken(expected: highestNumber + 1, found: entry.actNumber))
                }
                if state.mode == .live, entry.actNumber != highestNumber + 1 {
                    return broken(.numberingBroken(expected: highestNumber + 1, found: entry.actNumber))
                }
                lastSequenceByAct[entry.actNumber] = 0
                highestNumber = max(highestNumber, entry.actNumber)
                actEntries += 1
            case .mention:
                key = StateKeys.mention(actID, sequence: entry.mentionSequence)
                guard let last = lastSequenceByAct[entry.actNumber], entry.mentionSequence == last + 1 else {
                    let expected = UInt64(lastSequenceByAct[entry.actNumber].map { $0 + 1 } ?? 0)
                    return broken(.numberingBroken(expected: expected, found: UInt64(entry.mentionSequence)))
                }
                lastSequenceByAct[entry.actNumber] = entry.mentionSequence
                mentionEntries += 1
            }
            guard let value = try reader.get(key) else { return broken(.valueMissing) }
            guard ChainDigest.sha256(value) == entry.valueDigest, recordMatches(value, entry: entry, actID: actID) else {
                return broken(.valueAltered)
            }
            let head = RegisterChain.link(
                register: register, position: position, previous: previous, kind: entry.kind,
                actNumber: entry.actNumber, mentionSequence: entry.mentionSequence, valueDigest: entry.valueDigest)
            guard head == entry.head else { return broken(.linkMismatch) }
            previous = head
            position += 1
        }
        guard previous == state.chainHead else {
            return .broken(ChainBreak(position: state.chainLength, reason: .headMismatch))
        }
        if try reader.get(StateKeys.chainEntry(register, position: state.chainLength + 1)) != nil {
            return .broken(ChainBreak(position: state.chainLength + 1, reason: .entryBeyondLength))
        }
        let storedActs = try count(StateKeys.actsRange(register), in: reader)
        let storedMentions = try count(StateKeys.registerMentionsRange(register), in: reader)
        if storedActs != actEntries || storedMentions != mentionEntries {
            return .broken(ChainBreak(position: 0, reason: .unchainedValues(
                acts: storedActs &- actEntries, mentions: storedMentions &- mentionEntries)))
        }
        let countersAgree = state.actCount == actEntries && state.highestNumber == highestNumber
            && (state.mode == .historical || state.highestNumber == state.actCount)
        guard countersAgree else { return .broken(ChainBreak(position: 0, reason: .countersMismatch)) }
        return .intact(length: state.chainLength, head: previous)
    }

    /// Verifies every register in the state, in key order.
    public static func verifyAll(in reader: some KeyValueReader) throws -> [(register: RegisterID, result: ChainVerification)] {
        var results: [(RegisterID, ChainVerification)] = []
        for register in try RegistryQueries.registers(in: reader) {
            results.append((register, try verify(register, in: reader)))
        }
        return results
    }

    private static func recordMatches(_ value: [UInt8], entry: ChainEntry, actID: ActID) -> Bool {
        switch entry.kind {
        case .act:
            guard let act = try? Act.decode(canonical: value) else { return false }
            return act.id == actID
        case .mention:
            guard let mention = try? MarginalMention.decode(canonical: value) else { return false }
            return mention.target == actID && mention.sequence == entry.mentionSequence
        }
    }

    private static func count(_ range: (start: [UInt8], end: [UInt8]), in reader: some KeyValueReader) throws -> UInt64 {
        var total: UInt64 = 0
        var cursor = range.start
        while true {
            let page = try reader.scan(from: cursor, to: range.end, limit: scanPageSize)
            total += UInt64(page.count)
            guard page.count == scanPageSize, let last = page.last else { return total }
            cursor = last.key + [0]
        }
    }
}
