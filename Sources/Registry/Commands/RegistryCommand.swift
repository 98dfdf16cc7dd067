/// A command of the registry state machine: the payload of one Raft log entry.
public enum RegistryCommand: Hashable, Sendable, Codable {
    /// One request.
    case single(RegistryRequest)
    /// Several requests in one entry, applied in order, each with its own id and outcome.
    case batch([RegistryRequest])

    /// The version byte that starts an encoded command.
    public static let formatVersion: UInt8 = 1

    /// The compact deterministic binary form carried in the Raft log.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 512)
        writer.write(Self.formatVersion)
        switch self {
        case .single(let request):
            writer.write(UInt8(1))
            request.encode(to: &writer)
        case .batch(let requests):
            writer.write(UInt8(2))
            writer.writeArray(requests) { $1.encode(to: &$0) }
        }
        return writer.bytes
    }

    /// Decodes untrusted bytes. Never traps: malformed input, unknown versions and breached
    /// limits (size, batch length, string lengths) throw ``CodecError``.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> RegistryCommand {
        guard bytes.count <= RegistryLimits.commandBytesMax else {
            throw .lengthOverLimit(offset: 0, length: bytes.count, limit: RegistryLimits.commandBytesMax)
        }
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        let at = reader.offset
        let command: RegistryCommand
        switch try reader.readUInt8() {
        case 1:
            command = .single(try RegistryRequest(from: &reader))
        case 2:
            command = .batch(try reader.readArray(maxCount: RegistryLimits.batchCommandsMax) {
                (r: inout ByteReader) throws(CodecError) in try RegistryRequest(from: &r)
            })
        default:
            throw .invalidTag(offset: at)
        }
        try reader.expectEnd()
        return command
    }

    /// The requests of the command, in order.
    public var requests: [RegistryRequest] {
        switch self {
        case .single(let request): [request]
        case .batch(let requests): requests
        }
    }
}
