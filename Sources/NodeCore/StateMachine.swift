import Raft

/// Read access to one group's applied state, as the state machine sees it (its own keys, the
/// group prefix and record seals already removed).
public protocol StateReader {
    /// The value at `key`, or nil when absent. A damaged record throws; it is never "absent".
    func get(_ key: [UInt8]) throws -> [UInt8]?
    /// Ascending keys in `[from, to)`, at most `limit` pairs.
    func scan(from: [UInt8], to: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])]
}

/// Where a committed command sits in the log: passed to the state machine for provenance only.
public struct ApplyContext: Sendable, Equatable {
    public var group: GroupID
    public var index: UInt64
    public var term: UInt64
    /// Position of the command inside its entry's batch.
    public var position: Int

    public init(group: GroupID, index: UInt64, term: UInt64, position: Int) {
        self.group = group
        self.index = index
        self.term = term
        self.position = position
    }
}

/// The replicated state machine of one group. Implementations must be deterministic: the same
/// commands applied to the same state give the same writes and outcomes on every replica.
public protocol StateMachine {
    /// Checks a command against the applied state before it is proposed. Returns the outcome to
    /// send back instead of proposing (a command that cannot succeed never reaches the log), or
    /// nil to propose it. The command is checked again when applied.
    func precheck(_ command: [UInt8], state: any StateReader) throws -> [UInt8]?
    /// Applies a committed command; reads and writes go through `state`. Throws only when the
    /// state cannot be read (a storage fault), never for bad input.
    func apply(_ command: [UInt8], context: ApplyContext, state: inout StateOverlay) throws -> [UInt8]
    /// Answers a read-only query.
    func query(_ query: [UInt8], state: any StateReader) throws -> [UInt8]
}

/// A state reader plus the writes made since it was opened: what the commands applied so far in
/// one turn see, and what the node persists afterwards in one batch.
public struct StateOverlay: StateReader {
    private let base: any StateReader
    /// Pending writes; nil marks a deletion.
    public private(set) var writes: [[UInt8]: [UInt8]?] = [:]
    /// Keys in the order they were first written, so the persisted batch is deterministic.
    public private(set) var writeOrder: [[UInt8]] = []

    public init(base: any StateReader) { self.base = base }

    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        if let pending = writes[key] { return pending }
        return try base.get(key)
    }

    public func scan(from: [UInt8], to: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        guard limit > 0 else { return [] }
        let pendingInRange = writes.keys.filter { !$0.lexicographicallyPrecedes(from) && $0.lexicographicallyPrecedes(to) }
        // Every pending deletion in range may hide one base pair, so ask the base for that many more.
        var merged: [[UInt8]: [UInt8]] = [:]
        for pair in try base.scan(from: from, to: to, limit: limit + pendingInRange.count) { merged[pair.key] = pair.value }
        for key in pendingInRange {
            if let value = writes[key]! { merged[key] = value } else { merged[key] = nil }
        }
        return merged.keys.sorted { $0.lexicographicallyPrecedes($1) }.prefix(limit).map { ($0, merged[$0]!) }
    }

    public mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        if writes.updateValue(value, forKey: key) == nil { writeOrder.append(key) }
    }

    public mutating func delete(_ key: [UInt8]) {
        if writes.updateValue(nil, forKey: key) == nil { writeOrder.append(key) }
    }

    public var isEmpty: Bool { writes.isEmpty }
}

/// Why a group's state could not be read.
public enum StateReadError: Error, Sendable, Equatable {
    /// A stored record failed its checksum: the replica must be repaired, never served.
    case corrupted(group: GroupID, key: [UInt8])
    case disk(String)
}

/// Reads one group's state from the store, verifying every record's seal.
final class GroupStateReader: StateReader {
    let reader: any DiskReader
    let group: GroupID
    let prefix: [UInt8]

    init(reader: any DiskReader, group: GroupID, generation: UInt32) {
        self.reader = reader
        self.group = group
        self.prefix = Keys.statePrefix(group, generation: generation)
    }

    func get(_ key: [UInt8]) throws -> [UInt8]? {
        let stored: [UInt8]?
        do { stored = try reader.get(.state, prefix + key) } catch { throw StateReadError.disk(error.message) }
        guard let stored else { return nil }
        guard let value = SealedRecord.open(stored) else { throw StateReadError.corrupted(group: group, key: key) }
        return value
    }

    func scan(from: [UInt8], to: [UInt8], limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        let pairs: [(key: [UInt8], value: [UInt8])]
        do { pairs = try reader.scan(.state, from: prefix + from, to: prefix + to, limit: limit) } catch { throw StateReadError.disk(error.message) }
        return try pairs.map { pair in
            let key = Array(pair.key[prefix.count...])
            guard let value = SealedRecord.open(pair.value) else { throw StateReadError.corrupted(group: group, key: key) }
            return (key, value)
        }
    }
}
