/// One violated rule: which rule, which field (with its French and Arabic labels), and why.
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule.
    public let rule: Rule
    /// The field at fault.
    public let field: Field
    /// Why, in English, with the values involved.
    public let reason: String

    /// Creates a violation.
    public init(_ rule: Rule, _ field: Field, _ reason: String) {
        self.rule = rule
        self.field = field
        self.reason = reason
    }

    /// `registry.calendar_mismatch at birthDate.hijri: ...`.
    public var description: String { "\(rule.code) at \(field.rawValue): \(reason)" }
}

extension RuleViolation: CanonicalCodable {
    /// Writes the rule code, the field path and the reason.
    public func encode(to writer: inout ByteWriter) {
        writer.write(rule.rawValue)
        writer.write(field.rawValue)
        writer.write(reason)
    }

    /// Reads a violation; unknown rules or fields are errors.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        guard let rule = Rule(rawValue: try reader.readUInt16()) else { throw .invalidTag(offset: at) }
        let fieldAt = reader.offset
        guard let field = Field(rawValue: try reader.readString()) else { throw .invalidTag(offset: fieldAt) }
        self.init(rule, field, try reader.readString())
    }
}

extension RuleViolation: Codable {
    private enum CodingKeys: String, CodingKey {
        case code, field, labelFrench, labelArabic, reason
    }

    /// Encodes code, field path, both labels and the reason.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule.code, forKey: .code)
        try container.encode(field.rawValue, forKey: .field)
        try container.encode(field.frenchLabel, forKey: .labelFrench)
        try container.encode(field.arabicLabel, forKey: .labelArabic)
        try container.encode(reason, forKey: .reason)
    }

    /// Decodes from the same shape; the labels are recomputed from the field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decode(String.self, forKey: .code)
        guard let rule = Rule.allCases.first(where: { $0.code == code }) else {
            throw DecodingError.dataCorruptedError(forKey: .code, in: container, debugDescription: "unknown rule")
        }
        guard let field = Field(rawValue: try container.decode(String.self, forKey: .field)) else {
            throw DecodingError.dataCorruptedError(forKey: .field, in: container, debugDescription: "unknown field")
        }
        self.init(rule, field, try container.decode(String.self, forKey: .reason))
    }
}
