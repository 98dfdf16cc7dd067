import Foundation
import Registry

/// Sends registry writes with the API's retry contract: a fresh `Idempotency-Key` per request,
/// the same key and the same body (hence the same `recordedAt`) on every retry, retries only on
/// answers that say the write may be retried (503) or on a node that does not answer, trying
/// the next node when one is down.
public struct RegistryClient: Sendable {
    /// The client that sends the requests.
    public let http: HTTPSClient
    /// Node HTTP addresses, tried in order.
    public let addresses: [String]
    /// Attempts per write. With a one-second `Retry-After`, 30 attempts ride out a leader
    /// election and a node restart without hanging a CLI for minutes.
    public static let attemptsMax = 30

    /// Creates a value from its parts.
    public init(http: HTTPSClient, addresses: [String]) {
        precondition(!addresses.isEmpty, "at least one node")
        self.http = http
        self.addresses = addresses
    }

    /// A new random request id, as 32 hex digits.
    public static func newIdempotencyKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return RequestID(high: generator.next(), low: generator.next()).description
    }

    /// POSTs `body` to `path` until a final answer (anything but 503 or no answer), with
    /// `idempotencyKey` on every attempt. Returns the final response; throws when every
    /// attempt failed to reach a node.
    public func write(path: String, body: [UInt8], idempotencyKey: String = newIdempotencyKey(), extraHeaders: [(String, String)] = []) async throws -> HTTPSClient.Response {
        var lastError: (any Error)?
        for attempt in 0..<Self.attemptsMax {
            let address = addresses[attempt % addresses.count]
            do {
                let response = try await http.send("POST", address, path,
                                                   headers: [("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey)] + extraHeaders, body: body)
                guard response.status == 503 else { return response }
                lastError = HTTPSClient.Failure(description: "HTTP 503 from \(address): \(response.text)")
                let seconds = response.header("Retry-After").flatMap(Int.init) ?? 1
                try await Task.sleep(for: .milliseconds(min(seconds, 5) * 1_000))
            } catch let error as CancellationError {
                throw error
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw HTTPSClient.Failure(description: "no final answer after \(Self.attemptsMax) attempts: \(lastError.map { "\($0)" } ?? "")")
    }

    /// GETs `path` from the first node that answers.
    public func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPSClient.Response {
        var lastError: (any Error)?
        for address in addresses {
            do { return try await http.send("GET", address, path, headers: headers) } catch { lastError = error }
        }
        throw lastError ?? HTTPSClient.Failure(description: "no node")
    }
}
