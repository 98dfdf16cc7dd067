import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// Turns every error thrown by a route into the API's JSON error shape, with a stable code.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as ResponseError {
            return error.response
        } catch let error as any HTTPResponseError {
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            case .contentTooLarge: code = "body_too_large"
            case .badRequest: code = "bad_request"
            default: code = "http_\(error.status.code)"
            }
            let message = (error as? HTTPError)?.body ?? "\(error.status.reasonPhrase)"
            return APIError(error.status, code, message).response()
        } catch {
            context.logger.error("unexpected error: \(error)")
            return APIError(.internalServerError, "internal_error", "\(error)").response()
        }
    }
}

/// Refuses requests beyond `APILimits.requestsInFlightMax` being served at once (503
/// `overloaded`), except the health and metrics endpoints that monitoring needs most when the
/// node is busy.
struct InFlightLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let counter: InFlightCounter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path == "/metrics" { return try await next(request, context) }
        guard counter.enter() else {
            return APIError(.serviceUnavailable, "overloaded",
                            "\(counter.limit) requests are being served by this node; retry later",
                            retryAfterSeconds: APIError.retryAfterSeconds).response()
        }
        defer { counter.leave() }
        return try await next(request, context)
    }
}

/// Counts requests in flight under a limit.
public final class InFlightCounter: Sendable {
    /// Most requests at once.
    public let limit: Int
    private let current = NIOLockedValueBox(0)

    /// Creates a value from its parts.
    public init(limit: Int) {
        precondition(limit > 0, "a positive limit")
        self.limit = limit
    }

    /// Takes a slot; false when all are taken.
    public func enter() -> Bool {
        current.withLockedValue { value in
            guard value < limit else { return false }
            value += 1
            return true
        }
    }

    /// Releases a slot.
    public func leave() {
        current.withLockedValue { value in
            precondition(value > 0, "leave without enter")
            value -= 1
        }
    }

    /// Requests being served.
    public var inFlight: Int { current.withLockedValue { $0 } }
}
