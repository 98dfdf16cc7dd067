import Foundation
import Hummingbird
import Registry
import Services

/// The staff's pages: the officer's desk (queues, registration, mentions, counter copies), the
/// operator's live dashboard and the vital statistics. A page without a valid cookie sends the
/// browser to the login page.
struct ConsoleStaffPages: Sendable {
    let routes: ConsoleRoutes

    var eWindow: EWindowDesk { routes.eWindow }
    var declarations: DeclarationDesk { routes.declarations }

    /// How often the dashboard refreshes itself: live enough to watch a leader change, light
    /// enough for a node serving officers.
    static let dashboardRefreshSeconds = 5

    func signedIn(_ request: Request, _ context: BasicRequestContext) throws -> AccessClaims? {
        routes.caller(request)
    }

    func loginRedirect(_ context: BasicRequestContext) throws -> Response {
        ConsolePage.redirect("/console/\(try ConsoleRoutes.lang(context).rawValue)/login")
    }

    func officeOf(_ caller: AccessClaims, _ request: Request) throws(APIError) -> OfficeCode {
        if let office = caller.office { return office }
        guard let text = request.uri.queryParameters.get("office"), let office = OfficeCode(String(text)) else {
            throw APIError(denial: .officeRequired)
        }
        return office
    }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/console/:lang/officer") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            return try await routes.page(request, context, title: "officer_desk") { lang, _ throws(APIError) in
                try await desk(lang, caller, request)
            }
        }
        router.post("/console/:lang/officer/:action/:reference") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            let form = try await FormData.read(request)
            let lang = try ConsoleRoutes.lang(context)
            do {
                try await act(context.parameters.get("action") ?? "", form: form, caller: caller, request: request, context: context)
                return ConsolePage.redirect("/console/\(lang.rawValue)/officer" + (caller.office == nil ? "?office=\(try EWindowRoutes.reference(context).office)" : ""))
            } catch let error as APIError {
                return try await routes.page(request, context, title: "officer_desk") { lang, _ throws(APIError) in ConsolePage.error(lang, error) }
            }
        }
        router.get("/console/:lang/officer/register-act") { request, context in
            guard try signedIn(request, context) != nil else { return try loginRedirect(context) }
            return try await routes.page(request, context, title: "new_birth_act") { lang, caller throws(APIError) in
                "<form class=\"card\" method=\"post\">" + ConsoleForms.birthFields(lang, office: caller?.office?.description ?? "")
                    + "<button type=\"submit\">\(lang("register_act"))</button></form>"
            }
        }
        router.post("/console/:lang/officer/register-act") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            let form = try await FormData.read(request)
            return try await routes.page(request, context, title: "new_birth_act") { lang, _ throws(APIError) in
                let birth = try ConsoleForms.birth(form)
                try AccessControl.allow(caller, .writeAct(office: birth.office))
                let receipt = try await write(.registerBirth(birth), office: birth.office, caller: caller, request: request, action: "register_birth")
                return "<p class=\"ok\" id=\"outcome\">\(lang("act_registered"))</p><p><code id=\"act\">\(receipt.entry.actID.path)</code></p>"
                    + "<p>\(lang("civil_id")): <code>\(receipt.entry.civilDigitalID?.digits ?? "")</code></p>"
            }
        }
        router.get("/console/:lang/officer/mention") { request, context in
            guard try signedIn(request, context) != nil else { return try loginRedirect(context) }
            return try await routes.page(request, context, title: "add_mention") { lang, _ throws(APIError) in mentionForm(lang) }
        }
        router.post("/console/:lang/officer/mention") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            let form = try await FormData.read(request)
            return try await routes.page(request, context, title: "add_mention") { lang, _ throws(APIError) in
                guard let target = ActID(path: try form.required("act")) else {
                    throw APIError.badRequest("invalid_act_id", "act is office/year/kind/number", field: "act")
                }
                try AccessControl.allow(caller, .writeAct(office: target.register.office))
                let marriage = MarriageMention(
                    spouse: PersonName(givenName: try ConsoleForms.name(form, "spouse_given_ar", "spouse_given_lat"),
                                       familyName: try ConsoleForms.name(form, "spouse_family_ar", "spouse_family_lat")),
                    marriageDate: try ConsoleForms.date(form, "marriage_date"),
                    reference: .adoulDeed(AdoulDeedReference(notarialSection: try form.required("adoul_section"), number: try form.required("deed_number"),
                                                             page: try form.required("deed_page"), date: try ConsoleForms.date(form, "marriage_date"))))
                let receipt = try await write(.appendMention(target: target, body: .marriage(marriage)), office: target.register.office,
                                              caller: caller, request: request, action: "append_mention")
                return "<p class=\"ok\" id=\"outcome\">\(lang("mention_added"))</p><p><code>\(target.path) #\(receipt.entry.mentionSequence ?? 0)</code></p>"
            }
        }
        router.get("/console/:lang/officer/copy") { request, context in
            guard try signedIn(request, context) != nil else { return try loginRedirect(context) }
            return try await routes.page(request, context, title: "counter_copy") { lang, _ throws(APIError) in counterCopyForm(lang) }
        }
        router.post("/console/:lang/officer/copy") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            let form = try await FormData.read(request)
            do {
                return try await counterCopy(form, caller: caller, request: request)
            } catch let error as APIError {
                return try await routes.page(request, context, title: "counter_copy") { lang, _ throws(APIError) in
                    ConsolePage.error(lang, error) + counterCopyForm(lang)
                }
            }
        }
        router.get("/console/:lang/dashboard") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            return try await routes.page(request, context, title: "dashboard", refreshSeconds: Self.dashboardRefreshSeconds) { lang, _ throws(APIError) in
                try AccessControl.allow(caller, .readClusterStatus)
                return await dashboard(lang, token: AccessControl.token(of: request) ?? "")
            }
        }
        router.get("/console/:lang/statistics") { request, context in
            guard let caller = try signedIn(request, context) else { return try loginRedirect(context) }
            return try await routes.page(request, context, title: "statistics") { lang, _ throws(APIError) in
                try AccessControl.allow(caller, .readStatistics)
                return VitalChart.render(lang, rows: try await StatisticsReader(services: eWindow.services).vital())
            }
        }
    }

    func write(_ operation: RegistryOperation, office: OfficeCode, caller: AccessClaims, request: Request, action: String) async throws(APIError) -> WriteReceipt {
        let stamp = Timestamp.minute(of: routes.now())
        let registryRequest = RegistryRequest(requestID: ConsoleCitizenPages.newID(), recordedAt: stamp, officer: caller.officer, operation: operation)
        var record = routes.audit.record(caller, request: request, action: action, subject: "\(office)", purpose: "registration")
        record.at = stamp
        return try await routes.gateway.write(registryRequest, office: office, field: "office", audit: record)
    }

    /// The officer's queues.
    func desk(_ lang: ConsoleLanguage, _ caller: AccessClaims, _ request: Request) async throws(APIError) -> String {
        let office = try officeOf(caller, request)
        let l = lang.rawValue
        let pending = try await declarations.queue(office: office, status: .pending, caller: caller, request: request)
        var html = "<p>\(lang("office")): <strong>\(office)</strong> · <a href=\"/console/\(l)/officer/register-act\">\(lang("new_birth_act"))</a> · "
            + "<a href=\"/console/\(l)/officer/mention\">\(lang("add_mention"))</a> · <a href=\"/console/\(l)/officer/copy\">\(lang("counter_copy"))</a></p>"
        html += "<h2>\(lang("declarations_pending"))</h2>"
        html += pending.isEmpty ? "<p class=\"muted\">\(lang("nothing"))</p>" : "<table id=\"declarations\">" + pending.map { declaration in
            let name: String
            switch declaration.event {
            case .birth(let b): name = lang == .arabic ? b.child.arabicText : b.child.latinText
            case .death(let d): name = lang == .arabic ? d.deceased.arabicText : d.deceased.latinText
            }
            return "<tr><td><code>\(declaration.reference)</code></td><td>\(ConsolePage.escape(name))</td><td>\(declaration.event.eventDate.isoString)</td>"
                + "<td><form class=\"inline\" method=\"post\" action=\"/console/\(l)/officer/register/\(declaration.reference)\"><button>\(lang("register_act"))</button></form>"
                + " <form class=\"inline\" method=\"post\" action=\"/console/\(l)/officer/reject/\(declaration.reference)\"><input name=\"reason\" placeholder=\"\(lang("reason"))\" required><button>\(lang("reject"))</button></form></td></tr>"
        }.joined() + "</table>"
        for (status, title, action) in [(CopyRequestStatus.paid, "requests_paid", "issue"), (.issued, "requests_issued", "dispatch"), (.dispatched, "requests_dispatched", "deliver")] {
            let list = try await eWindow.queue(office: office, status: status, caller: caller, request: request)
            html += "<h2>\(lang(title))</h2>"
            html += list.isEmpty ? "<p class=\"muted\">\(lang("nothing"))</p>" : "<table id=\"requests-\(status.name)\">" + list.map { item in
                let input = action == "dispatch" ? "<input name=\"tracking\" placeholder=\"\(lang("tracking"))\" required>" : ""
                let button = action == "issue" ? lang("issue_copy") : action == "dispatch" ? lang("dispatch") : lang("mark_delivered")
                return "<tr><td><code>\(item.reference)</code></td><td>\(item.act.path)</td><td>\(lang(item.form.name)) · \(lang(item.language.name)) × \(item.copies)</td>"
                    + "<td>\(ConsolePage.escape(item.delivery.city)) (\(ConsolePage.escape(item.delivery.country)))</td>"
                    + "<td><form class=\"inline\" method=\"post\" action=\"/console/\(l)/officer/\(action)/\(item.reference)\">\(input)<button>\(button)</button></form></td></tr>"
            }.joined() + "</table>"
        }
        return html
    }

    /// A queue action from the officer's desk.
    func act(_ action: String, form: FormData, caller: AccessClaims, request: Request, context: BasicRequestContext) async throws {
        let reference = try EWindowRoutes.reference(context)
        switch action {
        case "register": _ = try await declarations.register(reference, judgment: nil, caller: caller, request: request)
        case "reject": _ = try await declarations.reject(reference, reason: form["reason"], caller: caller, request: request)
        case "issue": _ = try await eWindow.issue(reference, caller: caller, request: request)
        case "dispatch": _ = try await eWindow.dispatch(reference, tracking: form["tracking"], caller: caller, request: request)
        case "deliver": _ = try await eWindow.deliver(reference, caller: caller, request: request)
        default: throw APIError(.notFound, "not_found", "no action \(action)")
        }
    }

    func mentionForm(_ lang: ConsoleLanguage) -> String {
        let f = { (key: String) in ConsolePage.field(lang, key, name: key) }
        return "<form class=\"card\" method=\"post\">" + f("act") + f("spouse_given_ar") + f("spouse_given_lat") + f("spouse_family_ar")
            + f("spouse_family_lat") + ConsolePage.field(lang, "marriage_date", name: "marriage_date", type: "date")
            + f("adoul_section") + f("deed_number") + f("deed_page") + "<button type=\"submit\">\(lang("add_mention"))</button></form>"
    }

    func counterCopyForm(_ lang: ConsoleLanguage) -> String {
        "<form class=\"card\" method=\"post\">" + ConsolePage.field(lang, "act", name: "act")
            + ConsolePage.select(lang, "form", name: "form", options: ["extract", "fullCopy"])
            + ConsolePage.select(lang, "language", name: "language", options: ["arabic", "french"])
            + ConsolePage.select(lang, "relation", name: "relation", options: CopyRequester.Relation.allCases.map(\.name), selected: "other")
            + ConsolePage.field(lang, "requester_id", name: "requester_id", required: false)
            + ConsolePage.field(lang, "evidence", name: "evidence", required: false)
            + "<button type=\"submit\">\(lang("issue_copy"))</button></form>"
    }

    /// A copy at the counter: the signed copy itself, as the register prints it.
    func counterCopy(_ form: FormData, caller: AccessClaims, request: Request) async throws -> Response {
        guard let id = ActID(path: try form.required("act")) else { throw APIError.badRequest("invalid_act_id", "act is office/year/kind/number", field: "act") }
        let copyForm = CopyForm.allCases.first { $0.name == form["form"] } ?? .extract
        let language = CopyLanguage.allCases.first { $0.name == form["language"] } ?? .french
        let relation = CopyRequester.Relation.allCases.first { $0.name == form["relation"] } ?? .other
        try AccessControl.allow(caller, .readAct(office: id.register.office))
        let (record, _) = try await routes.gateway.record(id, consistency: .linearizable)
        let requester = CopyRequester(relation: relation, civilDigitalID: CivilDigitalID(form["requester_id"]),
                                      evidenceReference: form["evidence"].isEmpty ? nil : form["evidence"])
        try AccessControl.allow(caller, .deliverCopy(office: id.register.office, form: copyForm,
                                                     entitlement: CopyEntitlement.evaluate(requester, form: copyForm, record: record)))
        guard let region = routes.gateway.topology.region(forOffice: id.register.office.rawValue), let issuer = routes.keyring.issuer(region: region.key) else {
            throw APIError(.serviceUnavailable, "signing_key_unavailable", "this node does not hold the region's copy-signing key")
        }
        try await routes.audit.read(caller, request: request, action: "issue_copy_\(copyForm.name)", subject: id.path, office: id.register.office,
                                    purpose: "counter copy for \(relation.name)")
        do {
            let copy = try issuer.issue(record, form: copyForm, language: language, issuedAt: Timestamp.minute(of: routes.now()), requester: requester)
            return ConsolePage.response(copy.html())
        } catch {
            throw APIError(.forbidden, error.code, "\(error)", field: "relation")
        }
    }

    /// Regions, groups, leaders, lag, the centre's lag, office activity and delays, live.
    func dashboard(_ lang: ConsoleLanguage, token: String) async -> String {
        let topology = routes.runtime.topology
        var html = "<p class=\"muted\">\(lang("refresh_note"))</p><h2>\(lang("regions"))</h2><table id=\"regions\"><tr><th>\(lang("region"))</th><th>durability</th><th>\(lang("groups"))</th></tr>"
        for region in topology.regions {
            html += "<tr><td>\(ConsolePage.escape(region.key)) (\(region.code))</td><td>\(region.durability)</td><td>\(region.shards.map { "\($0.group)" }.joined(separator: ", "))</td></tr>"
        }
        html += "</table><h2>\(lang("groups"))</h2>"
        if let client = try? HTTPSClient(caCertificatePath: routes.runtime.configuration.caCertificatePath, timeoutMs: 2_000, token: token) {
            let report = await ClusterStatusReport.collect(topology: topology, client: client)
            html += "<table id=\"groups\"><tr><th>\(lang("region"))</th><th>group</th><th>\(lang("leader"))</th><th>\(lang("commit"))</th><th>\(lang("lag"))</th><th>\(lang("center_lag"))</th><th>\(lang("health"))</th></tr>"
            for row in report.rows {
                html += "<tr><td>\(row.region)</td><td>\(row.group)</td><td>\(row.leader.map { "\($0)" } ?? "—")</td><td>\(row.commitIndex)</td>"
                    + "<td>\(row.lag.map { "\($0)" } ?? "—")</td><td>\(row.centerLag.map { "\($0)" } ?? "—")</td><td>\(ConsolePage.escape(row.health))</td></tr>"
            }
            html += "</table><p>" + report.nodes.map { "node \($0.node): \($0.reachable ? "✔" : "✘")" }.joined(separator: " · ") + "</p>"
        }
        let reader = StatisticsReader(services: eWindow.services)
        if let activity = try? await reader.activity() {
            html += "<h2>\(lang("activity"))</h2><table id=\"activity\"><tr><th>\(lang("office"))</th><th>\(lang("acts"))</th><th>\(lang("mentions"))</th><th>\(lang("declarations"))</th><th>\(lang("requests_paid_short"))</th><th>\(lang("copies_issued"))</th><th>\(lang("last_activity"))</th></tr>"
            for item in activity {
                html += "<tr><td>\(item.office)</td><td>\(item.actsRegistered)</td><td>\(item.mentionsAdded)</td><td>\(item.declarationsFiled)</td><td>\(item.requestsPaid)</td><td>\(item.copiesIssued)</td><td>\(item.lastActivity?.isoString ?? "—")</td></tr>"
            }
            html += "</table>"
        }
        if let delays = try? await reader.delays(asOf: Timestamp.minute(of: routes.now())) {
            html += "<h2>\(lang("delays"))</h2><table id=\"delays\"><tr><th>\(lang("office"))</th><th>\(lang("within3"))</th><th>\(lang("within5"))</th><th>\(lang("late"))</th><th>\(lang("open_ok"))</th><th>\(lang("open_late"))</th></tr>"
            for row in delays {
                html += "<tr><td>\(row.office)</td><td>\(row.deliveredWithin3Days)</td><td>\(row.deliveredWithin5Days)</td><td>\(row.deliveredLate)</td><td>\(row.openWithinPromise)</td><td>\(row.openOverdue)</td></tr>"
            }
            html += "</table>"
        }
        return html
    }
}
