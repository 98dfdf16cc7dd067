import GRDB
import Registry

/// A search index of acts in SQLite: derived from the registry state, updated from accepted
/// outcomes, and rebuildable from the stored acts at any time. It holds nothing that the state
/// does not, so losing it loses nothing.
public final class RegistrySearchIndex: Sendable {
    private let database: DatabaseQueue
    private let keyMemo = NameKeyMemo()

    /// Opens an index: in memory when `path` is nil, else the SQLite file at `path`.
    public init(path: String? = nil) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // The index is derived: after an unclean stop the node deletes and rebuilds it, so
            // syncing it to disk buys nothing and cost an fsync per indexed batch, on the disk
            // that holds the Raft log. The write-ahead journal appends instead of rewriting.
            try db.execute(sql: "PRAGMA synchronous = OFF")
            // 32 MiB of pages (SQLite's default is 2 MiB): the name keys of a busy register
            // stay in memory instead of being spilled and read back during a batch.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            if path != nil { try db.execute(sql: "PRAGMA journal_mode = WAL") }
        }
        database = try path.map { try DatabaseQueue(path: $0, configuration: configuration) } ?? DatabaseQueue(configuration: configuration)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS act (
                    act_key TEXT PRIMARY KEY,
                    office INTEGER NOT NULL,
                    register_year INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    number INTEGER NOT NULL,
                    event_day INTEGER NOT NULL,
                    civil_id TEXT,
                    name_latin TEXT NOT NULL,
                    name_arabic TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS name_key (
                    act_key TEXT NOT NULL REFERENCES act(act_key) ON DELETE CASCADE,
                    role INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    PRIMARY KEY (key, role, act_key)
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS name_key_act ON name_key(act_key);
                CREATE INDEX IF NOT EXISTS act_event ON act(event_day);
                CREATE INDEX IF NOT EXISTS act_office ON act(office, register_year, kind, number);
                """)
        }
    }

    /// Indexes (or re-indexes) one act with its mentions: the names as drawn up and as
    /// corrected, the parents, the spouses.
    public func index(_ record: ActRecord) throws {
        try database.write { db in try Self.write(record, db, memo: keyMemo) }
    }

    /// Indexes (or re-indexes) several acts in one transaction.
    public func index(_ records: [ActRecord]) throws {
        guard !records.isEmpty else { return }
        try database.write { db in
            for record in records { try Self.write(record, db, memo: keyMemo) }
        }
    }

    /// Updates the index from an outcome of the state machine, reading the acts it touched
    /// from the state. Rejected outcomes change nothing.
    public func update(with outcome: CommandOutcome, from reader: some KeyValueReader) throws {
        var touched: [ActID] = []
        switch outcome {
        case .accepted(let entry), .duplicate(let entry): touched = [entry.actID]
        case .batch(let outcomes): touched = outcomes.compactMap { $0.acceptedEntry?.actID }
        case .rejected, .review: return
        }
        var records: [ActRecord] = []
        for id in touched {
            if let record = try RegistryQueries.record(id, in: reader) { records.append(record) }
        }
        try database.write { db in
            for record in records { try Self.write(record, db, memo: keyMemo) }
        }
    }

    /// Drops everything and re-indexes every act of the state, one page at a time.
    public func rebuild(from reader: some KeyValueReader) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM name_key; DELETE FROM act;")
            try RegistryQueries.forEachRecord(in: reader) { record in try Self.write(record, db, memo: keyMemo) }
        }
    }

    /// Drops everything and indexes `records`.
    public func rebuild(from records: some Sequence<ActRecord>) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM name_key; DELETE FROM act;")
            for record in records { try Self.write(record, db, memo: keyMemo) }
        }
    }

    /// How many acts the index holds.
    public func count() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM act") ?? 0 }
    }

    /// Finds acts matching every criterion of `query`, exact spellings first, then by register
    /// and number.
    public func search(_ query: ActSearchQuery) throws -> [ActSearchHit] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        var exactKeys: [String] = []
        let roles: [(String?, NameRole)] = [(query.name, .person), (query.fatherName, .father), (query.motherName, .mother)]
        for (text, role) in roles {
            guard let text else { continue }
            let keys = SearchKeys.keys(for: text)
            if keys.isEmpty { return [] }
            for key in keys {
                conditions.append("EXISTS (SELECT 1 FROM name_key k WHERE k.act_key = act.act_key AND k.role = ? AND k.key = ?)")
                arguments += [role.rawValue, key]
            }
            exactKeys += SearchKeys.exactKeys(for: text)
        }
        if let from = query.eventFrom {
            conditions.append("event_day >= ?")
            arguments.append(from.daysSinceEpoch)
        }
        if let to = query.eventTo {
            conditions.append("event_day <= ?")
            arguments.append(to.daysSinceEpoch)
        }
        if let office = query.office {
            conditions.append("office = ?")
            arguments.append(Int(office.rawValue))
        }
        if let kind = query.kind {
            conditions.append("kind = ?")
            arguments.append(Int(kind.rawValue))
        }
        let exactScore = exactKeys.isEmpty ? "0" : "(SELECT COUNT(*) FROM name_key e WHERE e.act_key = act.act_key AND e.key IN (\(exactKeys.map { _ in "?" }.joined(separator: ","))))"
        let sql = """
            SELECT act_key, office, register_year, kind, number, event_day, civil_id, name_latin, name_arabic, \(exactScore) AS exact
            FROM act \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY exact DESC, office, register_year, kind, number
            LIMIT ?
            """
        let limit = max(1, min(query.limit, ActSearchQuery.limitMax))
        let allArguments: [any DatabaseValueConvertible] = exactKeys + arguments + [limit]
        return try database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(allArguments)).compactMap { row -> ActSearchHit? in
                guard let kind = ActKind(rawValue: UInt8(row["kind"] as Int)) else { return nil }
                let register = RegisterID(office: OfficeCode(UInt32(row["office"] as Int)), year: row["register_year"], kind: kind)
                let civilID: String? = row["civil_id"]
                return ActSearchHit(
                    actID: ActID(register: register, number: UInt64(row["number"] as Int64)),
                    civilDigitalID: civilID.flatMap(CivilDigitalID.init),
                    nameLatin: row["name_latin"], nameArabic: row["name_arabic"],
                    eventDate: GregorianDate(daysSinceEpoch: row["event_day"]), exactMatches: row["exact"])
            }
        }
    }

    private static func write(_ record: ActRecord, _ db: Database, memo: NameKeyMemo) throws {
        let act = record.act
        let view = ActView(record)
        let key = act.id.description
        // Cached statements: compiled once per connection, not once per act.
        try db.cachedStatement(sql: "DELETE FROM act WHERE act_key = ?").execute(arguments: [key])
        // A new act (the common case) has no keys to delete.
        if db.changesCount > 0 {
            try db.cachedStatement(sql: "DELETE FROM name_key WHERE act_key = ?").execute(arguments: [key])
        }
        try db.cachedStatement(sql: """
            INSERT INTO act (act_key, office, register_year, kind, number, event_day, civil_id, name_latin, name_arabic)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [key, Int(act.id.register.office.rawValue), act.id.register.year, Int(act.id.register.kind.rawValue),
                             Int64(act.id.number), view.eventDate.gregorian.daysSinceEpoch, act.civilDigitalID?.digits,
                             view.person.latinText, view.person.arabicText])
        var names: [(NameRole, PersonName)] = [(.person, view.person), (.father, view.fatherName), (.mother, view.motherName)]
            .compactMap { role, name in name.map { (role, $0) } }
        switch act.content {
        case .birth(let b):
            names.append((.person, b.child))
            if let father = b.father { names.append((.father, father.name)) }
            names.append((.mother, b.mother.name))
        case .death(let d):
            names.append((.person, d.deceased))
            if let father = d.fatherName { names.append((.father, father)) }
            if let mother = d.motherName { names.append((.mother, mother)) }
        }
        names += view.marriages.map { (.spouse, $0.marriage.spouse) }
        var seen = Set<String>()
        for (role, name) in names {
            for text in SearchKeys.texts(name) {
                for indexKey in memo.keys(for: text)
                where seen.insert("\(role.rawValue)|\(indexKey)").inserted {
                    try db.cachedStatement(sql: "INSERT INTO name_key (act_key, role, key) VALUES (?, ?, ?)")
                        .execute(arguments: [key, role.rawValue, indexKey])
                }
            }
        }
    }
}

/// The index keys of name texts already seen. Names repeat (a few thousand given and family
/// names cover most acts), and normalising one costs far more than a dictionary lookup.
///
/// `@unchecked Sendable`: it is only used inside the index's write closures, which GRDB's
/// `DatabaseQueue` runs one at a time on its serial queue, so it is never touched concurrently.
final class NameKeyMemo: @unchecked Sendable {
    /// Texts remembered; beyond it the memo starts afresh (bounded memory, about 100 bytes each).
    static let textsMax = 50_000
    private var memo: [String: [String]] = [:]

    /// `SearchKeys.keys(for:)` followed by `SearchKeys.exactKeys(for:)`.
    func keys(for text: String) -> [String] {
        if let known = memo[text] { return known }
        if memo.count >= Self.textsMax { memo.removeAll(keepingCapacity: true) }
        let keys = SearchKeys.keys(for: text) + SearchKeys.exactKeys(for: text)
        memo[text] = keys
        return keys
    }
}
