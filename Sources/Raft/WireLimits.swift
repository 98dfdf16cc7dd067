/// Bounds applied when decoding Raft values from untrusted bytes.
public enum WireLimits {
    /// Largest entry payload accepted: a batch of acts of a bulk import fits well inside, and it
    /// stays far below the transport's frame limit.
    public static let entryDataBytesMax = 8 << 20
    /// Entries in one append message. A leader sends at most `RaftConfig.entriesPerMessageMax`
    /// (512 by default); the decoder allows headroom for other settings.
    public static let entriesPerMessageMax = 16_384
    /// Members in one configuration: a shard group has a handful; 64 is generous.
    public static let membersMax = 64
    /// Operations in one membership change.
    public static let membershipOpsMax = 64
    /// Reads confirmed by one ReadIndex request.
    public static let readIDsPerMessageMax = 65_536
}
