import Registry

/// What a signed access token says about its holder. Issued by the operator's CLI, checked by
/// every node; the node never stores tokens.
public struct AccessClaims: Hashable, Sendable, Codable {
    /// A random id for the token, recorded in the audit log with every action.
    public var tokenID: String
    /// Who holds the token: an officer's identifier, a partner's name, an auditor's badge.
    public var subject: String
    /// The holder's name in Latin script (an officer's name signs the acts they draw up).
    public var nameLatin: String
    /// The holder's name in Arabic script.
    public var nameArabic: String
    /// The holder's role.
    public var role: Role
    /// The office an officer is bound to.
    public var office: OfficeCode?
    /// The region a registrar supervises.
    public var region: RegionCode?
    /// The purposes a partner's agreement grants (empty for other roles).
    public var purposes: [PartnerPurpose]
    /// Seconds since 1970-01-01 UTC when the token was issued.
    public var issuedAtSeconds: UInt64
    /// Seconds since 1970-01-01 UTC after which the token is refused.
    public var expiresAtSeconds: UInt64

    /// Creates claims.
    public init(tokenID: String, subject: String, nameLatin: String = "", nameArabic: String = "", role: Role,
                office: OfficeCode? = nil, region: RegionCode? = nil,
                purposes: [PartnerPurpose] = [], issuedAtSeconds: UInt64, expiresAtSeconds: UInt64) {
        self.tokenID = tokenID
        self.subject = subject
        self.nameLatin = nameLatin
        self.nameArabic = nameArabic
        self.role = role
        self.office = office
        self.region = region
        self.purposes = purposes
        self.issuedAtSeconds = issuedAtSeconds
        self.expiresAtSeconds = expiresAtSeconds
    }

    /// The officer reference that signs what the holder draws up.
    public var officer: OfficerRef {
        OfficerRef(identifier: subject, nameArabic: nameArabic.isEmpty ? subject : nameArabic, nameLatin: nameLatin.isEmpty ? subject : nameLatin)
    }

    /// Every problem that makes the claims unusable for their role, in one pass.
    public func problems() -> [String] {
        var problems: [String] = []
        if subject.isEmpty || subject.utf8.count > AccessTokenLimits.subjectBytesMax {
            problems.append("subject must be 1 to \(AccessTokenLimits.subjectBytesMax) bytes")
        }
        if nameLatin.utf8.count > AccessTokenLimits.subjectBytesMax || nameArabic.utf8.count > AccessTokenLimits.subjectBytesMax {
            problems.append("names are at most \(AccessTokenLimits.subjectBytesMax) bytes")
        }
        if expiresAtSeconds <= issuedAtSeconds { problems.append("the token expires before it is issued") }
        if expiresAtSeconds - min(expiresAtSeconds, issuedAtSeconds) > AccessTokenLimits.lifetimeSecondsMax {
            problems.append("a token lives at most \(AccessTokenLimits.lifetimeSecondsMax / 86_400) days")
        }
        switch role {
        case .officer where office == nil: problems.append("an officer's token names the office")
        case .registrar where region == nil: problems.append("a registrar's token names the region")
        case .partner where purposes.isEmpty: problems.append("a partner's token grants at least one purpose")
        default: break
        }
        if role != .partner && !purposes.isEmpty { problems.append("only a partner's token carries purposes") }
        return problems
    }
}

extension AccessClaims: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(tokenID)
        writer.write(subject)
        writer.write(nameLatin)
        writer.write(nameArabic)
        role.encode(to: &writer)
        writer.writeOptional(office) { $1.encode(to: &$0) }
        writer.writeOptional(region) { $0.write($1.rawValue) }
        writer.writeArray(purposes) { $1.encode(to: &$0) }
        writer.write(issuedAtSeconds)
        writer.write(expiresAtSeconds)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        tokenID = try reader.readString(maxBytes: AccessTokenLimits.subjectBytesMax)
        subject = try reader.readString(maxBytes: AccessTokenLimits.subjectBytesMax)
        nameLatin = try reader.readString(maxBytes: AccessTokenLimits.subjectBytesMax)
        nameArabic = try reader.readString(maxBytes: AccessTokenLimits.subjectBytesMax)
        role = try Role(from: &reader)
        office = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try OfficeCode(from: &r) }
        region = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in RegionCode(try r.readUInt8()) }
        purposes = try reader.readArray(maxCount: PartnerPurpose.allCases.count) { (r: inout ByteReader) throws(CodecError) in
            try PartnerPurpose(from: &r)
        }
        issuedAtSeconds = try reader.readUInt64()
        expiresAtSeconds = try reader.readUInt64()
    }
}
