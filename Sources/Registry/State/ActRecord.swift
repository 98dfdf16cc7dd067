/// An act together with its marginal mentions, in order.
public struct ActRecord: Hashable, Sendable, Codable {
    /// The act as drawn up.
    public var act: Act
    /// Its mentions, by sequence.
    public var mentions: [MarginalMention]

    /// Creates a record.
    public init(act: Act, mentions: [MarginalMention]) {
        self.act = act
        self.mentions = mentions
    }
}
