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
        var addresses = self.addresses
        for attempt in 0..<Self.attemptsMax {
            let address = addresses[attempt % addresses.count]
            do {
                let response = try await http.send("POST", address, path,
                                                   headers: [("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey)] + extraHeaders, body: body)
                // The act's region is held by other nodes: the same request goes there.
                if response.status == 421, let others = Self.regionNodes(response), !others.isEmpty, others != addresses {
                    addresses = others
                    lastError = HTTPSClient.Failure(description: "HTTP 421 from \(address): \(response.text)")
                    continue
                }
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

    /// The nodes a 421 `other_region` answer names.
    static func regionNodes(_ response: HTTPSClient.Response) -> [String]? {
        response.header("Sijil-Region-Nodes").map { $0.split(separator: ",").map(String.init) }
    }

    /// GETs `path` from the first node that answers (from the act's region's nodes when the
    /// first one answers that it holds another region).
    public func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPSClient.Response {
        var lastError: (any Error)?
        for address in addresses {
            do {
                let response = try await http.send("GET", address, path, headers: headers)
                guard response.status == 421, let others = Self.regionNodes(response) else { return response }
                for other in others {
                    if let answer = try? await http.send("GET", other, path, headers: headers) { return answer }
                }
                return response
            } catch { lastError = error }
        }
        throw lastError ?? HTTPSClient.Failure(description: "no node")
    }
}
