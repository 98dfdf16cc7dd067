extension ReferenceData {
    /// Parses the three tab-separated tables of Sources/Registry/ReferenceData/tables. Lines starting with `#` and
    /// blank lines are skipped.
    public init(regionsTSV: String, provincesTSV: String, officesTSV: String) throws(ReferenceDataError) {
        var regions: [Region] = []
        for (line, columns) in Self.rows(regionsTSV) {
            guard columns.count == 3, let code = UInt8(columns[0]) else {
                throw .malformedLine(table: "regions", line: line)
            }
            regions.append(Region(code: RegionCode(code), nameFrench: columns[1], nameArabic: columns[2]))
        }
        var provinces: [Province] = []
        for (line, columns) in Self.rows(provincesTSV) {
            guard columns.count == 5, columns[0].count == 4, let code = UInt16(columns[0]),
                  let region = UInt8(columns[1]), let kind = Province.Kind(rawValue: columns[2]),
                  ProvinceCode(code).region == RegionCode(region)
            else { throw .malformedLine(table: "provinces", line: line) }
            provinces.append(Province(code: ProvinceCode(code), kind: kind, nameFrench: columns[3], nameArabic: columns[4]))
        }
        var offices: [CivilStatusOffice] = []
        for (line, columns) in Self.rows(officesTSV) {
            guard columns.count == 6, let code = OfficeCode(columns[0]), let province = UInt16(columns[1]),
                  let kind = CivilStatusOffice.Kind(rawValue: columns[2]),
                  let status = CivilStatusOffice.Status(rawValue: columns[3])
            else { throw .malformedLine(table: "offices", line: line) }
            offices.append(CivilStatusOffice(
                code: code, kind: kind, status: status,
                communeFrench: columns[4], communeArabic: columns[5], province: ProvinceCode(province)))
        }
        try self.init(regions: regions, provinces: provinces, offices: offices)
    }

    private static func rows(_ text: String) -> [(line: Int, columns: [String])] {
        var result: [(Int, [String])] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.isEmpty || line.hasPrefix("#") { continue }
            result.append((index + 1, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
        return result
    }
}
