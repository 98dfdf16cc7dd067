import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Registry
import Services

/// Authenticates callers by their signed token and asks `AccessPolicy` about every action.
/// The token comes in `Authorization: Bearer <token>` (API clients) or in the `sijil_token`
/// cookie (the console). Nodes hold only the public key of the cluster's token key (from
/// `topology.toml`): without it, every authenticated route is refused.
public struct AccessControl: Sendable {
    /// The cookie the console keeps the token in.
    public static let cookieName = "sijil_token"
    /// The raw bytes of the cluster's token verification key, if configured (kept as bytes:
    /// the key type is not `Sendable`).
    let publicKeyBytes: [UInt8]?
    let now: @Sendable () -> Date
    /// Claims of tokens whose signature this node verified: an Ed25519 verification per
    /// request was a tenth of a registration's CPU. Times are checked at every request.
    let verified = VerifiedTokens()
    /// Tokens refused before they expire, checked at every request.
    let revocations: TokenRevocations

    /// Creates access control over a verification key.
    public init(publicKey: Curve25519.Signing.PublicKey?, revocations: TokenRevocations = TokenRevocations(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.publicKeyBytes = publicKey.map { Array($0.rawRepresentation) }
        self.revocations = revocations
        self.now = now
    }

    /// Access control with the key published in a topology, and its revocations (`revocations`
    /// when given: a running node's, renewed with each version it takes).
    public init(topology: ClusterTopology, revocations: TokenRevocations? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        let key = topology.tokenPublicKey.flatMap { Data(base64Encoded: $0) }.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
        self.init(publicKey: key, revocations: revocations ?? TokenRevocations(topology.revokedTokens ?? []), now: now)
    }

    /// The token a request carries, if any.
    public static func token(of request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        guard let cookies = request.headers[.cookie] else { return nil }
        for part in cookies.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(cookieName + "=") { return String(pair.dropFirst(cookieName.count + 1)) }
        }
        return nil
    }

    /// Checks a token at the node's clock.
    public func check(_ token: String) -> Result<AccessClaims, TokenProblem> {
        guard let publicKeyBytes, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes) else {
            return .failure(.malformed("this cluster has no token key (tokenPublicKey in topology.toml)"))
        }
        let nowSeconds = UInt64(max(0, now().timeIntervalSince1970))
        let result: Result<AccessClaims, TokenProblem>
        if let claims = verified.claims(of: token) {
            result = AccessToken.validity(of: claims, nowSeconds: nowSeconds)
        } else {
            result = AccessToken.check(token, publicKey: publicKey, nowSeconds: nowSeconds)
            if case .success(let claims) = result { verified.keep(claims, of: token) }
        }
        if case .success(let claims) = result, let reason = revocations.reason(revoking: claims) { return .failure(.revoked(reason: reason)) }
        return result
    }

    /// The caller's verified claims; 401 without a valid token.
    public func authenticate(_ request: Request) throws(APIError) -> AccessClaims {
        guard let token = Self.token(of: request) else { throw APIError(problem: .missing) }
        switch check(token) {
        case .success(let claims): return claims
        case .failure(let problem): throw APIError(problem: problem)
        }
    }

    /// The caller's claims when a token is sent (a citizen sends none); 401 for a bad token.
    public func optionalCaller(_ request: Request) throws(APIError) -> AccessClaims? {
        guard Self.token(of: request) != nil else { return nil }
        return try authenticate(request)
    }

    /// Authenticates the caller and asks the policy; 401 or 403 when refused.
    @discardableResult
    public func require(_ request: Request, _ action: AccessAction) throws(APIError) -> AccessClaims {
        let claims = try authenticate(request)
        try Self.allow(claims, action)
        return claims
    }

    /// Asks the policy for an authenticated caller; 403 when refused.
    public static func allow(_ claims: AccessClaims, _ action: AccessAction) throws(APIError) {
        if case .deny(let denial) = AccessPolicy.decide(claims, action) { throw APIError(denial: denial) }
    }
}

extension APIError {
    /// 401 for a refused token.
    public init(problem: TokenProblem) {
        self.init(.unauthorized, problem.code, problem.description, field: "Authorization")
    }

    /// 403 for a refused action.
    public init(denial: AccessDenial) {
        self.init(.forbidden, denial.code, denial.description, field: denial.field)
    }
}

/// Refuses, with 401, every `/v1/` request without a valid token except the public ones (the
/// citizens' e-window, declarations, copy verification). Deny by default: a route added later
/// is protected until it is listed here. Routes then ask `AccessPolicy` for their action.
/// `/healthz` and `/metrics` are open for monitoring, and the console's pages check the
/// cookie themselves (they redirect to the login page instead of answering 401).
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: AccessControl

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if PublicPaths.isPublic(request.uri.path) { return try await next(request, context) }
        do {
            _ = try access.authenticate(request)
        } catch {
            var response = error.response()
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}

/// The API paths open without a token: the citizens' e-window, declarations (a health
/// facility's token is checked by the route when sent) and copy verification. Everything else
/// under `/v1/` needs a token.
enum PublicPaths {
    /// Open prefixes.
    static let prefixes = ["/v1/e-window/", "/v1/declarations", "/v1/copies/verify", "/v1/copies/by-code/"]

    static func isPublic(_ path: String) -> Bool {
        guard path.hasPrefix("/v1/") else { return true }
        return prefixes.contains { prefix in
            path == prefix || path.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/")
        }
    }
}
