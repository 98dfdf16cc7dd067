import Registry

/// Turns the keyed fields of a record into the act to import. Field names (CSV columns, JSON
/// keys) follow the act: `child.given.ar`, `child.given.lat`, `child.family.ar`, ... — the full
/// list is in docs/IMPORT.md. Values are taken as keyed (no normalisation): the register's own
/// validation judges them when the act is applied.
public enum KeyedActMapping {
    /// Why the fields do not make an act.
    public struct Problem: Error, Sendable, Equatable {
        /// A stable code: `import.missing_field` or `import.invalid_value`.
        public var rule: String
        /// The field.
        public var field: String
        /// Why.
        public var message: String
    }

    /// The import of a record from its fields.
    public static func historicalImport(key: RecordKey, scanReference: String, fields: [KeyedField]) throws(Problem) -> HistoricalActImport {
        let values = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let reader = FieldReader(values: values)
        let drawnUpOn = try reader.date(ImportColumns.drawnUpOn)
        let office = key.register.office
        let content: ActContent
        switch key.register.kind {
        case .birth:
            let father = try reader.parentIfPresent("father")
            let mother = try reader.parent("mother")
            content = .birth(BirthDeclaration(
                office: office, child: try reader.person("child"), sex: try reader.sex("sex"),
                birthDate: try reader.dualDate("birth.date", hijri: "birth.hijri"), birthTime: try reader.time("birth.time"),
                birthPlace: try reader.place("birth.place"), father: father, mother: mother,
                declarant: try reader.declarant(father: father?.name, mother: mother.name)))
        case .death:
            content = .death(DeathDeclaration(
                office: office, deceased: try reader.person("deceased"), sex: try reader.sex("sex"),
                birthDate: try reader.optionalDate("deceased.birth.date"), birthPlace: try reader.optionalPlace("deceased.birth.place"),
                fatherName: try reader.personIfPresent("deceased.father"), motherName: try reader.personIfPresent("deceased.mother"),
                deathDate: try reader.dualDate("death.date", hijri: "death.hijri"), deathTime: try reader.time("death.time"),
                deathPlace: try reader.place("death.place"), declarant: try reader.declarant(father: nil, mother: nil)))
        }
        return HistoricalActImport(registerYear: key.register.year, number: key.number, drawnUpOn: drawnUpOn,
                                   sourceReference: scanReference, content: content)
    }

    struct FieldReader {
        let values: [String: String]

        func text(_ name: String) throws(Problem) -> String {
            guard let value = values[name] else { throw Problem(rule: "import.missing_field", field: name, message: "required") }
            return value
        }

        func date(_ name: String) throws(Problem) -> GregorianDate {
            guard let date = GregorianDate(isoString: try text(name)), date.isValid else {
                throw Problem(rule: "import.invalid_value", field: name, message: "a date YYYY-MM-DD")
            }
            return date
        }

        func optionalDate(_ name: String) throws(Problem) -> GregorianDate? {
            values[name] == nil ? nil : try date(name)
        }

        func dualDate(_ name: String, hijri: String) throws(Problem) -> DualDate {
            let gregorian = try date(name)
            guard let text = values[hijri] else { return DualDate(gregorian: gregorian) }
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { throw Problem(rule: "import.invalid_value", field: hijri, message: "a Hijri date YYYY-MM-DD") }
            return DualDate(gregorian: gregorian, hijri: HijriDate(year: parts[0], month: parts[1], day: parts[2]))
        }

        func time(_ name: String) throws(Problem) -> TimeOfDay {
            let parts = try text(name).split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw Problem(rule: "import.invalid_value", field: name, message: "a time HH:MM") }
            return TimeOfDay(hour: parts[0], minute: parts[1])
        }

        func sex(_ name: String) throws(Problem) -> Sex {
            guard let sex = Sex.allCases.first(where: { $0.name == values[name] }) else {
                throw Problem(rule: values[name] == nil ? "import.missing_field" : "import.invalid_value", field: name, message: "male or female")
            }
            return sex
        }

        func name(_ prefix: String) throws(Problem) -> Name {
            Name(arabic: try text(prefix + ".ar"), latin: try text(prefix + ".lat"), tifinagh: values[prefix + ".tfng"])
        }

        func person(_ prefix: String) throws(Problem) -> PersonName {
            PersonName(givenName: try name(prefix + ".given"), familyName: try name(prefix + ".family"))
        }

        func hasAny(_ prefix: String) -> Bool { values.keys.contains { $0.hasPrefix(prefix + ".") } }

        func personIfPresent(_ prefix: String) throws(Problem) -> PersonName? {
            hasAny(prefix) ? try person(prefix) : nil
        }

        func place(_ prefix: String) throws(Problem) -> Place {
            Place(arabic: try text(prefix + ".ar"), latin: try text(prefix + ".lat"))
        }

        func optionalPlace(_ prefix: String) throws(Problem) -> Place? {
            hasAny(prefix) ? try place(prefix) : nil
        }

        func parent(_ prefix: String) throws(Problem) -> ParentRecord {
            ParentRecord(name: try person(prefix), birthDate: try optionalDate(prefix + ".birth.date"),
                         birthPlace: try optionalPlace(prefix + ".birth.place"), nationality: try text(prefix + ".nationality"))
        }

        /// A father is absent from the act when none of his fields is keyed (unknown father).
        func parentIfPresent(_ prefix: String) throws(Problem) -> ParentRecord? {
            hasAny(prefix) ? try parent(prefix) : nil
        }

        func declarant(father: PersonName?, mother: PersonName?) throws(Problem) -> Declarant {
            let relationText = try text("declarant.relation")
            guard let relation = DeclarantRelation.allCases.first(where: { $0.name == relationText }) else {
                throw Problem(rule: "import.invalid_value", field: "declarant.relation", message: "one of \(DeclarantRelation.allCases.map(\.name).joined(separator: ", "))")
            }
            if hasAny("declarant.given") || hasAny("declarant.family") { return Declarant(name: try person("declarant"), relation: relation) }
            switch relation {
            case .father where father != nil: return Declarant(name: father!, relation: relation)
            case .mother where mother != nil: return Declarant(name: mother!, relation: relation)
            default: throw Problem(rule: "import.missing_field", field: "declarant.given.ar", message: "the declarant's name (required unless the father or mother declared)")
            }
        }
    }
}
