/// A region of the Kingdom (جهة), law 111-14 on regions.
public struct Region: Hashable, Sendable, Codable {
    /// The official number, 01 to 12.
    public let code: RegionCode
    /// The French name.
    public let nameFrench: String
    /// The Arabic name.
    public let nameArabic: String
}

/// A province (إقليم) or prefecture (عمالة).
public struct Province: Hashable, Sendable, Codable {
    /// Whether the territory is a prefecture (urban) or a province.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// عمالة, an urban prefecture.
        case prefecture
        /// إقليم, a province.
        case province
    }

    /// The Sijil code, region-prefixed.
    public let code: ProvinceCode
    /// Prefecture or province.
    public let kind: Kind
    /// The French name.
    public let nameFrench: String
    /// The Arabic name.
    public let nameArabic: String
}

/// A civil-status office (مكتب الحالة المدنية). Law 37-99, article 4: an office in every
/// commune; the large cities have one per arrondissement.
public struct CivilStatusOffice: Hashable, Sendable, Codable {
    /// The kind of territorial unit the office serves.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// مقاطعة, an arrondissement of a large city.
        case arrondissement
        /// جماعة حضرية, an urban commune.
        case municipality
        /// جماعة قروية, a rural commune.
        case ruralCommune = "rural_commune"
    }

    /// Whether the office still registers acts. A retired office keeps its code and its acts.
    public enum Status: String, Hashable, Sendable, Codable {
        /// Registers acts.
        case active
        /// Closed or merged; its registers remain and can be copied, nothing new is registered.
        case retired
    }

    /// The Sijil code, province-prefixed.
    public let code: OfficeCode
    /// Arrondissement, municipality or rural commune.
    public let kind: Kind
    /// Active or retired.
    public let status: Status
    /// The commune or arrondissement, in French.
    public let communeFrench: String
    /// The commune or arrondissement, in Arabic.
    public let communeArabic: String
    /// The province or prefecture.
    public let province: ProvinceCode
    /// The region.
    public var region: RegionCode { province.region }

    /// The office's French name as printed on copies.
    public var nameFrench: String {
        switch kind {
        case .arrondissement: "Bureau de l'état civil de l'arrondissement \(communeFrench)"
        case .municipality, .ruralCommune: "Bureau de l'état civil de la commune \(communeFrench)"
        }
    }

    /// The office's Arabic name as printed on copies.
    public var nameArabic: String {
        switch kind {
        case .arrondissement: "مكتب الحالة المدنية بمقاطعة \(communeArabic)"
        case .municipality, .ruralCommune: "مكتب الحالة المدنية بجماعة \(communeArabic)"
        }
    }
}

/// The territorial reference data: regions, provinces and prefectures, civil-status offices.
///
/// Immutable and identical on every replica: it is compiled into the binary from
/// Sources/Registry/ReferenceData/tables/*.tsv (see Sources/Registry/ReferenceData/generate-reference-data.sh), never read from disk.
public struct ReferenceData: Sendable {
    /// The regions by code.
    public let regions: [RegionCode: Region]
    /// The provinces and prefectures by code.
    public let provinces: [ProvinceCode: Province]
    /// The civil-status offices by code.
    public let offices: [OfficeCode: CivilStatusOffice]

    /// Builds reference data from parts, checking that every code points where it should.
    public init(regions: [Region], provinces: [Province], offices: [CivilStatusOffice]) throws(ReferenceDataError) {
        var regionMap: [RegionCode: Region] = [:]
        for region in regions {
            guard (1...99).contains(region.code.rawValue) else { throw .invalidCode(region.code.description) }
            guard regionMap.updateValue(region, forKey: region.code) == nil else { throw .duplicateCode(region.code.description) }
        }
        var provinceMap: [ProvinceCode: Province] = [:]
        for province in provinces {
            guard regionMap[province.code.region] != nil else { throw .unknownParent(province.code.description) }
            guard provinceMap.updateValue(province, forKey: province.code) == nil else { throw .duplicateCode(province.code.description) }
        }
        var officeMap: [OfficeCode: CivilStatusOffice] = [:]
        for office in offices {
            guard office.code.province == office.province, provinceMap[office.province] != nil else {
                throw .unknownParent(office.code.description)
            }
            guard officeMap.updateValue(office, forKey: office.code) == nil else { throw .duplicateCode(office.code.description) }
        }
        self.regions = regionMap
        self.provinces = provinceMap
        self.offices = officeMap
    }

    /// The reference data compiled into Sijil, parsed once.
    public static let embedded: ReferenceData = {
        do {
            return try ReferenceData(
                regionsTSV: ReferenceDataTables.regions,
                provincesTSV: ReferenceDataTables.provinces,
                officesTSV: ReferenceDataTables.offices)
        } catch {
            preconditionFailure("embedded reference data is invalid: \(error)")
        }
    }()

    /// The office with `code`, if it exists.
    public func office(_ code: OfficeCode) -> CivilStatusOffice? { offices[code] }

    /// The offices of a region, in code order.
    public func offices(in region: RegionCode) -> [CivilStatusOffice] {
        offices.values.filter { $0.region == region }.sorted { $0.code < $1.code }
    }

    /// The provinces and prefectures of a region, in code order.
    public func provinces(in region: RegionCode) -> [Province] {
        provinces.values.filter { $0.code.region == region }.sorted { $0.code < $1.code }
    }
}

/// Reference data that does not hold together.
public enum ReferenceDataError: Error, Equatable, Sendable {
    /// A line of a table has the wrong number of columns or an unparseable value.
    case malformedLine(table: String, line: Int)
    /// Two entries share a code.
    case duplicateCode(String)
    /// A code is outside its range.
    case invalidCode(String)
    /// An entry names a region or province that does not exist.
    case unknownParent(String)

    /// A stable code for logs.
    public var code: String {
        switch self {
        case .malformedLine: "reference.malformed_line"
        case .duplicateCode: "reference.duplicate_code"
        case .invalidCode: "reference.invalid_code"
        case .unknownParent: "reference.unknown_parent"
        }
    }
}
