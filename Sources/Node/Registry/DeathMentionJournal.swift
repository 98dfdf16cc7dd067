import Foundation
import NodeCore
import Registry

/// The centre's record of the death mentions its relay still has to write, so that a stop of
/// the node, clean or not, loses none of them (docs/REGISTRY.md §1).
///
/// A file of lines, each one record sealed with a CRC-32C (`SealedRecord`) and written in
/// base64: a mention *queued* (its request and when it was first queued), or a mention *done*
/// (written, refused or given up, by its request id). What was queued and not done is what the
/// relay still has to propose. A queued record is synced before the relay proposes it; a done
/// record is not (losing one only means proposing the mention again, which writes nothing new).
/// A damaged line, such as one torn by a power cut, is reported and skipped: a damaged record is
/// never proposed, and the mention it held is left to `sijil cluster death-mentions`.
///
/// `@unchecked Sendable`: not thread-safe; the relay uses it only under its lock.
final class DeathMentionJournal: @unchecked Sendable {
    /// A mention read back from the journal.
    struct Entry: Equatable {
        var request: RegistryRequest
        var queuedAt: Date
    }

    /// What `open` found in the file.
    struct Contents {
        /// Mentions queued and not done, in the order they were queued.
        var pending: [Entry] = []
        /// Descriptions of the lines that could not be read (line number and why).
        var damaged: [String] = []
    }

    enum Failure: Error, CustomStringConvertible {
        case io(String, String)
        var description: String {
            switch self {
            case .io(let path, let reason): "\(path): \(reason)"
            }
        }
    }

    private static let queuedTag: UInt8 = 1
    private static let doneTag: UInt8 = 2

    let path: String
    private var descriptor: Int32 = -1
    /// Records in the file, and how many of them are queued mentions not done yet.
    private var records = 0
    private var live = 0

    /// The journal at `path`; nothing is read or written yet.
    init(path: String) {
        self.path = path
    }

    /// What the file holds (nothing when there is no file yet).
    func read() -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { return Contents() }
        return Self.read(data)
    }

    /// Records `entries` as queued, synced to disk.
    func recordQueued(_ entries: [Entry]) throws(Failure) {
        guard !entries.isEmpty else { return }
        try append(entries.map(Self.queuedLine), sync: true)
        live += entries.count
    }

    /// Records the mention of `request` as done; true when the file is mostly records no longer
    /// needed, and the caller should `compact` it.
    func recordDone(_ request: RequestID) throws(Failure) -> Bool {
        try append([Self.doneLine(request)], sync: false)
        live = max(0, live - 1)
        return records > Self.compactionRecordsMin && live * 4 < records
    }

    /// Records in the file before a mostly done file is rewritten.
    static let compactionRecordsMin = 1_024

    func close() {
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }

    // MARK: - Lines

    static func queuedLine(_ entry: Entry) -> String {
        var writer = ByteWriter()
        writer.write(queuedTag)
        writer.write(UInt64(max(0, entry.queuedAt.timeIntervalSince1970 * 1000)))
        entry.request.encode(to: &writer)
        return Data(SealedRecord.seal(writer.bytes)).base64EncodedString()
    }

    static func doneLine(_ request: RequestID) -> String {
        var writer = ByteWriter()
        writer.write(doneTag)
        writer.writeRaw(request.bytes)
        return Data(SealedRecord.seal(writer.bytes)).base64EncodedString()
    }

    /// The pending mentions of a journal's bytes, and the lines that could not be read.
    static func read(_ data: Data) -> Contents {
        var queued: [(id: RequestID, entry: Entry)] = []
        var done = Set<RequestID>()
        var damaged: [String] = []
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated() where !line.isEmpty {
            let number = offset + 1
            guard let sealed = Data(base64Encoded: Data(line)), let payload = SealedRecord.open(Array(sealed)) else {
                damaged.append("line \(number): damaged (checksum or encoding)")
                continue
            }
            var reader = ByteReader(payload)
            do {
                switch try reader.readUInt8() {
                case queuedTag:
                    let milliseconds = try reader.readUInt64()
                    let request = try RegistryRequest(from: &reader)
                    guard reader.remaining == 0 else { damaged.append("line \(number): trailing bytes"); continue }
                    queued.append((request.requestID, Entry(request: request, queuedAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))))
                case doneTag:
                    let bytes = try reader.readRaw(RequestID.byteCount)
                    guard reader.remaining == 0, let id = RequestID(bytes: bytes) else { damaged.append("line \(number): trailing bytes"); continue }
                    done.insert(id)
                case let tag:
                    damaged.append("line \(number): unknown record \(tag)")
                }
            } catch {
                damaged.append("line \(number): \(error)")
            }
        }
        // The same mention queued twice (its death act applied again after a stop) is proposed once.
        var seen = Set<RegistryRequest>()
        let pending = queued.filter { !done.contains($0.id) && seen.insert($0.entry.request).inserted }.map(\.entry)
        return Contents(pending: pending, damaged: damaged)
    }

    // MARK: - File

    private func append(_ lines: [String], sync: Bool) throws(Failure) {
        if descriptor < 0 {
            descriptor = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw .io(path, "cannot open: \(String(cString: strerror(errno)))") }
        }
        let bytes = Array(lines.joined(separator: "\n").utf8) + [UInt8(ascii: "\n")]
        try Self.writeAll(bytes, to: descriptor, path: path)
        if sync, fdatasync(descriptor) != 0 { throw .io(path, "cannot sync: \(String(cString: strerror(errno)))") }
        records += lines.count
    }

    /// Replaces the file, atomically, with one holding `pending` alone.
    func compact(_ pending: [Entry]) throws(Failure) {
        close()
        let lines = pending.map(Self.queuedLine)
        do throws(DurableFile.Failure) {
            try DurableFile.replace(path, with: lines.isEmpty ? [] : Array((lines.joined(separator: "\n") + "\n").utf8))
        } catch {
            throw .io(error.path, error.reason)
        }
        records = pending.count
        live = pending.count
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(Failure) {
        do throws(DurableFile.Failure) { try DurableFile.writeAll(bytes, to: fd, path: path) } catch { throw .io(error.path, error.reason) }
    }
}
