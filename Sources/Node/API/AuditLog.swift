import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import Registry

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

    func record(_ request: Request, action: String, subject: String) {
        let actor = String((request.headers[.actor] ?? "anonymous").prefix(Self.fieldCharactersMax))
        let purpose = String((request.headers[.purpose] ?? "unspecified").prefix(Self.fieldCharactersMax))
        let data = Data(Self.line(time: Date(), node: node, actor: actor, purpose: purpose, action: action, subject: subject).utf8)
        handle.withLockedValue { $0.write(data) }
    }

    /// One line of the log: a JSON object with the keys time, node, actor, purpose, action,
    /// subject, and a newline. Written by hand: every read of an act writes one, and a date
    /// formatter and a JSON encoder per line cost more than serving the read.
    static func line(time: Date, node: UInt64, actor: String, purpose: String, action: String, subject: String) -> String {
        "{\"time\":\"\(isoSeconds(time))\",\"node\":\(node),\"actor\":\(jsonString(actor)),\"purpose\":\(jsonString(purpose)),"
            + "\"action\":\(jsonString(action)),\"subject\":\(jsonString(subject))}\n"
    }

    /// `2026-11-22T10:05:07Z` (UTC, whole seconds).
    static func isoSeconds(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let (days, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, secondOfDay) = second < 0 ? (days - 1, second + 86_400) : (days, second)
        let date = GregorianDate(daysSinceEpoch: day)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date.isoString)T\(two(secondOfDay / 3_600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }

    /// A JSON string literal of `text`: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Closes the log file.
    public func close() {
        handle.withLockedValue { try? $0.close() }
    }
}
