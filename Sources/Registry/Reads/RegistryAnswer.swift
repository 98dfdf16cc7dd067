/// The answer to a ``RegistryQuery``, in the same versioned binary language.
public enum RegistryAnswer: Hashable, Sendable {
    /// The act and its mentions, or nil when no such act (or civil digital identifier) exists.
    case record(ActRecord?)
    /// The register's state, or nil when it holds nothing.
    case register(RegisterState?)
    /// One register's chain verification. A register that holds nothing reports
    /// `registerStateUnreadable`, as the verifier does for a missing state.
    case verification(RegisterVerification)
    /// A page of verifications in key order; `next` is the cursor of the following page, nil
    /// after the last register.
    case verifications([RegisterVerification], next: RegisterID?)
    /// A page of register states in key order; `next` as above.
    case registers([RegisterState], next: RegisterID?)
    /// The shard's counts and chain-heads digest.
    case stats(RegistryStats)
    /// The query's bytes could not be read; `code` is the stable ``CodecError/code``. Nothing
    /// A page of open review records; `next` is set when the page is full.
    case reviews([ReviewRecord], next: ActID?)
    /// was read from the state.
    case malformedQuery(code: String, reason: String)

    /// The version byte that starts an encoded answer.
    public static let formatVersion: UInt8 = 1

    /// Longest reason kept in a malformed-query answer, in bytes.
    static let reasonBytesMax = 512

    /// The binary form returned through the node.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 256)
        writer.write(Self.formatVersion)
        switch self {
        case .record(let record):
            writer.write(UInt8(1))
            writer.writeOptional(record) { writer, record in
                record.act.encode(to: &writer)
                writer.writeArray(record.mentions) { $1.encode(to: &$0) }
            }
        case .register(let state):
            writer.write(UInt8(2))
            writer.writeOptional(state) { $1.encode(to: &$0) }
        case .verification(let verification):
            writer.write(UInt8(3))
            verification.encode(to: &writer)
        case .verifications(let verifications, let next):
            writer.write(UInt8(4))
            writer.writeArray(verifications) { $1.encode(to: &$0) }
            writer.writeOptional(next) { $1.encode(to: &$0) }
        case .registers(let states, let next):
            writer.write(UInt8(5))
            writer.writeArray(states) { $1.encode(to: &$0) }
            writer.writeOptional(next) { $1.encode(to: &$0) }
        case .stats(let stats):
            writer.write(UInt8(6))
            stats.encode(to: &writer)
        case .reviews(let records, let next):
            writer.write(UInt8(8))
            writer.writeArray(records) { $1.encode(to: &$0) }
            writer.writeOptional(next) { $1.encode(to: &$0) }
        case .malformedQuery(let code, let reason):
            writer.write(UInt8(7))
            writer.write(code)
            writer.write(String(decoding: reason.utf8.prefix(Self.reasonBytesMax), as: UTF8.self))
        }
        return writer.bytes
    }

    /// Decodes untrusted bytes; never traps.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> RegistryAnswer {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt8()
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        let at = reader.offset
        let answer: RegistryAnswer
        switch try reader.readUInt8() {
        case 1:
            answer = .record(try reader.readOptional { (r: inout ByteReader) throws(CodecError) in
                let act = try Act(from: &r)
                let mentions = try r.readArray(maxCount: RegistryLimits.mentionsPerActMax + 1) {
                    (r: inout ByteReader) throws(CodecError) in try MarginalMention(from: &r)
                }
                return ActRecord(act: act, mentions: mentions)
            })
        case 2:
            answer = .register(try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try RegisterState(from: &r) })
        case 3:
            answer = .verification(try RegisterVerification(from: &reader))
        case 4:
            let verifications = try reader.readArray(maxCount: Int(RegistryQuery.verifyPageMax)) {
                (r: inout ByteReader) throws(CodecError) in try RegisterVerification(from: &r)
            }
            answer = .verifications(verifications, next: try readCursor(&reader))
        case 5:
            let states = try reader.readArray(maxCount: Int(RegistryQuery.registersPageMax)) {
                (r: inout ByteReader) throws(CodecError) in try RegisterState(from: &r)
            }
            answer = .registers(states, next: try readCursor(&reader))
        case 6:
            answer = .stats(try RegistryStats(from: &reader))
        case 8:
            let records = try reader.readArray(maxCount: Int(ReviewLimits.pageMax)) {
                (r: inout ByteReader) throws(CodecError) in try ReviewRecord(from: &r)
            }
            answer = .reviews(records, next: try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try ActID(from: &r) })
        case 7:
            let code = try reader.readString()
            answer = .malformedQuery(code: code, reason: try reader.readString())
        default:
            throw .invalidTag(offset: at)
        }
        try reader.expectEnd()
        return answer
    }

    private static func readCursor(_ reader: inout ByteReader) throws(CodecError) -> RegisterID? {
        try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try RegisterID(from: &r) }
    }
}
