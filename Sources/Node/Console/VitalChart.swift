/// Births and deaths by region and month as inline SVG bar charts (no script, no external
/// asset), with the figures also in a table for screen readers.
enum VitalChart {
    static let widthPx = 720
    static let heightPx = 220
    /// Months shown per region: the last two years with data.
    static let monthsMax = 24

    static func render(_ lang: ConsoleLanguage, rows: [VitalStatisticsRow]) -> String {
        guard !rows.isEmpty else { return "<p class=\"muted\">\(lang("nothing"))</p>" }
        var html = ""
        for region in Set(rows.map(\.region)).sorted() {
            let months = Array(rows.filter { $0.region == region }.suffix(monthsMax))
            let peak = max(1, months.map { max($0.births, $0.deaths) }.max() ?? 1)
            let slot = Double(widthPx - 40) / Double(max(months.count, 1))
            let bar = max(2.0, slot / 2.0 - 2)
            var svg = "<svg role=\"img\" aria-label=\"\(lang("births")) / \(lang("deaths")) — \(lang("region")) \(region)\" width=\"\(widthPx)\" height=\"\(heightPx + 40)\" viewBox=\"0 0 \(widthPx) \(heightPx + 40)\" style=\"direction:ltr\">"
            svg += "<line x1=\"30\" y1=\"\(heightPx)\" x2=\"\(widthPx)\" y2=\"\(heightPx)\" stroke=\"#555\"/>"
            for (index, month) in months.enumerated() {
                let x = 32 + Double(index) * slot
                let births = Double(month.births) / Double(peak) * Double(heightPx - 20)
                let deaths = Double(month.deaths) / Double(peak) * Double(heightPx - 20)
                let label = "\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)"
                svg += "<rect class=\"births\" x=\"\(fmt(x))\" y=\"\(fmt(Double(heightPx) - births))\" width=\"\(fmt(bar))\" height=\"\(fmt(births))\" fill=\"#0b5d3b\"><title>\(label) \(lang("births")): \(month.births)</title></rect>"
                svg += "<rect class=\"deaths\" x=\"\(fmt(x + bar + 1))\" y=\"\(fmt(Double(heightPx) - deaths))\" width=\"\(fmt(bar))\" height=\"\(fmt(deaths))\" fill=\"#8d99ae\"><title>\(label) \(lang("deaths")): \(month.deaths)</title></rect>"
                svg += "<text x=\"\(fmt(x))\" y=\"\(heightPx + 14)\" font-size=\"10\">\(label)</text>"
            }
            svg += "<text x=\"0\" y=\"14\" font-size=\"11\">\(peak)</text></svg>"
            let table = "<table class=\"vital\"><tr><th>\(lang("month"))</th><th>\(lang("births"))</th><th>\(lang("deaths"))</th></tr>"
                + months.map { "<tr><td>\($0.year)-\($0.month < 10 ? "0" : "")\($0.month)</td><td>\($0.births)</td><td>\($0.deaths)</td></tr>" }.joined() + "</table>"
            html += "<section class=\"card\"><h2>\(lang("region")) \(region < 10 ? "0" : "")\(region)</h2>\(svg)\(table)</section>"
        }
        return html
    }

    static func fmt(_ value: Double) -> String { String(Int(value.rounded())) }
}
