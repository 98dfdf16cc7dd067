import Foundation
import Hummingbird
import NIOCore

/// The console's HTML: one layout, inline CSS, no external asset, no script. Arabic pages are
/// `dir="rtl" lang="ar"`, French pages `lang="fr"`. Every value from a person or the register is
/// escaped.
enum ConsolePage {
    /// Escapes text for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;background:#f6f4ef;color:#1d2a33}
        header{background:#0b5d3b;color:#fff;padding:.8rem 1.2rem}header a{color:#fff;margin-inline-end:1rem}
        main{padding:1.2rem;max-width:70rem}h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.6rem}
        form.card,section.card{background:#fff;border:1px solid #d8d2c4;border-radius:6px;padding:1rem;margin:.8rem 0}
        label{display:block;margin:.4rem 0 .1rem;font-weight:bold}input,select,textarea{padding:.35rem;min-width:18rem;font-size:1rem}
        button{margin-top:.7rem;padding:.45rem 1rem;background:#0b5d3b;color:#fff;border:0;border-radius:4px;font-size:1rem}
        table{border-collapse:collapse;background:#fff;margin:.5rem 0}td,th{border:1px solid #d8d2c4;padding:.3rem .6rem;text-align:start}
        .ok{color:#0b5d3b;font-weight:bold}.bad{color:#a4161a;font-weight:bold}.muted{color:#666}
        .steps li.done{color:#0b5d3b;font-weight:bold}.inline{display:inline}
        """

    /// A whole page.
    static func render(_ lang: ConsoleLanguage, title: String, body: String, refreshSeconds: Int? = nil, signedIn: String? = nil) -> String {
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? ""
        let other: ConsoleLanguage = lang == .arabic ? .french : .arabic
        let session = signedIn.map { name in
            "<span>\(lang("signed_as")) \(escape(name))</span> <form class=\"inline\" method=\"post\" action=\"/console/\(lang.rawValue)/logout\"><button>\(lang("logout"))</button></form>"
        } ?? "<a href=\"/console/\(lang.rawValue)/login\">\(lang("login"))</a>"
        return """
            <!doctype html>
            <html lang="\(lang.rawValue)" dir="\(lang.direction)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width">\(refresh)
            <title>\(escape(title)) — Sijil</title><style>\(style)</style></head>
            <body><header><strong>\(lang("title"))</strong><br>
            <a href="/console/\(lang.rawValue)">\(lang("home"))</a>
            <a href="/console/\(other.rawValue)">\(other == .arabic ? "العربية" : "Français")</a> \(session)</header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
    }

    /// An HTML response.
    static func response(_ html: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A redirect after a form (303: the browser follows with GET).
    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    /// A text input.
    static func field(_ lang: ConsoleLanguage, _ key: String, name: String, value: String = "", type: String = "text", required: Bool = true) -> String {
        "<label for=\"\(name)\">\(lang(key))</label><input id=\"\(name)\" name=\"\(name)\" type=\"\(type)\" value=\"\(escape(value))\"\(required ? " required" : "")>"
    }

    /// A select.
    static func select(_ lang: ConsoleLanguage, _ key: String, name: String, options: [String], selected: String? = nil) -> String {
        let items = options.map { "<option value=\"\($0)\"\($0 == selected ? " selected" : "")>\(lang($0))</option>" }.joined()
        return "<label for=\"\(name)\">\(lang(key))</label><select id=\"\(name)\" name=\"\(name)\">\(items)</select>"
    }

    /// An error box.
    static func error(_ lang: ConsoleLanguage, _ error: APIError) -> String {
        "<section class=\"card\" role=\"alert\"><p class=\"bad\">\(lang("error")): \(escape(error.code))</p><p>\(escape(error.message))</p></section>"
    }
}
