import Raft

/// What nodes say to each other. Many messages, of many groups, travel in one frame.
enum NodeMessage: Sendable, Equatable {
    case raft(GroupID, Message)
    /// One piece of a state-machine image streamed to a follower (bounded memory on both sides).
    case snapshotChunk(GroupID, StreamedChunk)
    /// The follower persisted chunk `sequence` of stream `stream` (or refused it).
    case snapshotAck(GroupID, stream: UInt64, sequence: UInt32, accepted: Bool)
    /// A write sent to the group's leader on behalf of a client of the sender.
    case forward(GroupID, forwardID: UInt64, command: [UInt8])
    /// The leader's answer to a `forward`.
    case forwardReply(forwardID: UInt64, result: ClientResult)
    /// The leader's commit index in `term`, sent every tick to every member so that a replica
    /// serving bounded-stale reads knows how long ago its applied state was current.
    case commitNotice(GroupID, term: UInt64, commit: UInt64)
}

/// A piece of a streamed state image, wrapped for one stream and one Raft header.
struct StreamedChunk: Sendable, Equatable {
    var stream: UInt64
    var sequence: UInt32
    /// The leader's term, used when the finished image is stepped into the follower's Raft.
    var term: UInt64
    var meta: SnapshotMeta
    /// One chunk of the state machine's snapshot stream (`Registry.SnapshotChunk`): ordered
    /// pairs, its own checksum, and the whole stream's digest on the last one.
    var data: [UInt8]
    var isLast: Bool
}

/// The frame format between nodes: version 1, then a count and the messages.
enum NodeFrame {
    static let version: UInt8 = 1
    /// Messages in one frame; a turn rarely sends more than a few hundred to one peer.
    static let messagesMax = 100_000
    /// Bytes of one snapshot chunk on the wire: the largest chunk the state machine writes
    /// (one pair of up to 256 KiB, or the configured chunk size) with ample headroom.
    static let chunkBytesMax = 8 << 20

    static func encode(_ messages: [NodeMessage]) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.write(version)
        writer.write(UInt32(messages.count))
        for message in messages { encode(message, into: &writer) }
        return writer.bytes
    }

    private static func encode(_ message: NodeMessage, into writer: inout ByteWriter) {
        switch message {
        case .raft(let group, let raft):
            writer.write(UInt8(0)); writer.write(group)
            raft.encode(into: &writer)
        case .snapshotChunk(let group, let chunk):
            writer.write(UInt8(1)); writer.write(group)
            writer.write(chunk.stream); writer.write(chunk.sequence); writer.write(chunk.term)
            chunk.meta.encode(into: &writer)
            writer.writeBlob(chunk.data); writer.write(chunk.isLast)
        case .snapshotAck(let group, let stream, let sequence, let accepted):
            writer.write(UInt8(2)); writer.write(group)
            writer.write(stream); writer.write(sequence); writer.write(accepted)
        case .forward(let group, let forwardID, let command):
            writer.write(UInt8(3)); writer.write(group); writer.write(forwardID); writer.writeBlob(command)
        case .forwardReply(let forwardID, let result):
            writer.write(UInt8(4)); writer.write(forwardID)
            result.encode(into: &writer)
        case .commitNotice(let group, let term, let commit):
            writer.write(UInt8(5)); writer.write(group); writer.write(term); writer.write(commit)
        }
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> [NodeMessage] {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == NodeFrame.version else { throw .invalidTag(field: "frame.version", value: UInt64(version)) }
        let count = try reader.readCount(field: "frame.messages", limit: messagesMax)
        var messages: [NodeMessage] = []
        messages.reserveCapacity(count)
        for _ in 0..<count {
            switch try reader.readUInt8() {
            case 0:
                let group = try reader.readUInt64()
                messages.append(.raft(group, try Message.decode(from: &reader)))
            case 1:
                let group = try reader.readUInt64()
                let stream = try reader.readUInt64()
                let sequence = try reader.readUInt32()
                let term = try reader.readUInt64()
                let meta = try SnapshotMeta.decode(from: &reader)
                let data = try reader.readBlob(field: "chunk.data", limit: chunkBytesMax)
                let isLast = try reader.readBool(field: "chunk.isLast")
                messages.append(.snapshotChunk(group, StreamedChunk(
                    stream: stream, sequence: sequence, term: term, meta: meta, data: data, isLast: isLast)))
            case 2:
                let group = try reader.readUInt64()
                let stream = try reader.readUInt64()
                let sequence = try reader.readUInt32()
                messages.append(.snapshotAck(group, stream: stream, sequence: sequence, accepted: try reader.readBool(field: "ack.accepted")))
            case 3:
                let group = try reader.readUInt64()
                let forwardID = try reader.readUInt64()
                messages.append(.forward(group, forwardID: forwardID, command: try reader.readBlob(field: "forward.command", limit: WireLimits.entryDataBytesMax)))
            case 4:
                let forwardID = try reader.readUInt64()
                messages.append(.forwardReply(forwardID: forwardID, result: try ClientResult.decode(from: &reader)))
            case 5:
                let group = try reader.readUInt64()
                let term = try reader.readUInt64()
                messages.append(.commitNotice(group, term: term, commit: try reader.readUInt64()))
            case let tag:
                throw .invalidTag(field: "frame.message", value: UInt64(tag))
            }
        }
        try reader.expectEnd()
        return messages
    }
}

/// The payload of a normal entry: the commands proposed together in one turn.
enum CommandBatch {
    static let version: UInt8 = 1
    static let commandsMax = 65_536

    static func encode(_ commands: [[UInt8]]) -> [UInt8] {
        var writer = ByteWriter(capacity: commands.reduce(8) { $0 + $1.count + 4 })
        writer.write(version)
        writer.write(UInt32(commands.count))
        for command in commands { writer.writeBlob(command) }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> [[UInt8]] {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == CommandBatch.version else { throw .invalidTag(field: "batch.version", value: UInt64(version)) }
        let count = try reader.readCount(field: "batch.commands", limit: commandsMax)
        var commands: [[UInt8]] = []
        commands.reserveCapacity(count)
        for _ in 0..<count { commands.append(try reader.readBlob(field: "batch.command", limit: WireLimits.entryDataBytesMax)) }
        try reader.expectEnd()
        return commands
    }
}

extension NodeCore {
    /// A one-line summary of a frame's messages, for traces and debugging.
    public static func describe(frame: [UInt8]) -> String {
        guard let messages = try? NodeFrame.decode(frame) else { return "undecodable frame of \(frame.count) bytes" }
        var counts: [String: Int] = [:]
        var details: [String] = []
        for message in messages {
            switch message {
            case .raft(let group, let raft):
                counts["g\(group).\(raft.body.name)", default: 0] += 1
                if details.count < 3 {
                    switch raft.body {
                    case .append(let a): details.append("g\(group) append prev \(a.prevIndex)/\(a.prevTerm) n=\(a.entries.count) commit \(a.commit) t\(raft.term)")
                    case .appendResponse(let r): details.append("g\(group) appendResp idx \(r.index) rej \(r.reject) hint \(r.hintIndex)/\(r.hintTerm) t\(raft.term)")
                    default: break
                    }
                }
            case .snapshotChunk(let group, let chunk): counts["g\(group).chunk\(chunk.sequence)", default: 0] += 1
            case .snapshotAck(let group, _, let sequence, let accepted): counts["g\(group).ack\(sequence)\(accepted ? "" : "!")", default: 0] += 1
            case .forward(let group, _, _): counts["g\(group).forward", default: 0] += 1
            case .forwardReply: counts["forwardReply", default: 0] += 1
            case .commitNotice(let group, _, _): counts["g\(group).commitNotice", default: 0] += 1
            }
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ") + " | " + details.joined(separator: "; ")
    }
}

extension NodeCore {
    /// The Raft messages a frame carries, by group: for tests and diagnostics that reason about
    /// what is on the wire. Other messages are left out; an undecodable frame gives nothing.
    public static func raftMessages(in frame: [UInt8]) -> [(group: GroupID, message: Message)] {
        guard let messages = try? NodeFrame.decode(frame) else { return [] }
        return messages.compactMap { message in
            if case .raft(let group, let raft) = message { return (group, raft) }
            return nil
        }
    }
}
