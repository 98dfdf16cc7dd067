import NodeCore
import Registry

/// The keyed workload: a register per key, written with unique values under unique request
/// ids, read linearizably. Simple enough that a client history can be checked exactly.
///
/// State keys: "k" + key (4 bytes) → value (8 bytes); "r" + request id (8 bytes) → key + value.
struct KeyValueMachine: StateMachine {
    enum Command: Equatable {
        case put(requestID: UInt64, key: UInt32, value: UInt64)

        func encoded() -> [UInt8] {
            switch self {
            case .put(let requestID, let key, let value):
                var writer = ByteWriter(reservingCapacity: 21)
                writer.write(UInt8(1))
                writer.write(requestID)
                writer.write(key)
                writer.write(value)
                return writer.bytes
            }
        }

        static func decode(_ bytes: [UInt8]) throws(CodecError) -> Command {
            var reader = ByteReader(bytes)
            let tag = try reader.readUInt8()
            guard tag == 1 else { throw .invalidTag(offset: 0) }
            let command = Command.put(requestID: try reader.readUInt64(), key: try reader.readUInt32(), value: try reader.readUInt64())
            try reader.expectEnd()
            return command
        }
    }

    static func valueKey(_ key: UInt32) -> [UInt8] { [UInt8(ascii: "k")] + withUnsafeBytes(of: key.bigEndian) { Array($0) } }
    static func requestKey(_ id: UInt64) -> [UInt8] { [UInt8(ascii: "r")] + withUnsafeBytes(of: id.bigEndian) { Array($0) } }

    /// What the state holds under a request id: the key written and the value.
    static func requestRecord(key: UInt32, value: UInt64) -> [UInt8] {
        var record = ByteWriter(reservingCapacity: 12)
        record.write(key)
        record.write(value)
        return record.bytes
    }

    static func encodeValue(_ value: UInt64) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 8)
        writer.write(value)
        return writer.bytes
    }

    static func decodeValue(_ bytes: [UInt8]?) -> UInt64? {
        guard let bytes, bytes.count == 8 else { return nil }
        var reader = ByteReader(bytes)
        return try? reader.readUInt64()
    }

    /// Outcome of a put: 1 = written, 2 = duplicate of an earlier request (not written again).
    func precheck(_ command: [UInt8], state: any KeyValueReader) throws -> [UInt8]? {
        guard case .put(let requestID, _, _) = try Command.decode(command) else { return nil }
        return try state.get(Self.requestKey(requestID)) == nil ? nil : [2]
    }

    func apply(_ command: [UInt8], context: CommandContext, state: inout Transaction) throws -> [UInt8] {
        guard let decoded = try? Command.decode(command) else { return [0] }
        switch decoded {
        case .put(let requestID, let key, let value):
            if try state.get(Self.requestKey(requestID)) != nil { return [2] }
            state.put(Self.requestKey(requestID), Self.requestRecord(key: key, value: value))
            state.put(Self.valueKey(key), Self.encodeValue(value))
            return [1]
        }
    }

    /// Query: 4-byte key; answer: 8-byte value, 0 when never written.
    func query(_ query: [UInt8], state: any KeyValueReader) throws -> [UInt8] {
        var reader = ByteReader(query)
        let key = try reader.readUInt32()
        return Self.encodeValue(Self.decodeValue(try state.get(Self.valueKey(key))) ?? 0)
    }

    /// The keyed workload never splits its groups.
    func split(_ key: [UInt8], newGroup: GroupID, state: inout Transaction) throws -> StateSplit {
        .refused("the keyed workload's groups do not split")
    }

    static func encodeQuery(_ key: UInt32) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 4)
        writer.write(key)
        return writer.bytes
    }
}
