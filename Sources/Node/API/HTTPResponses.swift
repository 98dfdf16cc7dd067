import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON and text responses in the API's one style: UTF-8, sorted keys, `Cache-Control: no-store`
/// (civil-status data must not linger in caches).
enum HTTPResponses {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let data: Data
        do { data = try encoder().encode(value) } catch {
            return text("{\"error\":{\"code\":\"encoding_failed\",\"message\":\"\(error)\"}}", status: .internalServerError, contentType: "application/json")
        }
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension APIError {
    /// The JSON response, with `Retry-After` when a retry makes sense.
    func response() -> Response {
        var headers: HTTPFields = [:]
        if let seconds = retryAfterSeconds { headers[.retryAfter] = "\(seconds)" }
        if !alternates.isEmpty { headers[.regionNodes] = alternates.joined(separator: ",") }
        return HTTPResponses.json(body, status: status, headers: headers)
    }
}

extension HTTPField.Name {
    /// The client's request id (32 hex digits or a UUID); the registry answers a repeated id
    /// with the original outcome.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// The time the node stamped on a write, to resend with a retry.
    static let recordedAt = HTTPField.Name("Sijil-Recorded-At")!
    /// "linearizable", "stale" or "bounded".
    static let consistency = HTTPField.Name("Sijil-Consistency")!
    /// Committed entries the answering replica had not applied (stale reads).
    static let behindCommit = HTTPField.Name("Sijil-Behind-Commit")!
    static let appliedIndex = HTTPField.Name("Sijil-Applied-Index")!
    /// At most how many milliseconds ago the answer was current ("unknown" when the replica
    /// cannot tell).
    static let staleMs = HTTPField.Name("Sijil-Stale-Ms")!
    static let servedBy = HTTPField.Name("Sijil-Node")!
    /// With 421 `other_region`: the nodes that hold the act's region, comma-separated.
    static let regionNodes = HTTPField.Name("Sijil-Region-Nodes")!
    /// Who reads personal data and why (recorded in the node's audit log).
    static let actor = HTTPField.Name("Sijil-Actor")!
    static let purpose = HTTPField.Name("Sijil-Purpose")!
}
