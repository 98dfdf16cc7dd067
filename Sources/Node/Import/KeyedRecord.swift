import Registry

/// One keying of a paper record, as read from a campaign file: where it was read, which
/// record it is (office, register year, kind, number), the scan it was keyed from, the keyer,
/// and every field as text.
public struct KeyedRecord: Sendable, Equatable {
    /// The file and 1-based line it was read from.
    public var file: String
    public var line: Int
    /// The record's identity.
    public var key: RecordKey
    /// The scanned page image: its reference and SHA-256.
    public var scanReference: String
    public var scanDigest: String
    /// The keyer's id.
    public var keyer: String
    /// Every other field (the act's and `drawn_up_on`), in the order of the file.
    public var fields: [KeyedField]

    /// Fields compared between keyings: all but the keyer's id.
    public var comparedFields: [KeyedField] {
        [KeyedField(name: ImportColumns.scanReference, value: scanReference), KeyedField(name: ImportColumns.scanDigest, value: scanDigest)]
            + fields.sorted { $0.name < $1.name }
    }
}

/// Which paper record a keying is of.
public struct RecordKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The office, the register year and the kind: the paper register.
    public var register: RegisterID
    /// The act's number in it.
    public var number: UInt64

    /// Creates a value from its parts.
    public init(register: RegisterID, number: UInt64) {
        self.register = register
        self.number = number
    }

    /// Births after 1950 and deaths from 2003 go first (the campaign's priority).
    public var isPriority: Bool {
        switch register.kind {
        case .birth: register.year > 1950
        case .death: register.year >= 2003
        }
    }

    /// "office/year/kind/number".
    public var description: String { ActID(register: register, number: number).path }

    public static func < (a: RecordKey, b: RecordKey) -> Bool {
        (a.register.office.rawValue, a.register.year, a.register.kind.rawValue, a.number)
            < (b.register.office.rawValue, b.register.year, b.register.kind.rawValue, b.number)
    }
}

/// A line that cannot be imported, with the rule it broke. Reported; never stops the import.
public struct BadRow: Sendable, Equatable, Codable {
    /// The file.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// A stable code, e.g. `import.missing_field`.
    public var rule: String
    /// The column or field at fault, if any.
    public var field: String?
    /// Why, for people.
    public var message: String

    /// "file:line: rule (field): message".
    public var text: String { "\(file):\(line): \(rule)\(field.map { " (\($0))" } ?? ""): \(message)" }
}

/// The column names of the campaign's files (the CSV header, the keys of a JSON line).
public enum ImportColumns {
    static let office = "office"
    static let registerYear = "register_year"
    static let kind = "kind"
    static let number = "act_number"
    static let scanReference = "scan_ref"
    static let scanDigest = "scan_sha256"
    static let keyer = "keyer"
    static let drawnUpOn = "drawn_up_on"
    /// The columns every line has besides the act's own fields.
    static let identity = [office, registerYear, kind, number, scanReference, scanDigest, keyer]
}
