import Foundation
import Hummingbird
import NIOCore

/// A submitted HTML form (`application/x-www-form-urlencoded`), under a size limit.
struct FormData: Sendable {
    /// Largest form accepted: the biggest form (a birth act) is under 4 KiB.
    static let bytesMax = 32 << 10

    private(set) var values: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(String(parts[0]))
            values[key] = parts.count > 1 ? Self.decode(String(parts[1])) : ""
        }
    }

    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }

    static func read(_ request: Request) async throws(APIError) -> FormData {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: bytesMax) } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the form exceeds \(bytesMax) bytes", field: "body")
        }
        return FormData(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// A trimmed value ("" when absent).
    subscript(_ key: String) -> String {
        (values[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A value that must be present.
    func required(_ key: String) throws(APIError) -> String {
        let value = self[key]
        guard !value.isEmpty else { throw APIError.badRequest("missing_field", "\(key) is required", field: key) }
        return value
    }
}
