/// Reads of the stored state, shared by the state machine, copies, search and verification.
public enum RegistryQueries {
    /// Page size of internal scans; bounds the memory of one read.
    static let scanPageSize = 256

    static func decode<T: CanonicalDecodable>(_ type: T.Type, _ bytes: [UInt8], key: [UInt8]) throws -> T {
        do {
            return try T.decode(canonical: bytes)
        } catch {
            throw RegistryStateError.corruptRecord(key: key, error: error)
        }
    }

    /// The state of a register, or nil if it holds nothing yet.
    public static func registerState(_ register: RegisterID, in reader: some KeyValueReader) throws -> RegisterState? {
        let key = StateKeys.register(register)
        guard let bytes = try reader.get(key) else { return nil }
        return try decode(RegisterState.self, bytes, key: key)
    }

    /// The act, or nil if absent.
    public static func act(_ id: ActID, in reader: some KeyValueReader) throws -> Act? {
        let key = StateKeys.act(id)
        guard let bytes = try reader.get(key) else { return nil }
        return try decode(Act.self, bytes, key: key)
    }

    /// The mentions of an act, by sequence (at most ``RegistryLimits/mentionsPerActMax``).
    public static func mentions(of id: ActID, in reader: some KeyValueReader) throws -> [MarginalMention] {
        let range = StateKeys.mentionsRange(id)
        let pairs = try reader.scan(from: range.start, to: range.end, limit: RegistryLimits.mentionsPerActMax + 1)
        return try pairs.map { try decode(MarginalMention.self, $0.value, key: $0.key) }
    }

    /// The act and its mentions, or nil if the act is absent.
    public static func record(_ id: ActID, in reader: some KeyValueReader) throws -> ActRecord? {
        guard let act = try act(id, in: reader) else { return nil }
        return ActRecord(act: act, mentions: try mentions(of: id, in: reader))
    }

    /// The act that assigned a civil digital identifier, or nil.
    public static func actID(forCivilID id: CivilDigitalID, in reader: some KeyValueReader) throws -> ActID? {
        let key = StateKeys.civilID(id)
        guard let bytes = try reader.get(key) else { return nil }
        return try decode(ActID.self, bytes, key: key)
    }

    /// Every register that holds something, in key order.
    public static func registers(in reader: some KeyValueReader) throws -> [RegisterID] {
        var result: [RegisterID] = []
        var cursor = StateKeys.registersRange.start
        while true {
            let page = try reader.scan(from: cursor, to: StateKeys.registersRange.end, limit: scanPageSize)
            for pair in page {
                guard let register = StateKeys.registerID(fromRegisterKey: pair.key) else {
                    throw RegistryStateError.inconsistentState("malformed register key")
                }
                result.append(register)
            }
            guard page.count == scanPageSize, let last = page.last else { return result }
            cursor = last.key + [0]
        }
    }

    /// Calls `body` with every act record in key order, reading one page at a time so that
    /// memory stays bounded by the page, not the state (used to rebuild the search index).
    public static func forEachRecord(in reader: some KeyValueReader, _ body: (ActRecord) throws -> Void) throws {
        var cursor = StateKeys.allActsRange.start
        while true {
            let page = try reader.scan(from: cursor, to: StateKeys.allActsRange.end, limit: scanPageSize)
            for pair in page {
                let act = try decode(Act.self, pair.value, key: pair.key)
                try body(ActRecord(act: act, mentions: try mentions(of: act.id, in: reader)))
            }
            guard page.count == scanPageSize, let last = page.last else { return }
            cursor = last.key + [0]
        }
    }
}
