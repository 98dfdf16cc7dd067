import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// The node's record of every read of personal data (DESIGN §2): who (`Sijil-Actor`), for which
/// purpose (`Sijil-Purpose`), what, and when. One JSON object per line in `audit.log` of the
/// node's data directory, appended and flushed before the answer leaves.
///
/// Known limit: the log is per node and not replicated; shipping it to the centre is the
/// operator's log collection's job (docs/OPERATIONS.md).
public final class AuditLog: Sendable {
    private let handle: NIOLockedValueBox<FileHandle>
    private let node: UInt64

    /// Longest actor or purpose kept, in characters: a name and a case number, not a document.
    static let fieldCharactersMax = 200

    /// Creates a value from its parts.
    public init(path: String, node: UInt64) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw NodeConfiguration.Problem(description: "\(path): cannot open the audit log for writing")
        }
        handle.seekToEndOfFile()
        self.handle = NIOLockedValueBox(handle)
        self.node = node
    }

    private struct Line: Encodable {
        var time: String
        var node: UInt64
        var actor: String
        var purpose: String
        var action: String
        var subject: String
    }

    func record(_ request: Request, action: String, subject: String) {
        let actor = String((request.headers[.actor] ?? "anonymous").prefix(Self.fieldCharactersMax))
        let purpose = String((request.headers[.purpose] ?? "unspecified").prefix(Self.fieldCharactersMax))
        let line = Line(time: ISO8601DateFormatter().string(from: Date()), node: node, actor: actor, purpose: purpose, action: action, subject: subject)
        guard var data = try? JSONEncoder().encode(line) else { return }
        data.append(0x0A)
        handle.withLockedValue { $0.write(data) }
    }

    /// Closes the log file.
    public func close() {
        handle.withLockedValue { try? $0.close() }
    }
}
