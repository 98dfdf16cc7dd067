import Crypto
import Registry

/// Pairs the two independent keyings of each paper record and compares them field by field
/// (every field but the keyer's id, the scan's reference and digest included). Agreeing
/// keyings make the act to import; disagreeing ones make a review item holding both.
public struct DoubleKeying: Sendable {
    /// What a record's keyings lead to.
    public enum Verdict: Sendable {
        /// Both keyings agree: import this act. `lines` are where the keyings were read.
        case agreed(HistoricalActImport, lines: [String])
        /// They disagree: queue both for a reviewer.
        case disagreed(ReviewItem, lines: [String])
        /// The line cannot be used.
        case bad(BadRow)
    }

    private var waiting: [RecordKey: KeyedRecord] = [:]
    private var paired: Set<RecordKey> = []

    /// Creates an empty pairing.
    public init() {}

    /// Adds one keying; returns a verdict once its record has two.
    public mutating func add(_ record: KeyedRecord) -> Verdict? {
        if paired.contains(record.key) {
            return .bad(BadRow(file: record.file, line: record.line, rule: "import.keyed_more_than_twice", field: nil,
                               message: "record \(record.key) already has two keyings in this run"))
        }
        guard let first = waiting[record.key] else {
            waiting[record.key] = record
            return nil
        }
        if first.keyer == record.keyer {
            return .bad(BadRow(file: record.file, line: record.line, rule: "import.same_keyer_twice", field: ImportColumns.keyer,
                               message: "record \(record.key) was already keyed by \(record.keyer) (\(first.file):\(first.line)); double keying needs two keyers"))
        }
        waiting[record.key] = nil
        paired.insert(record.key)
        let lines = ["\(first.file):\(first.line)", "\(record.file):\(record.line)"]
        if first.comparedFields == record.comparedFields {
            do {
                let item = try KeyedActMapping.historicalImport(key: record.key, scanReference: record.scanReference, fields: record.fields)
                return .agreed(item, lines: lines)
            } catch {
                return .bad(BadRow(file: record.file, line: record.line, rule: error.rule, field: error.field,
                                   message: "\(error.message) (both keyings, \(lines.joined(separator: " and ")))"))
            }
        }
        let item = ReviewItem(register: record.key.register, number: record.key.number, scanReference: first.scanReference,
                              scanDigest: first.scanDigest,
                              keyings: [Keying(keyer: first.keyer, fields: first.comparedFields), Keying(keyer: record.keyer, fields: record.comparedFields)])
        return .disagreed(item, lines: lines)
    }

    /// Keyings still waiting for their second, in record order.
    public var unpaired: [KeyedRecord] { waiting.values.sorted { $0.key < $1.key } }

    /// The request id of a campaign operation, derived from its content, so that re-running a
    /// file sends the same ids and the register answers with what it did the first time.
    public static func requestID(for operation: RegistryOperation) -> RequestID {
        var writer = ByteWriter(reservingCapacity: 1_024)
        writer.writeRaw(Array("sijil/import-request-id/v1".utf8))
        operation.encode(to: &writer)
        let digest = Array(SHA256.hash(data: writer.bytes))
        return RequestID(bytes: Array(digest.prefix(16)))!
    }
}
