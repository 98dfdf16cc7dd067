import Registry

/// One line of the audit log (DESIGN §2: every read of personal data and every write is
/// recorded: who, what, when, and for which purpose). Built by the node from the caller's
/// verified token and appended through the shard group's log, so it is replicated with the
/// data it is about.
public struct AuditRecord: Hashable, Sendable, Codable {
    /// When, as stamped by the node that served the call (UTC, to the minute).
    public var at: Timestamp
    /// The node that served the call.
    public var node: UInt64
    /// Who: the token's subject, or "citizen" for the e-window's anonymous callers.
    public var actor: String
    /// The caller's role name, or "citizen".
    public var role: String
    /// The token id, to tie every action of one token together ("" for citizens).
    public var tokenID: String
    /// The office the caller is bound to, if any.
    public var office: OfficeCode?
    /// Why: a partner's legal purpose, or the kind of service ("counter copy", "e-window").
    public var purpose: String
    /// What was done: `read_act`, `issue_copy_extract`, `register_birth`, `partner_vitalStatus`, ...
    public var action: String
    /// What it was done to: an act's path, a request's reference, a search.
    public var subject: String

    /// Longest text field kept, in bytes: a name, a purpose, a search string.
    public static let textBytesMax = 256

    /// Creates a record; text fields are cut to `textBytesMax` bytes on a character boundary.
    public init(at: Timestamp, node: UInt64, actor: String, role: String, tokenID: String, office: OfficeCode?,
                purpose: String, action: String, subject: String) {
        self.at = at
        self.node = node
        self.actor = Self.cut(actor)
        self.role = Self.cut(role)
        self.tokenID = Self.cut(tokenID)
        self.office = office
        self.purpose = Self.cut(purpose)
        self.action = Self.cut(action)
        self.subject = Self.cut(subject)
    }

    static func cut(_ text: String) -> String {
        guard text.utf8.count > textBytesMax else { return text }
        var result = ""
        for character in text {
            guard result.utf8.count + character.utf8.count <= textBytesMax else { break }
            result.append(character)
        }
        return result
    }
}

extension AuditRecord: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        at.encode(to: &writer)
        writer.write(node)
        writer.write(actor)
        writer.write(role)
        writer.write(tokenID)
        writer.writeOptional(office) { $1.encode(to: &$0) }
        writer.write(purpose)
        writer.write(action)
        writer.write(subject)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        at = try Timestamp(from: &reader)
        node = try reader.readUInt64()
        actor = try reader.readString(maxBytes: Self.textBytesMax)
        role = try reader.readString(maxBytes: Self.textBytesMax)
        tokenID = try reader.readString(maxBytes: Self.textBytesMax)
        office = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try OfficeCode(from: &r) }
        purpose = try reader.readString(maxBytes: Self.textBytesMax)
        action = try reader.readString(maxBytes: Self.textBytesMax)
        subject = try reader.readString(maxBytes: Self.textBytesMax)
    }
}
