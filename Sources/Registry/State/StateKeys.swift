/// The key layout of one shard's state. Every key starts with a one-byte namespace; integers
/// are big-endian so that byte order is numeric order. The node prefixes every key with the
/// shard's prefix; nothing here knows about shards. See docs/REGISTRY.md.
public enum StateKeys {
    /// `0x01`: the state's format version.
    static let formatTag: UInt8 = 0x01
    /// `0x10 office(4) year(2) kind(1)`: a register's state (numbering, chain head).
    static let registerTag: UInt8 = 0x10
    /// `0x20 office year kind number(8)`: a stored act.
    static let actTag: UInt8 = 0x20
    /// `0x21 office year kind number(8) sequence(4)`: a stored marginal mention.
    static let mentionTag: UInt8 = 0x21
    /// `0x30 office year kind position(8)`: a chain entry.
    static let chainTag: UInt8 = 0x30
    /// `0x40 requestID(16)`: the outcome of an accepted request.
    static let requestTag: UInt8 = 0x40
    /// `0x50 civilDigitalID(19 ASCII digits)`: the act that assigned the identifier.
    static let civilIDTag: UInt8 = 0x50
    /// `0x52 office year kind number(8)`: a review record (open or settled). The register's
    /// tags stay below 0x60: 0x60–0x6F belong to the services on the same shard state.
    static let reviewTag: UInt8 = 0x52
    /// `0x53 office year kind number(8)`: present while the review record is open (the queue).
    static let openReviewTag: UInt8 = 0x53

    /// The first key after every state key; scanning [[], end) covers the whole state.
    public static let end: [UInt8] = [0xFF]
    /// The first key of the state.
    public static let start: [UInt8] = []

    /// The key of the state format version.
    public static let formatVersion: [UInt8] = [formatTag]

    private static func registerBytes(_ tag: UInt8, _ register: RegisterID) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 24)
        writer.write(tag)
        writer.write(register.office.rawValue)
        writer.write(UInt16(clamping: register.year))
        writer.write(register.kind.rawValue)
        return writer.bytes
    }

    private static func appending(_ key: [UInt8], _ value: UInt64) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: key.count + 8)
        writer.writeRaw(key)
        writer.write(value)
        return writer.bytes
    }

    /// The key of a register's state.
    public static func register(_ register: RegisterID) -> [UInt8] { registerBytes(registerTag, register) }

    /// The key of an act.
    public static func act(_ id: ActID) -> [UInt8] { appending(registerBytes(actTag, id.register), id.number) }

    /// The first key after the acts of a register.
    public static func actsRange(_ register: RegisterID) -> (start: [UInt8], end: [UInt8]) {
        let prefix = registerBytes(actTag, register)
        return (prefix, successor(of: prefix))
    }

    /// The key of a mention.
    public static func mention(_ act: ActID, sequence: UInt32) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 28)
        writer.writeRaw(appending(registerBytes(mentionTag, act.register), act.number))
        writer.write(sequence)
        return writer.bytes
    }

    /// The key range of the mentions of one act.
    public static func mentionsRange(_ act: ActID) -> (start: [UInt8], end: [UInt8]) {
        let prefix = appending(registerBytes(mentionTag, act.register), act.number)
        return (prefix, successor(of: prefix))
    }

    /// The key range of every mention in a register.
    public static func registerMentionsRange(_ register: RegisterID) -> (start: [UInt8], end: [UInt8]) {
        let prefix = registerBytes(mentionTag, register)
        return (prefix, successor(of: prefix))
    }

    /// The key of a chain entry.
    public static func chainEntry(_ register: RegisterID, position: UInt64) -> [UInt8] {
        appending(registerBytes(chainTag, register), position)
    }

    /// The key range of every register state.
    public static let registersRange: (start: [UInt8], end: [UInt8]) = ([registerTag], [registerTag + 1])

    /// The key range of every act.
    public static let allActsRange: (start: [UInt8], end: [UInt8]) = ([actTag], [actTag + 1])

    /// The key of the review record of a paper record.
    public static func review(_ place: ActID) -> [UInt8] { appending(registerBytes(reviewTag, place.register), place.number) }

    /// The key marking an open review record.
    public static func openReview(_ place: ActID) -> [UInt8] { appending(registerBytes(openReviewTag, place.register), place.number) }

    /// The key range of the open review records.
    public static let openReviewsRange: (start: [UInt8], end: [UInt8]) = ([openReviewTag], [openReviewTag + 1])

    /// The place encoded in an open-review key.
    static func place(fromOpenReviewKey key: [UInt8]) -> ActID? {
        guard key.count == 16, key[0] == openReviewTag else { return nil }
        var reader = ByteReader(Array(key.dropFirst()))
        guard let office = try? reader.readUInt32(), let year = try? reader.readUInt16(),
              let kind = try? reader.readEnum(ActKind.self), let number = try? reader.readUInt64() else { return nil }
        return ActID(register: RegisterID(office: OfficeCode(office), year: Int(year), kind: kind), number: number)
    }

    /// The key of a request's outcome.
    public static func request(_ id: RequestID) -> [UInt8] { [requestTag] + id.bytes }

    /// The key of a civil digital identifier.
    public static func civilID(_ id: CivilDigitalID) -> [UInt8] { [civilIDTag] + Array(id.digits.utf8) }

    /// The register encoded in a register-state key, if `key` is one.
    public static func registerID(fromRegisterKey key: [UInt8]) -> RegisterID? {
        guard key.count == 8, key[0] == registerTag else { return nil }
        var reader = ByteReader(Array(key.dropFirst()))
        guard let office = try? reader.readUInt32(), let year = try? reader.readUInt16(),
              let kind = try? reader.readEnum(ActKind.self) else { return nil }
        return RegisterID(office: OfficeCode(office), year: Int(year), kind: kind)
    }

    /// The smallest key greater than every key starting with `prefix`.
    public static func successor(of prefix: [UInt8]) -> [UInt8] {
        var key = prefix
        while let last = key.last {
            if last < 0xFF {
                key[key.count - 1] = last + 1
                return key
            }
            key.removeLast()
        }
        return end
    }
}
