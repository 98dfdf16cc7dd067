/// What is stored under a request id: the digest of the request's canonical bytes (to detect
/// a reused id with a different body) and the original outcome.
struct RequestRecord: Hashable, Sendable, CanonicalCodable {
    var requestDigest: ChainDigest
    var entry: AcceptedEntry

    static let formatVersion: UInt8 = 1

    func encode(to writer: inout ByteWriter) {
        writer.write(Self.formatVersion)
        requestDigest.encode(to: &writer)
        entry.encode(to: &writer)
    }

    init(requestDigest: ChainDigest, entry: AcceptedEntry) {
        self.requestDigest = requestDigest
        self.entry = entry
    }

    init(from reader: inout ByteReader) throws(CodecError) {
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        requestDigest = try ChainDigest(from: &reader)
        entry = try AcceptedEntry(from: &reader)
    }
}
