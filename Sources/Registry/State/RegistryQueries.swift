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
    /// memory stays bounded by the page, not the state.
    public static func forEachRecord(in reader: some KeyValueReader, _ body: (ActRecord) throws -> Void) throws {
        try forEachPage(in: reader, limit: scanPageSize) { page in
            for record in page { try body(record) }
        }
    }

    /// Calls `body` with every act record in key order, `limit` at a time.
    public static func forEachPage(in reader: some KeyValueReader, limit: Int, _ body: ([ActRecord]) throws -> Void) throws {
        var cursor: ActCursor? = .first
        while let from = cursor {
            let page = try records(from: from, limit: limit, in: reader)
            try body(page.records)
            cursor = page.next
        }
    }

    /// Where a paged read of every act resumes: the first act key not read yet.
    public struct ActCursor: Sendable, Equatable {
        let key: [UInt8]
        /// Before the first act.
        public static let first = ActCursor(key: StateKeys.allActsRange.start)

        init(key: [UInt8]) { self.key = key }

        /// The cursor `key` names, as `key` gave it; nil for bytes that cannot be a cursor (for
        /// a read resumed from what a previous run wrote down).
        public init?(resuming key: [UInt8]) {
            guard !key.isEmpty, key.lexicographicallyPrecedes(StateKeys.allActsRange.end),
                  !key.lexicographicallyPrecedes(StateKeys.allActsRange.start) else { return nil }
            self.key = key
        }

        /// The bytes that name the cursor, to write down.
        public var keyBytes: [UInt8] { key }
    }

    /// Up to `limit` act records in key order from `cursor`, and the cursor of the rest (nil
    /// when none is left). A read in pages can pause between them: each page is read as the
    /// reader is then.
    public static func records(from cursor: ActCursor, limit: Int, in reader: some KeyValueReader) throws -> (records: [ActRecord], next: ActCursor?) {
        let page = try reader.scan(from: cursor.key, to: StateKeys.allActsRange.end, limit: max(1, limit))
        var records: [ActRecord] = []
        records.reserveCapacity(page.count)
        for pair in page {
            let act = try decode(Act.self, pair.value, key: pair.key)
            records.append(ActRecord(act: act, mentions: try mentions(of: act.id, in: reader)))
        }
        guard page.count == max(1, limit), let last = page.last else { return (records, nil) }
        return (records, ActCursor(key: last.key + [0]))
    }
}
