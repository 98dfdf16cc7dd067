import Hummingbird

/// Requires the operators' admin token (`AdminToken`) on every request that changes the
/// cluster: any method but GET and HEAD under `/v1/cluster/` and `/v1/admin/`. Reads of the
/// status, topology and registers stay open to monitoring. Without a configured token (a
/// cluster made before tokens existed) the routes stay open, as before, and must be reachable
/// only from the operators' network.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let expectedDigest: [UInt8]?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expectedDigest, Self.isAdministrative(request) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return APIError(.unauthorized, "admin_token_required",
                            "this administrative request needs the operators' token: Authorization: Bearer <certs/admin.token>",
                            field: "Authorization").response()
        }
        guard AdminToken.matches(String(header.dropFirst("Bearer ".count)), expected: expectedDigest) else {
            return APIError(.forbidden, "admin_token_invalid", "the admin token is not this cluster's", field: "Authorization").response()
        }
        return try await next(request, context)
    }

    static func isAdministrative(_ request: Request) -> Bool {
        guard request.method != .get && request.method != .head else { return false }
        let path = request.uri.path
        return path.hasPrefix("/v1/cluster/") || path.hasPrefix("/v1/admin/")
    }
}
