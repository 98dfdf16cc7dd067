/// One entry read from the database.
public struct KeyValue: Sendable, Hashable {
    /// The key.
    public var key: [UInt8]
    /// The value; empty when an empty value was stored.
    public var value: [UInt8]

    /// An entry.
    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}
