import Foundation
import HTTPTypes
import Hummingbird
import Registry
import Services

/// The web console (server-rendered, Arabic right to left and French): citizens' pages
/// (declare, order, pay, follow, verify), officers' pages (queues, registration, mentions,
/// counter copies), the operator's live dashboard and the vital statistics. Every page calls the
/// same desks and the same access policy as the API.
struct ConsoleRoutes: Sendable {
    let runtime: NodeRuntime
    let access: AccessControl
    let eWindow: EWindowDesk
    let declarations: DeclarationDesk
    let gateway: RegistryGateway
    let keyring: NodeKeyring
    let audit: AuditTrail
    let now: @Sendable () -> Date

    func add(to router: Router<BasicRequestContext>) {
        router.get("/console") { _, _ in ConsolePage.redirect("/console/fr") }
        router.get("/console/:lang") { request, context in try page(request, context) { lang, caller in home(lang, caller) } }
        router.get("/console/:lang/login") { request, context in try page(request, context) { lang, _ in loginForm(lang, error: nil) } }
        router.post("/console/:lang/login") { request, context in try await login(request, context) }
        router.post("/console/:lang/logout") { _, context in
            ConsolePage.redirect("/console/\(try Self.lang(context).rawValue)",
                                 headers: [.setCookie: "\(AccessControl.cookieName)=; Path=/console; Max-Age=0; HttpOnly; Secure; SameSite=Strict"])
        }
        let citizen = ConsoleCitizenPages(eWindow: eWindow, declarations: declarations)
        citizen.add(to: router, routes: self)
        ConsoleStaffPages(routes: self).add(to: router)
    }

    static func lang(_ context: BasicRequestContext) throws(APIError) -> ConsoleLanguage {
        guard let lang = context.parameters.get("lang").flatMap(ConsoleLanguage.init(rawValue:)) else {
            throw APIError(.notFound, "not_found", "the console speaks ar and fr")
        }
        return lang
    }

    /// The signed-in staff member, if the cookie holds a valid token.
    func caller(_ request: Request) -> AccessClaims? {
        guard let token = AccessControl.token(of: request), case .success(let claims) = access.check(token) else { return nil }
        return claims
    }

    /// Renders a page built without awaiting.
    func page(_ request: Request, _ context: BasicRequestContext, _ build: (ConsoleLanguage, AccessClaims?) -> (String, String)) throws -> Response {
        let lang = try Self.lang(context)
        let caller = caller(request)
        let (title, body) = build(lang, caller)
        return ConsolePage.response(ConsolePage.render(lang, title: title, body: body, signedIn: caller?.subject))
    }

    /// Renders a page, turning an `APIError` into an error box on the page.
    func page(_ request: Request, _ context: BasicRequestContext, title: String, refreshSeconds: Int? = nil,
              _ build: (ConsoleLanguage, AccessClaims?) async throws(APIError) -> String) async throws -> Response {
        let lang = try Self.lang(context)
        let caller = caller(request)
        let body: String
        var status: HTTPResponse.Status = .ok
        do { body = try await build(lang, caller) } catch {
            body = ConsolePage.error(lang, error)
            status = error.status
        }
        return ConsolePage.response(ConsolePage.render(lang, title: lang(title), body: body, refreshSeconds: refreshSeconds, signedIn: caller?.subject),
                                    status: status)
    }

    func home(_ lang: ConsoleLanguage, _ caller: AccessClaims?) -> (String, String) {
        let l = lang.rawValue
        let citizen = ["declare", "request_copy", "track", "verify"].map { "<li><a href=\"/console/\(l)/\($0.replacingOccurrences(of: "_", with: "-"))\">\(lang($0))</a></li>" }
        var staff = ["<li><a href=\"/console/\(l)/login\">\(lang("login"))</a></li>",
                     "<li><a href=\"/console/\(l)/officer\">\(lang("officer_desk"))</a></li>",
                     "<li><a href=\"/console/\(l)/dashboard\">\(lang("dashboard"))</a></li>",
                     "<li><a href=\"/console/\(l)/statistics\">\(lang("statistics"))</a></li>"]
        if caller == nil { staff.remove(at: 1) }
        return (lang("title"), "<section class=\"card\"><h2>\(lang("citizens"))</h2><ul>\(citizen.joined())</ul></section>"
                + "<section class=\"card\"><h2>\(lang("staff"))</h2><ul>\(staff.joined())</ul></section>")
    }

    func loginForm(_ lang: ConsoleLanguage, error: String?) -> (String, String) {
        let problem = error.map { "<p class=\"bad\" role=\"alert\">\(ConsolePage.escape($0))</p>" } ?? ""
        return (lang("login"), """
            \(problem)<form class="card" method="post" action="/console/\(lang.rawValue)/login">
            <label for="token">\(lang("token"))</label><textarea id="token" name="token" rows="4" cols="60" required></textarea>
            <button type="submit">\(lang("sign_in"))</button></form>
            """)
    }

    /// Checks the token and keeps it in a cookie (HttpOnly, Secure, SameSite=Strict, for the
    /// token's lifetime at most).
    func login(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let lang = try Self.lang(context)
        let form = try await FormData.read(request)
        let token = form["token"]
        switch access.check(token) {
        case .failure(let problem):
            let (title, body) = loginForm(lang, error: "\(problem.code): \(problem)")
            return ConsolePage.response(ConsolePage.render(lang, title: title, body: body), status: .unauthorized)
        case .success(let claims):
            let seconds = max(0, Int(claims.expiresAtSeconds) - Int(now().timeIntervalSince1970))
            let landing: String
            switch claims.role {
            case .officer, .registrar: landing = "officer"
            case .operator, .auditor: landing = "dashboard"
            case .partner: landing = ""
            }
            return ConsolePage.redirect("/console/\(lang.rawValue)/\(landing)", headers: [
                .setCookie: "\(AccessControl.cookieName)=\(token); Path=/console; Max-Age=\(seconds); HttpOnly; Secure; SameSite=Strict"])
        }
    }
}
