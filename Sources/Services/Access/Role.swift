import Registry

/// Who a token holder is, for the access policy. One role per token.
public enum Role: UInt8, NamedByteEnum, CanonicalCodable {
    /// A civil-status officer (ضابط الحالة المدنية, officier de l'état civil) or clerk, bound to
    /// one office: registers acts and mentions, reviews declarations, issues copies, works the
    /// e-window queue of that office only.
    case officer = 1
    /// A regional registrar who supervises the offices of one region: everything an officer may
    /// do, in any office of that region.
    case registrar = 2
    /// A partner administration (pension fund, health facility, ...): only purpose-tagged
    /// queries, each purpose granted in its token.
    case partner = 3
    /// An auditor at the national centre: the audit log, register integrity, statistics; no
    /// personal data.
    case auditor = 4
    /// A cluster operator: cluster status and administration, statistics, and the
    /// digitisation import (sends keyed records, reads no act back); no personal data is read.
    case `operator` = 5

    /// The JSON and CLI spelling.
    public var name: String {
        switch self {
        case .officer: "officer"
        case .registrar: "registrar"
        case .partner: "partner"
        case .auditor: "auditor"
        case .operator: "operator"
        }
    }
}
