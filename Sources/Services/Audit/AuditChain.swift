import Crypto
import Registry

/// The audit log of one shard group: append-only, each entry chained to the one before, so that
/// any replica (the centre first) can prove that no entry was altered, removed or slipped in.
///
/// ```
/// head(0) = SHA-256("sijil/audit/genesis/v1")
/// head(n) = SHA-256("sijil/audit/link/v1" ‖ n ‖ head(n−1) ‖ SHA-256(record bytes))
/// ```
public enum AuditChain {
    /// The head of an empty log.
    public static let genesis: [UInt8] = Array(SHA256.hash(data: Array("sijil/audit/genesis/v1".utf8)))

    /// The head after appending the record with canonical bytes `record` at `position` (from 1).
    public static func link(position: UInt64, previous: [UInt8], record: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 96)
        writer.writeRaw(Array("sijil/audit/link/v1".utf8))
        writer.write(position)
        writer.writeRaw(previous)
        writer.writeRaw(Array(SHA256.hash(data: record)))
        return Array(SHA256.hash(data: writer.bytes))
    }

    /// Appends records; returns the position of the first.
    public static func append(_ records: [AuditRecord], into tx: inout Transaction) throws -> UInt64 {
        var state = try ServiceStore.auditState(in: tx)
        let first = state.length + 1
        for record in records {
            let bytes = record.canonicalBytes
            let position = state.length + 1
            let head = link(position: position, previous: state.head, record: bytes)
            tx.put(ServiceKeys.auditEntry(position), AuditEntry(position: position, record: record, head: head).canonicalBytes)
            state = AuditChainState(length: position, head: head)
        }
        tx.put(ServiceKeys.auditState, state.canonicalBytes)
        return first
    }

    /// Recomputes the whole chain from the stored entries and reports the first break.
    /// Reads at most `entriesMax` entries per call of the underlying scan.
    public static func verify(in reader: any KeyValueReader) throws -> AuditVerification {
        let state = try ServiceStore.auditState(in: reader)
        var head = genesis
        var expected: UInt64 = 1
        var cursor = ServiceKeys.auditEntry(1)
        let end = ServiceKeys.auditEntriesEnd
        while true {
            let page = try reader.scan(from: cursor, to: end, limit: ServiceLimits.scanPageMax)
            for (key, value) in page {
                guard let entry = try? AuditEntry.decode(canonical: value) else {
                    return .broken(position: expected, reason: "entry does not decode")
                }
                guard key == ServiceKeys.auditEntry(entry.position), entry.position == expected else {
                    return .broken(position: expected, reason: "entry \(entry.position) found where \(expected) was expected")
                }
                head = link(position: expected, previous: head, record: entry.record.canonicalBytes)
                guard head == entry.head else { return .broken(position: expected, reason: "the record or its link was altered") }
                expected += 1
            }
            guard page.count == ServiceLimits.scanPageMax, let last = page.last else { break }
            cursor = last.key + [0]
        }
        guard expected - 1 == state.length else {
            return .broken(position: expected, reason: "the log holds \(expected - 1) entries, its state says \(state.length)")
        }
        guard head == state.head else { return .broken(position: state.length, reason: "the head does not match the log state") }
        return .intact(length: state.length, head: Hex.encode(head))
    }
}

/// The result of verifying an audit chain.
public enum AuditVerification: Hashable, Sendable, Codable {
    /// Every entry links to the one before and the head matches.
    case intact(length: UInt64, head: String)
    /// The first position at which the chain does not hold, and why.
    case broken(position: UInt64, reason: String)
}

/// The length and head of a group's audit chain.
public struct AuditChainState: Hashable, Sendable, Codable, CanonicalCodable {
    /// Entries appended.
    public var length: UInt64
    /// The head after the last entry.
    public var head: [UInt8]

    /// Creates a state.
    public init(length: UInt64, head: [UInt8]) {
        self.length = length
        self.head = head
    }

    /// Writes length and head.
    public func encode(to writer: inout ByteWriter) {
        writer.write(length)
        writer.writeBytes(head)
    }

    /// Reads length and head.
    public init(from reader: inout ByteReader) throws(CodecError) {
        length = try reader.readUInt64()
        head = try reader.readBytes(maxBytes: 32)
    }
}

/// One stored entry: its position, the record and the chain head after it.
public struct AuditEntry: Hashable, Sendable, Codable, CanonicalCodable {
    /// Position in the group's log, from 1.
    public var position: UInt64
    /// The record.
    public var record: AuditRecord
    /// The chain head after this entry.
    public var head: [UInt8]

    /// Creates an entry.
    public init(position: UInt64, record: AuditRecord, head: [UInt8]) {
        self.position = position
        self.record = record
        self.head = head
    }

    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(position)
        record.encode(to: &writer)
        writer.writeBytes(head)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        position = try reader.readUInt64()
        record = try AuditRecord(from: &reader)
        head = try reader.readBytes(maxBytes: 32)
    }
}
