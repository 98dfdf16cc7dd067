import GRDB
import Registry
import Synchronization

/// A search index of acts in SQLite: derived from the registry state, updated from accepted
/// outcomes, and rebuildable from the stored acts at any time. It holds nothing that the state
/// does not, so losing it loses nothing.
public final class RegistrySearchIndex: Sendable {
    private let database: DatabaseQueue
    private let keyMemo = NameKeyMemo()
    private let passes = PassCounter()
    /// Rows in `act`, kept as transactions commit: counting them in SQLite reads the whole
    /// table (seconds at the national centre's size), and every search answer reports it.
    private let rows = Mutex<Int>(0)

    /// The layout of the tables, kept in SQLite's `user_version`. An index file of another
    /// layout is emptied when opened (`replacedOtherLayout`) and must be rebuilt from the state.
    public static let layoutVersion = 3

    /// Whether opening found an index of another layout and emptied it.
    public let replacedOtherLayout: Bool

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
        replacedOtherLayout = try database.write { db -> Bool in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            let hasTables = try db.tableExists("act") || db.tableExists("name_key")
            let replaced = version != Self.layoutVersion && hasTables
            if replaced { try db.execute(sql: "DROP TABLE IF EXISTS act_names; DROP TABLE IF EXISTS name_key; DROP TABLE IF EXISTS act;") }
            // One row per act, and its name keys as the terms of a full-text index (FTS5): an
            // insert gathers the terms of a whole transaction in memory and writes them as one
            // sorted segment, where one row per name key cost a random B-tree insert each. The
            // row keeps the terms it was indexed under (`name_terms`, the full-text index's
            // content) so that re-indexing an act removes exactly those. `mentions` is how
            // many marginal mentions the indexed record carried: mentions are only ever
            // appended, so a record with fewer is an older read of the act and never replaces
            // one with more. `pass` is the replacement pass that last wrote or confirmed the row.
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS act (
                    id INTEGER PRIMARY KEY,
                    act_key TEXT NOT NULL UNIQUE,
                    office INTEGER NOT NULL,
                    register_year INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    number INTEGER NOT NULL,
                    event_day INTEGER NOT NULL,
                    civil_id TEXT,
                    name_latin TEXT NOT NULL,
                    name_arabic TEXT NOT NULL,
                    name_terms TEXT NOT NULL,
                    exact_keys TEXT NOT NULL,
                    mentions INTEGER NOT NULL,
                    pass INTEGER NOT NULL
                );
                CREATE VIRTUAL TABLE IF NOT EXISTS act_names USING fts5(
                    name_terms, content = 'act', content_rowid = 'id', tokenize = 'ascii', detail = 'none', columnsize = 0);
                CREATE INDEX IF NOT EXISTS act_event ON act(event_day);
                CREATE INDEX IF NOT EXISTS act_office ON act(office, register_year, kind, number);
                PRAGMA user_version = \(Self.layoutVersion);
                """)
            return replaced
        }
        // One read of the table, at opening; from then on both are kept in memory.
        let row = try database.read { db in try Row.fetchOne(db, sql: "SELECT COUNT(*) AS rows, MAX(pass) AS pass FROM act") }
        passes.current = row?["pass"] ?? 0
        rows.withLock { $0 = row?["rows"] ?? 0 }
    }

    /// Indexes (or re-indexes) one act with its mentions: the names as drawn up and as
    /// corrected, the parents, the spouses. A record older than the one indexed (fewer mentions)
    /// changes nothing, so records read at different instants can be written in any order.
    public func index(_ record: ActRecord) throws {
        try index([record])
    }

    /// Indexes (or re-indexes) several acts in one transaction.
    public func index(_ records: [ActRecord]) throws {
        guard !records.isEmpty else { return }
        let added = try database.write { db in
            var added = 0
            for record in records where try Self.write(record, db, memo: keyMemo, pass: passes.current) { added += 1 }
            return added
        }
        rows.withLock { $0 += added }
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
        try index(records)
    }

    /// Replaces the index with every act of the state, one page at a time.
    public func rebuild(from reader: some KeyValueReader) throws {
        let pass = try beginReplacement()
        try RegistryQueries.forEachPage(in: reader, limit: Self.replacementPageActs) { try index($0) }
        try finishReplacement(pass)
    }

    /// Acts a replacement reads and writes at a time in `rebuild(from:)`.
    static let replacementPageActs = 256

    /// A replacement of the whole index, written page after page while the index keeps serving
    /// and taking new records: every act written from its start on is marked with its pass, and
    /// `finishReplacement` removes the rows it did not mark (acts the state no longer holds).
    public struct Replacement: Sendable, Equatable {
        /// Its number: rows it wrote or confirmed carry it.
        public let pass: Int64
    }

    /// Starts a replacement. Only the last one started can finish.
    public func beginReplacement() throws -> Replacement {
        try database.write { _ in
            passes.current += 1
            return Replacement(pass: passes.current)
        }
    }

    /// Takes up again the replacement `pass`, which a previous run began and left unfinished
    /// when it stopped cleanly: the rows it marked stay marked, and every write from now on marks
    /// its rows with it too. Throws unless `pass` is the last replacement begun (the highest pass
    /// in the rows, or one more if it marked none before the stop). Call it before any write.
    public func resumeReplacement(pass: Int64) throws -> Replacement {
        try database.write { _ in
            guard pass == passes.current || pass == passes.current + 1 else {
                throw DatabaseError(message: "replacement pass \(pass) cannot be resumed: the rows hold pass \(passes.current)")
            }
            passes.current = pass
            return Replacement(pass: pass)
        }
    }

    /// Removes the rows `replacement` did not write or confirm, a page per transaction so that
    /// searches go on between them; returns how many. Throws if another replacement began since.
    @discardableResult
    public func finishReplacement(_ replacement: Replacement) throws -> Int {
        var removed = 0
        var after: Int64 = 0
        while true {
            let page = try database.write { db -> Int in
                guard passes.current == replacement.pass else {
                    throw DatabaseError(message: "replacement pass \(replacement.pass) was superseded by pass \(passes.current)")
                }
                let rows = try Row.fetchAll(db, sql: "SELECT id, name_terms FROM act WHERE id > ? AND pass < ? ORDER BY id LIMIT ?",
                                            arguments: [after, replacement.pass, Self.replacementPageActs])
                for row in rows {
                    let id: Int64 = row["id"]
                    try db.execute(sql: "INSERT INTO act_names (act_names, rowid, name_terms) VALUES ('delete', ?, ?)",
                                   arguments: [id, row["name_terms"] as String])
                    try db.execute(sql: "DELETE FROM act WHERE id = ?", arguments: [id])
                    after = id
                }
                return rows.count
            }
            removed += page
            rows.withLock { $0 -= page }
            if page < Self.replacementPageActs { return removed }
        }
    }

    /// How many acts the index holds.
    public func count() -> Int {
        rows.withLock { $0 }
    }

    /// The rows SQLite counts in the table (a read of the whole table): what `count()` keeps.
    func countedInTable() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM act") ?? 0 }
    }

    /// Finds acts matching every criterion of `query`, exact spellings first, then by register
    /// and number.
    public func search(_ query: ActSearchQuery) throws -> [ActSearchHit] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        var exactKeys: [String] = []
        var terms: [String] = []
        let roles: [(String?, NameRole)] = [(query.name, .person), (query.fatherName, .father), (query.motherName, .mother)]
        for (text, role) in roles {
            guard let text else { continue }
            let keys = SearchKeys.keys(for: text)
            if keys.isEmpty { return [] }
            terms += keys.map { Self.term(role: role.rawValue, key: $0) }
            exactKeys += SearchKeys.exactKeys(for: text)
        }
        if !terms.isEmpty {
            // Every term must be present; each is quoted (terms are hexadecimal, never an operator).
            conditions.append("act.id IN (SELECT rowid FROM act_names WHERE act_names MATCH ?)")
            arguments.append(terms.map { "\"" + $0 + "\"" }.joined(separator: " AND "))
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
        // The number of the query's exact Latin spellings the act's names carry (in any role).
        let exactScore = exactKeys.isEmpty ? "0" : exactKeys.map { _ in "(instr(act.exact_keys, ' ' || ? || ' ') > 0)" }.joined(separator: " + ")
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

    /// Writes one record; true when it added a row.
    private static func write(_ record: ActRecord, _ db: Database, memo: NameKeyMemo, pass: Int64) throws -> Bool {
        let act = record.act
        let view = ActView(record)
        let key = act.id.description
        let names = nameTerms(record, view: view, memo: memo)
        // Database values, not existentials: the arguments are made once, without boxing.
        let values: [DatabaseValue] = [
            Int(act.id.register.office.rawValue).databaseValue, act.id.register.year.databaseValue,
            Int(act.id.register.kind.rawValue).databaseValue, Int64(act.id.number).databaseValue,
            view.eventDate.gregorian.daysSinceEpoch.databaseValue, act.civilDigitalID?.digits.databaseValue ?? .null,
            view.person.latinText.databaseValue, view.person.arabicText.databaseValue, names.terms.databaseValue,
            names.exact.databaseValue, record.mentions.count.databaseValue, pass.databaseValue]
        // Cached statements: compiled once per connection, not once per act. A new act (the
        // common case) is one row and one document; an act indexed before is updated in place,
        // its old terms taken out of the full-text index first when they changed.
        try db.cachedStatement(sql: """
            INSERT INTO act (act_key, office, register_year, kind, number, event_day, civil_id, name_latin, name_arabic, name_terms, exact_keys,
                             mentions, pass)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (act_key) DO NOTHING
            """).execute(arguments: StatementArguments([key.databaseValue] + values))
        guard db.changesCount != 1 else {
            try db.cachedStatement(sql: "INSERT INTO act_names (rowid, name_terms) VALUES (?, ?)")
                .execute(arguments: StatementArguments([db.lastInsertedRowID.databaseValue, names.terms.databaseValue]))
            return true
        }
        guard let old = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, name_terms, mentions FROM act WHERE act_key = ?"), arguments: [key]) else {
            throw DatabaseError(message: "act \(key) neither inserted nor found")
        }
        let id: Int64 = old["id"]
        // An older read of the act (a rebuild's view of the state, overtaken by a record written
        // since): the row stays, marked as present.
        guard (old["mentions"] as Int) <= record.mentions.count else {
            try db.cachedStatement(sql: "UPDATE act SET pass = ? WHERE id = ?").execute(arguments: [pass, id])
            return false
        }
        let oldTerms: String = old["name_terms"]
        let termsChanged = oldTerms != names.terms
        if termsChanged {
            try db.cachedStatement(sql: "INSERT INTO act_names (act_names, rowid, name_terms) VALUES ('delete', ?, ?)")
                .execute(arguments: [id, oldTerms])
        }
        try db.cachedStatement(sql: """
            UPDATE act SET office = ?, register_year = ?, kind = ?, number = ?, event_day = ?, civil_id = ?, name_latin = ?,
                name_arabic = ?, name_terms = ?, exact_keys = ?, mentions = ?, pass = ? WHERE id = ?
            """).execute(arguments: StatementArguments(values + [id.databaseValue]))
        if termsChanged {
            try db.cachedStatement(sql: "INSERT INTO act_names (rowid, name_terms) VALUES (?, ?)")
                .execute(arguments: StatementArguments([id.databaseValue, names.terms.databaseValue]))
        }
        return false
    }

    /// The full-text term of a name key in a role: `r`, the role, then the key's UTF-8 bytes in
    /// hexadecimal, so that the tokenizer keeps every term whole whatever the script.
    static func term(role: Int, key: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "r")] + Array(String(role).utf8)
        bytes.reserveCapacity(bytes.count + key.utf8.count * 2)
        for byte in key.utf8 {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The terms an act is found under (space-separated, each name text once per role) and its
    /// exact Latin spellings (`" x:token x:token "`, for ranking): from the names as drawn up
    /// and as corrected, the parents, the spouses.
    private static func nameTerms(_ record: ActRecord, view: ActView, memo: NameKeyMemo) -> (terms: String, exact: String) {
        var builder = NameTermsBuilder(memo: memo)
        builder.add(view.person, as: .person)
        if let father = view.fatherName { builder.add(father, as: .father) }
        if let mother = view.motherName { builder.add(mother, as: .mother) }
        switch record.act.content {
        case .birth(let b):
            builder.add(b.child, as: .person)
            if let father = b.father { builder.add(father.name, as: .father) }
            builder.add(b.mother.name, as: .mother)
        case .death(let d):
            builder.add(d.deceased, as: .person)
            if let father = d.fatherName { builder.add(father, as: .father) }
            if let mother = d.motherName { builder.add(mother, as: .mother) }
        }
        for marriage in view.marriages { builder.add(marriage.marriage.spouse, as: .spouse) }
        return (builder.terms, builder.exact)
    }
}

/// Gathers an act's terms name after name, without copying the names or listing their texts.
/// A text already taken in the same role adds nothing (the child's name as drawn up is usually
/// the person's current name): it is skipped whole, by its bytes. Its terms are then distinct
/// but for the rare key two different texts share, which the full-text index counts once anyway.
private struct NameTermsBuilder {
    let memo: NameKeyMemo
    var terms = ""
    var exact = " "
    private var seenTexts = Set<RoleText>(minimumCapacity: 32)
    private var seenExact: [String] = []

    init(memo: NameKeyMemo) {
        self.memo = memo
        terms.reserveCapacity(1_024)
    }

    mutating func add(_ name: PersonName, as role: NameRole) {
        SearchKeys.forEachText(name) { add($0, role) }
    }

    private mutating func add(_ text: String, _ role: NameRole) {
        guard seenTexts.insert(RoleText(role: role.rawValue, text: TextBytes(text: text))).inserted else { return }
        let keys = memo.keys(for: text)
        let joined = keys.joinedTerms[role.rawValue]
        if !joined.isEmpty {
            if !terms.isEmpty { terms += " " }
            terms += joined
        }
        for key in keys.exact where !seenExact.contains(key) {
            seenExact.append(key)
            exact += key + " "
        }
    }
}

/// The pass the index's writes mark their rows with: the last replacement begun.
///
/// `@unchecked Sendable`: only used inside the index's write closures, which GRDB's
/// `DatabaseQueue` runs one at a time on its serial queue.
final class PassCounter: @unchecked Sendable {
    var current: Int64 = 0
}

/// The index keys of name texts already seen. Names repeat (a few thousand given and family
/// names cover most acts), and normalising one costs far more than a dictionary lookup.
///
/// `@unchecked Sendable`: it is only used inside the index's write closures, which GRDB's
/// `DatabaseQueue` runs one at a time on its serial queue, so it is never touched concurrently.
final class NameKeyMemo: @unchecked Sendable {
    /// Texts remembered; beyond it the memo starts afresh (bounded memory, about 300 bytes each).
    static let textsMax = 50_000

    /// A text's full-text terms in each role, and its exact Latin spellings. A class, so that
    /// a lookup hands out one reference rather than copies of its arrays.
    final class Keys {
        /// The terms in each role, joined by spaces as they go into a document; indexed by the
        /// role's raw value (0 unused).
        let joinedTerms: [String]
        let exact: [String]

        init(terms: [[String]], exact: [String]) {
            self.joinedTerms = terms.map { $0.joined(separator: " ") }
            self.exact = exact
        }
    }
    private var memo: [TextBytes: Keys] = [:]

    /// The terms of `SearchKeys.keys(for:)` in every role, and `SearchKeys.exactKeys(for:)`.
    func keys(for text: String) -> Keys {
        if let known = memo[TextBytes(text: text)] { return known }
        if memo.count >= Self.textsMax { memo.removeAll(keepingCapacity: true) }
        let keys = SearchKeys.keys(for: text)
        var terms = [[String]](repeating: [], count: (NameRole.allCases.map(\.rawValue).max() ?? 0) + 1)
        for role in NameRole.allCases { terms[role.rawValue] = keys.map { RegistrySearchIndex.term(role: role.rawValue, key: $0) } }
        let known = Keys(terms: terms, exact: SearchKeys.exactKeys(for: text))
        memo[TextBytes(text: text)] = known
        return known
    }
}

/// A name text in a role, compared by its bytes.
struct RoleText: Hashable {
    let role: Int
    let text: TextBytes
}

/// A text hashed and compared by its UTF-8 bytes. `String`'s own hashing and equality normalise
/// non-ASCII text (Arabic, Tifinagh) on every call, which made the memo's lookups cost more than
/// the rest of indexing an act; two spellings that differ only in their encoding are simply
/// remembered twice, with the same keys.
struct TextBytes: Hashable {
    let text: String

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    static func == (left: TextBytes, right: TextBytes) -> Bool {
        guard left.text.utf8.count == right.text.utf8.count else { return false }
        let compared = left.text.utf8.withContiguousStorageIfAvailable { l in
            right.text.utf8.withContiguousStorageIfAvailable { r in ByteReader.sameBytes(l, r) }
        }
        return (compared ?? nil) ?? left.text.utf8.elementsEqual(right.text.utf8)
    }
}
