import NIOConcurrencyHelpers
import Services

/// A payment provider for development and tests, deciding by card number:
///
/// | card | answer |
/// | --- | --- |
/// | `4000000000000002` | declined ("insufficient funds") |
/// | `4000000000000119` | the first call captures the amount but answers `.timedOut`; a retry with the same key answers `.authorised` with that capture |
/// | `4000000000000127` | always `.timedOut`, never captures |
/// | any other 16 digits | authorised |
/// | anything else | declined ("invalid card number") |
///
/// Idempotent by key, like a real provider: a repeated key returns the first outcome and
/// captures nothing more. `captures(key:)` lets a test check that nothing was charged twice.
/// Its memory is the process's: a restarted node forgets its charges (a real provider does not).
public final class LocalPaymentProvider: PaymentProvider {
    /// Declined.
    public static let declinedCard = "4000000000000002"
    /// Captured, but the answer is lost once.
    public static let timeoutThenAuthorisedCard = "4000000000000119"
    /// Never answers in time.
    public static let alwaysTimeoutCard = "4000000000000127"
    /// Authorised.
    public static let goodCard = "4242424242424242"

    private struct Ledger {
        var outcomes: [String: PaymentResult] = [:]
        var captures: [String: Int] = [:]
        var amounts: [String: UInt64] = [:]
        var sequence: UInt64 = 0
    }
    private let ledger = NIOLockedValueBox(Ledger())

    /// Creates an empty provider.
    public init() {}

    /// Charges, deciding by card number; idempotent by key.
    public func charge(_ charge: PaymentCharge) async -> PaymentResult {
        ledger.withLockedValue { ledger in
            if let settled = ledger.outcomes[charge.key] { return settled }
            let digits = charge.cardNumber.filter { $0 != " " }
            guard digits.count == 16, digits.allSatisfy(\.isNumber) else { return .declined(reason: "invalid card number") }
            switch digits {
            case Self.declinedCard:
                ledger.outcomes[charge.key] = .declined(reason: "insufficient funds")
                return .declined(reason: "insufficient funds")
            case Self.alwaysTimeoutCard:
                return .timedOut
            case Self.timeoutThenAuthorisedCard:
                let result = capture(charge, &ledger)
                ledger.outcomes[charge.key] = result
                return .timedOut
            default:
                let result = capture(charge, &ledger)
                ledger.outcomes[charge.key] = result
                return result
            }
        }
    }

    private func capture(_ charge: PaymentCharge, _ ledger: inout Ledger) -> PaymentResult {
        ledger.sequence += 1
        ledger.captures[charge.key, default: 0] += 1
        ledger.amounts[charge.key] = charge.amountCentimes
        return .authorised(reference: "LOCAL-\(ledger.sequence)")
    }

    /// How many times the amount of `key` was captured (0 or 1 for a correct caller).
    public func captures(key: String) -> Int { ledger.withLockedValue { $0.captures[key] ?? 0 } }

    /// Every capture made, by key.
    public func allCaptures() -> [String: Int] { ledger.withLockedValue { $0.captures } }
}
