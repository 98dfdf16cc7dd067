import Foundation
import Registry

/// Reads a campaign file, CSV (a header line, then one keying per line; fields quoted with
/// double quotes when they hold a comma, a quote or a line break) or JSON Lines (one object per
/// line, every value a string or a number), into keyings and bad rows.
public enum KeyedRecordReader {
    /// One line of a file: a keying, or why it is not one.
    public enum Item: Sendable {
        case record(KeyedRecord)
        case bad(BadRow)
    }

    /// Longest line read. A keyed record is under 4 KiB; a longer line is a bad row.
    static let lineBytesMax = 64 << 10

    /// Reads every line of `path`; the format follows the extension (`.csv`, `.jsonl` or `.ndjson`).
    public static func read(path: String, each: (Item) -> Void) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HTTPSClient.Failure(description: "\(path): cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") {
            readCSV(text, file: path, each: each)
        } else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            readJSONLines(text, file: path, each: each)
        } else {
            throw HTTPSClient.Failure(description: "\(path): give a .csv or a .jsonl file")
        }
    }

    static func readJSONLines(_ text: String, file: String, each: (Item) -> Void) {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard trimmed.utf8.count <= lineBytesMax,
                  let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                each(.bad(BadRow(file: file, line: number, rule: "import.unreadable_line", field: nil, message: "not a JSON object")))
                continue
            }
            var pairs: [(String, String)] = []
            var badField: String?
            for (key, value) in object {
                switch value {
                case let string as String: pairs.append((key, string))
                case let number as NSNumber: pairs.append((key, number.stringValue))
                default: badField = key
                }
            }
            if let badField {
                each(.bad(BadRow(file: file, line: number, rule: "import.invalid_value", field: badField, message: "values are strings or numbers")))
                continue
            }
            each(record(pairs, file: file, line: number))
        }
    }

    static func readCSV(_ text: String, file: String, each: (Item) -> Void) {
        var rows = CSVRows(text)
        guard let header = rows.next() else { return }
        let columns = header.fields
        for row in rows {
            if row.fields.count == 1 && row.fields[0].isEmpty { continue }
            guard row.fields.count == columns.count else {
                each(.bad(BadRow(file: file, line: row.line, rule: "import.unreadable_line", field: nil,
                                 message: "\(row.fields.count) fields, the header has \(columns.count)")))
                continue
            }
            let pairs = zip(columns, row.fields).filter { !$0.1.isEmpty }.map { ($0.0, $0.1) }
            each(record(pairs, file: file, line: row.line))
        }
    }

    /// A keying from its (name, value) pairs; empty values count as absent.
    static func record(_ pairs: [(String, String)], file: String, line: Int) -> Item {
        var values: [String: String] = [:]
        var order: [String] = []
        for (name, value) in pairs where !value.isEmpty {
            if values[name] == nil { order.append(name) }
            values[name] = value
        }
        func bad(_ rule: String, _ field: String, _ message: String) -> Item {
            .bad(BadRow(file: file, line: line, rule: rule, field: field, message: message))
        }
        for column in ImportColumns.identity where values[column] == nil {
            return bad("import.missing_field", column, "every line names its record, scan and keyer")
        }
        guard let office = OfficeCode(values[ImportColumns.office]!) else {
            return bad("import.invalid_value", ImportColumns.office, "an office code is 7 digits")
        }
        guard let year = Int(values[ImportColumns.registerYear]!), GregorianDate.supportedYears.contains(year) else {
            return bad("import.invalid_value", ImportColumns.registerYear, "a year between \(GregorianDate.supportedYears.lowerBound) and \(GregorianDate.supportedYears.upperBound)")
        }
        guard let kind = ActKind.allCases.first(where: { $0.name == values[ImportColumns.kind]! }) else {
            return bad("import.invalid_value", ImportColumns.kind, "birth or death")
        }
        guard let number = UInt64(values[ImportColumns.number]!), number >= 1, number <= RegistryLimits.actNumberMax else {
            return bad("import.invalid_value", ImportColumns.number, "a number from 1 to \(RegistryLimits.actNumberMax)")
        }
        let identity = Set(ImportColumns.identity)
        let fields = order.filter { !identity.contains($0) }.map { KeyedField(name: $0, value: values[$0]!) }
        for field in fields where field.value.utf8.count > ReviewLimits.fieldValueBytesMax || field.name.utf8.count > ReviewLimits.fieldNameBytesMax {
            return bad("import.invalid_value", field.name, "longer than \(ReviewLimits.fieldValueBytesMax) bytes")
        }
        guard fields.count <= ReviewLimits.fieldsPerKeyingMax else {
            return bad("import.invalid_value", "fields", "\(fields.count) fields, at most \(ReviewLimits.fieldsPerKeyingMax)")
        }
        return .record(KeyedRecord(
            file: file, line: line, key: RecordKey(register: RegisterID(office: office, year: year, kind: kind), number: number),
            scanReference: values[ImportColumns.scanReference]!, scanDigest: values[ImportColumns.scanDigest]!,
            keyer: values[ImportColumns.keyer]!, fields: fields))
    }
}

/// The rows of a CSV text (RFC 4180: quoted fields may hold commas, doubled quotes and line
/// breaks), each with the line it starts on.
struct CSVRows: Sequence, IteratorProtocol {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    mutating func next() -> (line: Int, fields: [String])? {
        guard position < scalars.count else { return nil }
        let start = line
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        while position < scalars.count {
            let c = scalars[position]
            position += 1
            if quoted {
                if c == "\"" {
                    if position < scalars.count && scalars[position] == "\"" {
                        field.append("\"")
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(String(field))
                field = String.UnicodeScalarView()
            } else if c == "\n" {
                line += 1
                break
            } else if c != "\r" {
                field.append(c)
            }
        }
        fields.append(String(field))
        return (start, fields)
    }
}
