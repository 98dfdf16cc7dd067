/// The verification of one register's chain, as a query answers it.
public struct RegisterVerification: Hashable, Sendable {
    /// The register verified.
    public var register: RegisterID
    /// Intact with its length and head, or the first break.
    public var result: ChainVerification

    /// Creates a verification.
    public init(register: RegisterID, result: ChainVerification) {
        self.register = register
        self.result = result
    }
}

extension RegisterVerification: CanonicalCodable {
    /// Writes the register, then `1 length head` when intact or `2 position reason` when broken.
    public func encode(to writer: inout ByteWriter) {
        register.encode(to: &writer)
        switch result {
        case .intact(let length, let head):
            writer.write(UInt8(1))
            writer.write(length)
            head.encode(to: &writer)
        case .broken(let chainBreak):
            writer.write(UInt8(2))
            writer.write(chainBreak.position)
            Self.encode(chainBreak.reason, to: &writer)
        }
    }

    /// Reads what ``encode(to:)`` writes.
    public init(from reader: inout ByteReader) throws(CodecError) {
        register = try RegisterID(from: &reader)
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1:
            let length = try reader.readUInt64()
            result = .intact(length: length, head: try ChainDigest(from: &reader))
        case 2:
            let position = try reader.readUInt64()
            result = .broken(ChainBreak(position: position, reason: try Self.decodeReason(from: &reader)))
        default:
            throw .invalidTag(offset: at)
        }
    }

    private static func encode(_ reason: ChainBreak.Reason, to writer: inout ByteWriter) {
        switch reason {
        case .registerStateUnreadable: writer.write(UInt8(1))
        case .entryMissing: writer.write(UInt8(2))
        case .entryMisplaced: writer.write(UInt8(3))
        case .valueMissing: writer.write(UInt8(4))
        case .valueAltered: writer.write(UInt8(5))
        case .linkMismatch: writer.write(UInt8(6))
        case .headMismatch: writer.write(UInt8(7))
        case .entryBeyondLength: writer.write(UInt8(8))
        case .unchainedValues(let acts, let mentions):
            writer.write(UInt8(9))
            writer.write(acts)
            writer.write(mentions)
        case .numberingBroken(let expected, let found):
            writer.write(UInt8(10))
            writer.write(expected)
            writer.write(found)
        case .countersMismatch: writer.write(UInt8(11))
        }
    }

    private static func decodeReason(from reader: inout ByteReader) throws(CodecError) -> ChainBreak.Reason {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: return .registerStateUnreadable
        case 2: return .entryMissing
        case 3: return .entryMisplaced
        case 4: return .valueMissing
        case 5: return .valueAltered
        case 6: return .linkMismatch
        case 7: return .headMismatch
        case 8: return .entryBeyondLength
        case 9:
            let acts = try reader.readUInt64()
            return .unchainedValues(acts: acts, mentions: try reader.readUInt64())
        case 10:
            let expected = try reader.readUInt64()
            return .numberingBroken(expected: expected, found: try reader.readUInt64())
        case 11: return .countersMismatch
        default: throw .invalidTag(offset: at)
        }
    }
}
