import Foundation
import Hummingbird
import Registry
import Services

/// The citizens' pages: declare a birth, order a copy, pay, follow the request, verify a copy.
struct ConsoleCitizenPages: Sendable {
    let eWindow: EWindowDesk
    let declarations: DeclarationDesk

    static func newID() -> Registry.RequestID {
        var generator = SystemRandomNumberGenerator()
        return Registry.RequestID(high: generator.next(), low: generator.next())
    }

    func add(to router: Router<BasicRequestContext>, routes: ConsoleRoutes) {
        router.get("/console/:lang/declare") { request, context in
            try await routes.page(request, context, title: "declare") { lang, _ throws(APIError) in
                "<form class=\"card\" method=\"post\" action=\"/console/\(lang.rawValue)/declare\">"
                    + ConsoleForms.birthFields(lang, office: "") + ConsolePage.field(lang, "declarant", name: "declarant")
                    + "<button type=\"submit\">\(lang("submit"))</button></form>"
            }
        }
        router.post("/console/:lang/declare") { request, context in
            let form = try await FormData.read(request)
            return try await routes.page(request, context, title: "declare") { lang, _ throws(APIError) in
                let body = DeclarationBody(declarantName: try form.required("declarant"), birth: try ConsoleForms.birth(form))
                let filed = try await declarations.file(body, id: Self.newID(), caller: nil, request: request)
                return "<section class=\"card\"><p class=\"ok\" id=\"outcome\">\(lang("declaration_filed"))</p>"
                    + "<p>\(lang("reference")): <code id=\"reference\">\(filed.reference)</code></p>"
                    + "<p>\(lang("status")): \(lang(filed.status.name))</p>"
                    + "<p>\(lang("deadline")) \(DeclarationDeadline.lastDay(event: filed.event).isoString)</p></section>"
            }
        }
        router.get("/console/:lang/request-copy") { request, context in
            try await routes.page(request, context, title: "request_copy") { lang, _ throws(APIError) in requestForm(lang) }
        }
        router.post("/console/:lang/request-copy") { request, context in
            let form = try await FormData.read(request)
            let lang = try ConsoleRoutes.lang(context)
            do {
                let created = try await eWindow.submit(try ConsoleForms.copyRequest(form), id: Self.newID(), request: request)
                return ConsolePage.redirect("/console/\(lang.rawValue)/pay/\(created.reference)")
            } catch let error as APIError {
                return try await routes.page(request, context, title: "request_copy") { lang, _ throws(APIError) in
                    ConsolePage.error(lang, error) + requestForm(lang)
                }
            }
        }
        router.get("/console/:lang/pay/:reference") { request, context in
            try await routes.page(request, context, title: "pay") { lang, _ throws(APIError) in
                let current = try await eWindow.status(try EWindowRoutes.reference(context))
                return summary(lang, current) + payForm(lang, current)
            }
        }
        router.post("/console/:lang/pay/:reference") { request, context in
            let form = try await FormData.read(request)
            return try await routes.page(request, context, title: "pay") { lang, _ throws(APIError) in
                let (paid, result) = try await eWindow.pay(try EWindowRoutes.reference(context), cardNumber: form["card"], request: request)
                switch result {
                case .authorised:
                    return "<p class=\"ok\" id=\"outcome\">\(lang("payment_authorised"))</p>" + summary(lang, paid)
                case .declined:
                    return "<p class=\"bad\" id=\"outcome\">\(lang("payment_declined"))</p>" + summary(lang, paid) + payForm(lang, paid)
                case .timedOut:
                    return "<p class=\"bad\" id=\"outcome\">\(lang("payment_timeout"))</p>" + summary(lang, paid) + payForm(lang, paid)
                }
            }
        }
        router.get("/console/:lang/track") { request, context in
            try await routes.page(request, context, title: "track") { lang, _ throws(APIError) in
                let text = request.uri.queryParameters.get("reference").map { String($0) } ?? ""
                let form = "<form class=\"card\" method=\"get\" action=\"/console/\(lang.rawValue)/track\">"
                    + ConsolePage.field(lang, "reference", name: "reference", value: text) + "<button type=\"submit\">\(lang("view"))</button></form>"
                guard !text.isEmpty else { return form }
                guard let reference = ServiceReference(text) else {
                    throw APIError.badRequest("invalid_reference", "a reference is <office>-<32 hex digits>", field: "reference")
                }
                return summary(lang, try await eWindow.status(reference)) + form
            }
        }
        router.get("/console/:lang/verify") { request, context in
            try await routes.page(request, context, title: "verify") { lang, _ throws(APIError) in
                let code = request.uri.queryParameters.get("code").map { String($0) } ?? ""
                let form = "<form class=\"card\" method=\"get\" action=\"/console/\(lang.rawValue)/verify\">"
                    + ConsolePage.field(lang, "code", name: "code", value: code) + "<button type=\"submit\">\(lang("verify"))</button></form>"
                guard !code.isEmpty else { return form }
                let result = try await eWindow.verify(code: code)
                var html = "<section class=\"card\"><p class=\"\(result.valid ? "ok" : "bad")\" id=\"outcome\">\(lang(result.valid ? "authentic" : "not_authentic"))</p>"
                if let reason = result.reason { html += "<p>\(ConsolePage.escape(reason))</p>" }
                if let copy = result.copy {
                    html += "<p><strong>\(ConsolePage.escape(copy.title))</strong></p><table>"
                        + copy.lines.map { "<tr><th>\(ConsolePage.escape($0.label))</th><td>\(ConsolePage.escape($0.value))</td></tr>" }.joined()
                        + "</table><p>\(lang("code")): <code>\(copy.verificationCode)</code></p>"
                }
                return html + "</section>" + form
            }
        }
    }

    func requestForm(_ lang: ConsoleLanguage) -> String {
        "<form class=\"card\" method=\"post\" action=\"/console/\(lang.rawValue)/request-copy\">"
            + ConsolePage.field(lang, "act", name: "act", required: false) + ConsolePage.field(lang, "civil_id", name: "civil_id", required: false)
            + ConsolePage.select(lang, "form", name: "form", options: ["extract", "fullCopy"])
            + ConsolePage.select(lang, "language", name: "language", options: ["arabic", "french"], selected: lang == .arabic ? "arabic" : "french")
            + ConsolePage.field(lang, "copies", name: "copies", value: "1", type: "number")
            + ConsolePage.select(lang, "relation", name: "relation", options: CopyRequester.Relation.allCases.map(\.name), selected: "person")
            + ConsolePage.field(lang, "requester_id", name: "requester_id", required: false)
            + ConsolePage.field(lang, "evidence", name: "evidence", required: false)
            + ConsolePage.field(lang, "requester_name", name: "requester_name")
            + ConsolePage.field(lang, "recipient", name: "recipient") + ConsolePage.field(lang, "street", name: "street")
            + ConsolePage.field(lang, "city", name: "city") + ConsolePage.field(lang, "postal_code", name: "postal_code", required: false)
            + ConsolePage.field(lang, "country", name: "country", value: "MA")
            + "<button type=\"submit\">\(lang("submit"))</button></form>"
    }

    func payForm(_ lang: ConsoleLanguage, _ request: CopyRequest) -> String {
        guard request.status <= .paymentPending else { return "" }
        return "<form class=\"card\" method=\"post\" action=\"/console/\(lang.rawValue)/pay/\(request.reference)\">"
            + ConsolePage.field(lang, "card", name: "card", value: "", type: "text")
            + "<button type=\"submit\">\(lang("pay"))</button></form>"
    }

    /// The request's steps, the current one marked.
    func summary(_ lang: ConsoleLanguage, _ request: CopyRequest) -> String {
        let amount = "\(request.feeCentimes / 100),\(String(format: "%02d", Int(request.feeCentimes % 100))) MAD"
        let steps = [CopyRequestStatus.awaitingPayment, .paid, .issued, .dispatched, .delivered].map { step in
            "<li class=\"\(request.status >= step ? "done" : "")\">\(lang(step.name))</li>"
        }.joined()
        var extra = ""
        if let code = request.verificationCode { extra += "<p>\(lang("code")): <code id=\"code\">\(code)</code></p>" }
        if let tracking = request.trackingNumber { extra += "<p>\(lang("tracking")): <code id=\"tracking\">\(ConsolePage.escape(tracking))</code></p>" }
        return """
            <section class="card"><p>\(lang("reference")): <code id="reference">\(request.reference)</code></p>
            <p>\(lang("status")): <strong id="status">\(lang(request.status.name))</strong></p>
            <p>\(lang("fee")): <span id="fee">\(amount)</span></p><ol class="steps">\(steps)</ol>\(extra)
            <p><a href="/console/\(lang.rawValue)/track?reference=\(request.reference)">\(lang("track"))</a></p></section>
            """
    }
}
