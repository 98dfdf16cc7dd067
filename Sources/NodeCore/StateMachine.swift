import Raft
import Registry

/// Where a committed command sits in the log: passed to the state machine for provenance only.
public struct CommandContext: Sendable, Equatable {
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
    /// nil to propose it. The command is checked again when applied. A refusal is answered
    /// only after a ReadIndex round and a second precheck on the confirmed state, so it never
    /// rests on a leader's state that misses an acknowledged write.
    func precheck(_ command: [UInt8], state: any KeyValueReader) throws -> [UInt8]?
    /// Applies a committed command; reads and writes go through `state`. Throws only when the
    /// state cannot be read (a storage fault), never for bad input.
    func apply(_ command: [UInt8], context: CommandContext, state: inout Transaction) throws -> [UInt8]
    /// Answers a read-only query.
    func query(_ query: [UInt8], state: any KeyValueReader) throws -> [UInt8]
    /// Gives up part of the state to a new group (a committed `SplitCommand`): deletes from
    /// `state` what moves and returns every record the new group starts with. Must be
    /// deterministic, like `apply`; throws only when the state cannot be read.
    func split(_ key: [UInt8], newGroup: GroupID, state: inout Transaction) throws -> StateSplit
}

/// What a state machine answers to a split.
public enum StateSplit {
    /// Nothing changed, for this reason.
    case refused(String)
    /// The new group's records (keys without the group's prefix); `moved` of them were
    /// deleted here, the others are kept by both groups.
    case split(records: [(key: [UInt8], value: [UInt8])], moved: UInt64)
}

/// Why a group's state could not be read.
public enum StateReadError: Error, Sendable, Equatable {
    /// A stored record failed its checksum: the replica must be repaired, never served.
    case corrupted(group: GroupID, key: [UInt8])
    case disk(String)
}

/// Reads one group's state from the store, verifying every record's seal.
final class GroupStateReader: KeyValueReader {
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
