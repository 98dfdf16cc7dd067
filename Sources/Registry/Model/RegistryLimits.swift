/// Limits of the register's data. Each is a named constant with the reason for its value;
/// validation turns a breach into a rule violation that names the field.
public enum RegistryLimits {
    /// Longest name part (a given name or a family name in one script), in UTF-8 bytes. Arabic
    /// letters take two bytes; long composed names ("عبد الرحمن بن ...") stay under 120 bytes.
    public static let nameBytesMax = 200
    /// Longest free-text field (a place, a court, a nationality), in UTF-8 bytes.
    public static let textBytesMax = 512
    /// Longest reference (a judgment or deed number, an officer id), in UTF-8 bytes.
    public static let referenceBytesMax = 64
    /// Most marginal mentions on one act. A long life with several marriages, divorces and
    /// rectifications stays under 30; 200 bounds the work of validating against one act.
    public static let mentionsPerActMax = 200
    /// Most commands in one batch (one Raft entry). Bounds the entry size and the apply time
    /// of one entry; the node's batching groups a loop turn's requests, well under this.
    public static let batchCommandsMax = 256
    /// Highest act number in a register (office, year, kind). The busiest arrondissement records
    /// tens of thousands of births a year; six digits also fix the width of the civil digital id.
    public static let actNumberMax: UInt64 = 999_999
    /// Largest encoded command accepted from the log, in bytes (a full batch of large acts).
    public static let commandBytesMax = 1 << 20
    /// Days allowed between a birth or death and its declaration in Morocco (law 37-99, art. 15
    /// for births; the same delay applies to deaths). Later declarations need a judgment.
    public static let declarationDelayDays = 30
    /// Days allowed for an event abroad, declared at a consulate (one year).
    public static let declarationDelayAbroadDays = 365
}
