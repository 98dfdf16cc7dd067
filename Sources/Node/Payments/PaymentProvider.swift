import Services

/// A card charge, as the e-window asks it of the payment provider.
public struct PaymentCharge: Sendable, Equatable {
    /// The idempotency key: the same key for every retry of one attempt (`CopyRequest.paymentKey`).
    public var key: String
    /// The amount, in centimes of a dirham.
    public var amountCentimes: UInt64
    /// The card number (never stored by Sijil: it goes to the provider only).
    public var cardNumber: String
    /// What the citizen sees on their statement.
    public var description: String

    /// Creates a charge.
    public init(key: String, amountCentimes: UInt64, cardNumber: String, description: String) {
        self.key = key
        self.amountCentimes = amountCentimes
        self.cardNumber = cardNumber
        self.description = description
    }
}

/// The payment provider (the interbank card gateway in production). Contract: `charge` is
/// idempotent by `key`: a repeated key is answered with the first answer's outcome and never
/// charges again. A timeout is reported as `.timedOut`; the caller then retries with the same
/// key. Implementations must be safe to call from many requests at once.
public protocol PaymentProvider: Sendable {
    /// Authorises and captures `charge`, or declines it.
    func charge(_ charge: PaymentCharge) async -> PaymentResult
}
