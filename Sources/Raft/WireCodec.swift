// Binary encodings of Raft values, used on the wire between members and on disk.
// Version 1. Every decoder checks bounds and tags and rejects trailing bytes.

extension Entry {
    public func encode(into writer: inout ByteWriter) {
        writer.write(index)
        writer.write(term)
        writer.write(kind.rawValue)
        writer.writeBlob(data)
    }

    public static func decode(from reader: inout ByteReader) throws(DecodeError) -> Entry {
        let index = try reader.readUInt64()
        let term = try reader.readUInt64()
        let kindRaw = try reader.readUInt8()
        guard let kind = EntryKind(rawValue: kindRaw) else {
            throw .invalidTag(field: "entry.kind", value: UInt64(kindRaw))
        }
        let data = try reader.readBlob(field: "entry.data", limit: WireLimits.entryDataBytesMax)
        return Entry(index: index, term: term, kind: kind, data: data)
    }

    /// The entry alone, as stored on disk.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: sizeBytes)
        encode(into: &writer)
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Entry {
        var reader = ByteReader(bytes)
        let entry = try decode(from: &reader)
        try reader.expectEnd()
        return entry
    }
}

extension HardState {
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 24)
        writer.write(term)
        writer.write(vote)
        writer.write(commit)
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> HardState {
        var reader = ByteReader(bytes)
        let state = HardState(term: try reader.readUInt64(), vote: try reader.readUInt64(), commit: try reader.readUInt64())
        try reader.expectEnd()
        return state
    }
}

extension Membership {
    public func encode(into writer: inout ByteWriter) {
        for set in [voters, outgoingVoters, learners, learnersNext] {
            writer.write(UInt32(set.count))
            for id in set.sorted() { writer.write(id) }
        }
        writer.write(center ?? 0)
        writer.write(centerRule)
    }

    public static func decode(from reader: inout ByteReader) throws(DecodeError) -> Membership {
        var sets: [Set<NodeID>] = []
        for name in ["voters", "outgoingVoters", "learners", "learnersNext"] {
            let count = try reader.readCount(field: "membership.\(name)", limit: WireLimits.membersMax)
            var set = Set<NodeID>()
            for _ in 0..<count { set.insert(try reader.readUInt64()) }
            sets.append(set)
        }
        let center = try reader.readUInt64()
        let rule = try reader.readBool(field: "membership.centerRule")
        let membership = Membership(
            voters: sets[0], outgoingVoters: sets[1], learners: sets[2], learnersNext: sets[3],
            center: center == 0 ? nil : center, centerRule: rule)
        // A follower persists the configuration of a snapshot header as it is, and
        // Raft.init(config:state:) traps on an invalid one at the next restart: refuse it here.
        if let (field, id) = membership.firstInvariantBreak() { throw .invalidTag(field: field, value: id) }
        return membership
    }
}

extension SnapshotMeta {
    public func encode(into writer: inout ByteWriter) {
        writer.write(index)
        writer.write(term)
        membership.encode(into: &writer)
    }

    public static func decode(from reader: inout ByteReader) throws(DecodeError) -> SnapshotMeta {
        let index = try reader.readUInt64()
        let term = try reader.readUInt64()
        return SnapshotMeta(index: index, term: term, membership: try Membership.decode(from: &reader))
    }
}

extension ConfigChange {
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .bootstrap(let membership):
            writer.write(UInt8(0))
            membership.encode(into: &writer)
        case .membership(let ops):
            writer.write(UInt8(1))
            writer.write(UInt32(ops.count))
            for op in ops {
                switch op {
                case .addVoter(let id): writer.write(UInt8(0)); writer.write(id)
                case .addLearner(let id): writer.write(UInt8(1)); writer.write(id)
                case .remove(let id): writer.write(UInt8(2)); writer.write(id)
                }
            }
        case .leaveJoint:
            writer.write(UInt8(2))
        case .centerRule(let center, let required):
            writer.write(UInt8(3))
            writer.write(center ?? 0)
            writer.write(required)
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> ConfigChange {
        var reader = ByteReader(bytes)
        let change: ConfigChange
        switch try reader.readUInt8() {
        case 0:
            change = .bootstrap(try Membership.decode(from: &reader))
        case 1:
            let count = try reader.readCount(field: "configChange.ops", limit: WireLimits.membershipOpsMax)
            var ops: [MembershipOp] = []
            for _ in 0..<count {
                let tag = try reader.readUInt8()
                let id = try reader.readUInt64()
                switch tag {
                case 0: ops.append(.addVoter(id))
                case 1: ops.append(.addLearner(id))
                case 2: ops.append(.remove(id))
                default: throw .invalidTag(field: "configChange.op", value: UInt64(tag))
                }
            }
            change = .membership(ops)
        case 2:
            change = .leaveJoint
        case 3:
            let center = try reader.readUInt64()
            change = .centerRule(center: center == 0 ? nil : center, required: try reader.readBool(field: "configChange.required"))
        case let tag:
            throw .invalidTag(field: "configChange", value: UInt64(tag))
        }
        try reader.expectEnd()
        return change
    }
}

extension Message {
    public func encode(into writer: inout ByteWriter) {
        writer.write(from)
        writer.write(to)
        writer.write(term)
        switch body {
        case .append(let a):
            writer.write(UInt8(0))
            writer.write(a.prevIndex)
            writer.write(a.prevTerm)
            writer.write(a.commit)
            writer.write(UInt32(a.entries.count))
            for entry in a.entries { entry.encode(into: &writer) }
        case .appendResponse(let r):
            writer.write(UInt8(1))
            writer.write(r.index)
            writer.write(r.reject)
            writer.write(r.hintIndex)
            writer.write(r.hintTerm)
        case .vote(let v):
            writer.write(UInt8(2))
            writer.write(v.preVote)
            writer.write(v.lastIndex)
            writer.write(v.lastTerm)
            writer.write(v.transfer)
        case .voteResponse(let v):
            writer.write(UInt8(3))
            writer.write(v.preVote)
            writer.write(v.granted)
        case .heartbeat(let h):
            writer.write(UInt8(4))
            writer.write(h.commit)
            writer.write(h.readRound)
        case .heartbeatResponse(let h):
            writer.write(UInt8(5))
            writer.write(h.readRound)
            writer.write(h.lastIndex)
        case .snapshot(let meta):
            writer.write(UInt8(6))
            meta.encode(into: &writer)
        case .timeoutNow:
            writer.write(UInt8(7))
        case .readIndex(let r):
            writer.write(UInt8(8))
            writer.write(UInt32(r.ids.count))
            for id in r.ids { writer.write(id) }
        case .readIndexResponse(let r):
            writer.write(UInt8(9))
            writer.write(r.index)
            writer.write(r.refused)
            writer.write(UInt32(r.ids.count))
            for id in r.ids { writer.write(id) }
        }
    }

    public static func decode(from reader: inout ByteReader) throws(DecodeError) -> Message {
        let from = try reader.readUInt64()
        let to = try reader.readUInt64()
        let term = try reader.readUInt64()
        let body: Body
        switch try reader.readUInt8() {
        case 0:
            let prevIndex = try reader.readUInt64()
            let prevTerm = try reader.readUInt64()
            let commit = try reader.readUInt64()
            let count = try reader.readCount(field: "append.entries", limit: WireLimits.entriesPerMessageMax)
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count { entries.append(try Entry.decode(from: &reader)) }
            body = .append(Append(prevIndex: prevIndex, prevTerm: prevTerm, entries: entries, commit: commit))
        case 1:
            body = .appendResponse(AppendResponse(
                index: try reader.readUInt64(), reject: try reader.readBool(field: "appendResponse.reject"),
                hintIndex: try reader.readUInt64(), hintTerm: try reader.readUInt64()))
        case 2:
            body = .vote(VoteRequest(
                preVote: try reader.readBool(field: "vote.preVote"), lastIndex: try reader.readUInt64(),
                lastTerm: try reader.readUInt64(), transfer: try reader.readBool(field: "vote.transfer")))
        case 3:
            body = .voteResponse(VoteResponse(
                preVote: try reader.readBool(field: "voteResponse.preVote"),
                granted: try reader.readBool(field: "voteResponse.granted")))
        case 4:
            body = .heartbeat(Heartbeat(commit: try reader.readUInt64(), readRound: try reader.readUInt64()))
        case 5:
            body = .heartbeatResponse(HeartbeatResponse(readRound: try reader.readUInt64(), lastIndex: try reader.readUInt64()))
        case 6:
            body = .snapshot(try SnapshotMeta.decode(from: &reader))
        case 7:
            body = .timeoutNow
        case 8:
            body = .readIndex(ReadIndexRequest(ids: try readIDs(&reader)))
        case 9:
            let index = try reader.readUInt64()
            let refused = try reader.readBool(field: "readIndexResponse.refused")
            body = .readIndexResponse(ReadIndexResponse(ids: try readIDs(&reader), index: index, refused: refused))
        case let tag:
            throw .invalidTag(field: "message.body", value: UInt64(tag))
        }
        return Message(from: from, to: to, term: term, body: body)
    }

    private static func readIDs(_ reader: inout ByteReader) throws(DecodeError) -> [ReadRequestID] {
        let count = try reader.readCount(field: "readIndex.ids", limit: WireLimits.readIDsPerMessageMax)
        var ids: [ReadRequestID] = []
        ids.reserveCapacity(count)
        for _ in 0..<count { ids.append(try reader.readUInt64()) }
        return ids
    }

    /// The message alone.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        encode(into: &writer)
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Message {
        var reader = ByteReader(bytes)
        let message = try decode(from: &reader)
        try reader.expectEnd()
        return message
    }
}
