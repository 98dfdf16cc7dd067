import Raft

/// The command that splits a group (docs/RAFT.md, "Splitting a group"). It travels in the
/// group's log like any command and is carried out by `NodeCore` when applied: the state
/// machine gives up part of its state (`StateMachine.split`), and every replica creates the
/// new group from it, at the split's log position, with the group's membership at that
/// position. Every replica derives the same new group from the same log, so the new group
/// starts identical everywhere without a byte crossing the network.
public struct SplitCommand: Sendable, Equatable {
    /// The first byte of a split command; no state machine's command starts with it.
    public static let marker: UInt8 = 0xF5
    /// The new group's id.
    public var newGroup: GroupID
    /// What the state machine splits by, in its own terms (a registry shard: the offices that
    /// move, `ShardSplitKey`).
    public var key: [UInt8]

    /// Creates a command.
    public init(newGroup: GroupID, key: [UInt8]) {
        self.newGroup = newGroup
        self.key = key
    }

    static let keyBytesMax = 1_024

    /// The bytes proposed to the group.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 16 + key.count)
        writer.write(Self.marker)
        writer.write(newGroup)
        writer.writeBlob(key)
        return writer.bytes
    }

    /// Whether `bytes` are a split command (by their first byte).
    public static func isSplit(_ bytes: [UInt8]) -> Bool { bytes.first == marker }

    /// Decodes a split command; nil when the bytes are not one.
    public static func decode(_ bytes: [UInt8]) -> SplitCommand? {
        guard isSplit(bytes) else { return nil }
        var reader = ByteReader(bytes)
        guard (try? reader.readUInt8()) != nil, let group = try? reader.readUInt64(),
              let key = try? reader.readBlob(field: "split.key", limit: keyBytesMax), (try? reader.expectEnd()) != nil else { return nil }
        return SplitCommand(newGroup: group, key: key)
    }
}

/// The outcome of a split command, the same on every replica.
public enum SplitOutcome: Sendable, Equatable {
    /// The group split at `index`: `movedRecords` state records went to `newGroup`, whose
    /// voters are `voters`.
    case split(newGroup: GroupID, index: UInt64, movedRecords: UInt64, voters: [NodeID])
    /// Nothing changed.
    case refused(String)

    static let reasonBytesMax = 1_024

    /// The bytes returned to the proposer.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.write(SplitCommand.marker)
        switch self {
        case .split(let group, let index, let moved, let voters):
            writer.write(UInt8(1))
            writer.write(group)
            writer.write(index)
            writer.write(moved)
            writer.write(UInt32(voters.count))
            for voter in voters { writer.write(voter) }
        case .refused(let reason):
            writer.write(UInt8(2))
            writer.writeBlob(Array(reason.utf8.prefix(Self.reasonBytesMax)))
        }
        return writer.bytes
    }

    /// Decodes an outcome; nil when the bytes are not one.
    public static func decode(_ bytes: [UInt8]) -> SplitOutcome? {
        var reader = ByteReader(bytes)
        guard (try? reader.readUInt8()) == SplitCommand.marker, let tag = try? reader.readUInt8() else { return nil }
        switch tag {
        case 1:
            guard let group = try? reader.readUInt64(), let index = try? reader.readUInt64(), let moved = try? reader.readUInt64(),
                  let count = try? reader.readCount(field: "split.voters", limit: 64) else { return nil }
            var voters: [NodeID] = []
            for _ in 0..<count {
                guard let voter = try? reader.readUInt64() else { return nil }
                voters.append(voter)
            }
            guard (try? reader.expectEnd()) != nil else { return nil }
            return .split(newGroup: group, index: index, movedRecords: moved, voters: voters)
        case 2:
            guard let reason = try? reader.readBlob(field: "split.reason", limit: reasonBytesMax), (try? reader.expectEnd()) != nil else { return nil }
            return .refused(String(decoding: reason, as: UTF8.self))
        default:
            return nil
        }
    }
}

/// The answer of a group to a request about something it gave up in a split: the request
/// wrote nothing and read nothing, and belongs to `group` now. Clients send it again there
/// (with the same request id for a write). Starts with a byte no other answer starts with.
public struct MovedAnswer: Sendable, Equatable {
    /// The first byte of a moved answer.
    public static let marker: UInt8 = 0xF6
    /// The group that holds it now.
    public var group: GroupID

    /// Creates an answer.
    public init(group: GroupID) { self.group = group }

    /// The answer's bytes.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 9)
        writer.write(Self.marker)
        writer.write(group)
        return writer.bytes
    }

    /// Decodes an answer; nil when the bytes are not one.
    public static func decode(_ bytes: [UInt8]) -> MovedAnswer? {
        guard bytes.count == 9, bytes[0] == marker else { return nil }
        var reader = ByteReader(bytes)
        guard (try? reader.readUInt8()) != nil, let group = try? reader.readUInt64() else { return nil }
        return MovedAnswer(group: group)
    }
}

extension ClientResult {
    /// The group a request must be sent to instead, when the group it was sent to gave up
    /// what it is about in a split (the request changed nothing).
    public var movedTo: GroupID? {
        switch self {
        case .applied(_, let outcome), .refused(let outcome), .answered(_, _, _, let outcome): MovedAnswer.decode(outcome)?.group
        case .done, .failed: nil
        }
    }
}

extension ClientRequest {
    /// The same request addressed to `group`.
    public func redirected(to group: GroupID) -> ClientRequest {
        switch self {
        case .write(_, let command): .write(group: group, command: command)
        case .read(_, let query): .read(group: group, query: query)
        case .staleRead(_, let query): .staleRead(group: group, query: query)
        case .boundedStaleRead(_, let query, let bound): .boundedStaleRead(group: group, query: query, maxStaleMs: bound)
        case .changeMembership(_, let ops): .changeMembership(group: group, ops: ops)
        case .setCenterRule(_, let center, let required): .setCenterRule(group: group, center: center, required: required)
        case .transferLeadership(_, let to): .transferLeadership(group: group, to: to)
        case .forceReconfiguration(_, let voters): .forceReconfiguration(group: group, voters: voters)
        }
    }
}
