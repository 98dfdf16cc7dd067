import Registry

/// The steps of an e-window copy request, in order. A request only moves forward, one step at
/// a time; every step is a command applied from the log.
public enum CopyRequestStatus: UInt8, NamedByteEnum, CanonicalCodable, Comparable {
    /// Submitted; waiting for payment (also after a declined card).
    case awaitingPayment = 1
    /// A payment attempt is open (sent to the provider, or timed out and to be retried).
    case paymentPending = 2
    /// Paid; queued at the office of the place of birth.
    case paid = 3
    /// The copy is issued and signed.
    case issued = 4
    /// Sent by registered mail, with its tracking number.
    case dispatched = 5
    /// Delivered to the addressee.
    case delivered = 6

    /// The JSON spelling.
    public var name: String {
        switch self {
        case .awaitingPayment: "awaitingPayment"
        case .paymentPending: "paymentPending"
        case .paid: "paid"
        case .issued: "issued"
        case .dispatched: "dispatched"
        case .delivered: "delivered"
        }
    }

    /// Orders by step.
    public static func < (lhs: CopyRequestStatus, rhs: CopyRequestStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}
