import Raft

/// What a node needs to know to host a replica of a shard group.
public struct GroupDescriptor: Sendable, Equatable {
    public var id: GroupID
    /// The region whose acts the group holds (e.g. "RSK"), or "meta" for cluster metadata.
    public var region: String
    /// Which state machine the group runs (e.g. "registry"); the node's factory maps it.
    public var machine: String
    /// The members the group was created with. Later changes are in its log.
    public var initialMembership: Membership

    public init(id: GroupID, region: String, machine: String, initialMembership: Membership) {
        self.id = id
        self.region = region
        self.machine = machine
        self.initialMembership = initialMembership
    }

    static let textBytesMax = 256

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(id)
        writer.writeBlob(Array(region.utf8))
        writer.writeBlob(Array(machine.utf8))
        initialMembership.encode(into: &writer)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> GroupDescriptor {
        var reader = ByteReader(bytes)
        let id = try reader.readUInt64()
        let region = String(decoding: try reader.readBlob(field: "descriptor.region", limit: textBytesMax), as: UTF8.self)
        let machine = String(decoding: try reader.readBlob(field: "descriptor.machine", limit: textBytesMax), as: UTF8.self)
        let membership = try Membership.decode(from: &reader)
        try reader.expectEnd()
        return GroupDescriptor(id: id, region: region, machine: machine, initialMembership: membership)
    }
}

/// The durable record of what a group's state machine has applied.
struct AppliedRecord: Sendable, Equatable {
    var index: UInt64
    var term: UInt64
    var membership: Membership
    /// Which generation of the state key space is live (a snapshot install switches to the next).
    var generation: UInt32

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(index)
        writer.write(term)
        membership.encode(into: &writer)
        writer.write(generation)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> AppliedRecord {
        var reader = ByteReader(bytes)
        let index = try reader.readUInt64()
        let term = try reader.readUInt64()
        let membership = try Membership.decode(from: &reader)
        let generation = try reader.readUInt32()
        try reader.expectEnd()
        return AppliedRecord(index: index, term: term, membership: membership, generation: generation)
    }
}

/// The point the log starts after (everything before is in the state-machine image).
struct LogStartRecord: Sendable, Equatable {
    var index: UInt64
    var term: UInt64

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(index)
        writer.write(term)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> LogStartRecord {
        var reader = ByteReader(bytes)
        let record = LogStartRecord(index: try reader.readUInt64(), term: try reader.readUInt64())
        try reader.expectEnd()
        return record
    }
}
