/// The e-window's tariff, in centimes of a dirham.
///
/// The programme announces copies "from 20 MAD" paid online; the exact tariff is set by the
/// communes' fiscal decisions. These figures are the project's working assumption, to be
/// replaced by the published tariff: 20 MAD per copy, registered mail in Morocco included,
/// 30 MAD of registered mail for an address abroad.
public enum CopyFees {
    /// One copy (extract or full copy): 20 MAD.
    public static let perCopyCentimes: UInt64 = 2_000
    /// Registered mail to an address abroad: 30 MAD per request.
    public static let abroadPostageCentimes: UInt64 = 3_000
    /// Most copies in one request: a family file needs a few; more is a bulk order for the counter.
    public static let copiesMax: UInt8 = 10

    /// The fee of a request.
    public static func fee(copies: UInt8, abroad: Bool) -> UInt64 {
        precondition(copies >= 1 && copies <= copiesMax, "copies checked before the fee")
        return UInt64(copies) * perCopyCentimes + (abroad ? abroadPostageCentimes : 0)
    }
}
