extension CivilStatusCopy {
    private var words: CopyVocabulary { CopyVocabulary(language: language) }

    private var footer: [(label: String, value: String)] {
        let w = words
        let code = verificationCode.count == 10
            ? "\(verificationCode.prefix(5))-\(verificationCode.suffix(5))" : verificationCode
        return [
            (w.t("Délivré le", "سلمت بتاريخ"), "\(w.date(issuedAt.date)) \(issuedAt.time.text) UTC"),
            (w.t("Code de vérification", "رمز التحقق"), code),
            (w.t("Clé de signature", "مفتاح التوقيع"), keyFingerprint),
            (w.t("Signature électronique (Ed25519)", "التوقيع الإلكتروني (Ed25519)"), Hex.encode(signature)),
        ]
    }

    /// The copy as plain text, one item per line. Arabic copies start each line with Arabic
    /// text, so any Unicode bidirectional renderer sets them right to left; no invisible
    /// direction marks are added.
    public func plainText() -> String {
        let w = words
        var out: [String] = header
        out.append("")
        out.append(title)
        out.append("")
        for line in lines { out.append("\(line.label)\(w.isArabic ? ":" : " :") \(line.value)") }
        out.append("")
        out.append(w.t("Mentions marginales", "البيانات الهامشية"))
        if mentions.isEmpty { out.append(w.t("Néant.", "لا شيء.")) }
        out.append(contentsOf: mentions)
        out.append("")
        for item in footer { out.append("\(item.label)\(w.isArabic ? ":" : " :") \(item.value)") }
        return out.joined(separator: "\n") + "\n"
    }

    /// The copy as a printable HTML page (right to left for Arabic).
    public func html() -> String {
        let w = words
        let lang = w.isArabic ? "ar" : "fr"
        let dir = w.isArabic ? "rtl" : "ltr"
        var out: [String] = [
            "<!DOCTYPE html>",
            "<html lang=\"\(lang)\" dir=\"\(dir)\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<title>\(escape(title))</title>",
            "<style>",
            "body { font-family: serif; max-width: 48em; margin: 2em auto; }",
            "header p { margin: 0; text-align: center; }",
            "h1 { text-align: center; font-size: 1.4em; margin: 1em 0; }",
            "table { border-collapse: collapse; width: 100%; }",
            "th, td { border: 1px solid #444; padding: 0.3em 0.5em; vertical-align: top; text-align: start; }",
            "th { width: 35%; font-weight: normal; background: #f2f2f2; }",
            "footer { margin-top: 1.5em; font-size: 0.9em; }",
            ".signature { word-break: break-all; font-family: monospace; }",
            "@media print { body { margin: 0; } }",
            "</style>",
            "</head>",
            "<body>",
            "<header>",
        ]
        out += header.map { "<p>\(escape($0))</p>" }
        out.append("</header>")
        out.append("<h1>\(escape(title))</h1>")
        out.append("<table>")
        out += lines.map { "<tr><th>\(escape($0.label))</th><td>\(escape($0.value))</td></tr>" }
        out.append("</table>")
        out.append("<h2>\(escape(w.t("Mentions marginales", "البيانات الهامشية")))</h2>")
        if mentions.isEmpty {
            out.append("<p>\(escape(w.t("Néant.", "لا شيء.")))</p>")
        } else {
            out.append("<ol>")
            out += mentions.map { "<li>\(escape($0))</li>" }
            out.append("</ol>")
        }
        out.append("<footer>")
        for (index, item) in footer.enumerated() {
            let cls = index == footer.count - 1 ? " class=\"signature\"" : ""
            out.append("<p\(cls)>\(escape(item.label))\(w.isArabic ? ":" : " :") \(escape(item.value))</p>")
        }
        out.append("</footer>")
        out.append("</body>")
        out.append("</html>")
        return out.joined(separator: "\n") + "\n"
    }

    private func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
