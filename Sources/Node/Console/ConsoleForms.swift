import Registry
import Services

/// Builds the register's and the services' values from the console's forms, naming the field
/// at fault when a value cannot be read.
enum ConsoleForms {
    static func date(_ form: FormData, _ key: String) throws(APIError) -> GregorianDate {
        guard let date = GregorianDate(isoString: try form.required(key)), date.isValid else {
            throw APIError.badRequest("invalid_date", "\(key) must be a date YYYY-MM-DD", field: key)
        }
        return date
    }

    static func office(_ form: FormData) throws(APIError) -> OfficeCode {
        guard let office = OfficeCode(try form.required("office")) else {
            throw APIError.badRequest("invalid_parameter", "office must be 7 digits", field: "office")
        }
        return office
    }

    static func name(_ form: FormData, _ arabic: String, _ latin: String) throws(APIError) -> Name {
        Name(arabic: try form.required(arabic), latin: try form.required(latin))
    }

    /// A birth declaration from the birth form (declarant: the father; nationality Moroccan).
    static func birth(_ form: FormData) throws(APIError) -> BirthDeclaration {
        let family = try name(form, "family_ar", "family_lat")
        let time = form["birth_time"].isEmpty ? "00:00" : form["birth_time"]
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 2 else { throw APIError.badRequest("invalid_time", "birth_time is HH:MM", field: "birth_time") }
        let father = PersonName(givenName: try name(form, "father_given_ar", "father_given_lat"), familyName: family)
        let mother = PersonName(givenName: try name(form, "mother_given_ar", "mother_given_lat"),
                                familyName: try name(form, "mother_family_ar", "mother_family_lat"))
        var judgment: JudgmentReference?
        if !form["judgment_number"].isEmpty {
            judgment = JudgmentReference(court: try form.required("judgment_court"), number: form["judgment_number"], date: try date(form, "judgment_date"))
        }
        return BirthDeclaration(
            office: try office(form),
            child: PersonName(givenName: try name(form, "child_given_ar", "child_given_lat"), familyName: family),
            sex: form["sex"] == "female" ? .female : .male,
            birthDate: DualDate(gregorian: try date(form, "birth_date")),
            birthTime: TimeOfDay(hour: clock[0], minute: clock[1]),
            birthPlace: Place(arabic: try form.required("place_ar"), latin: try form.required("place_lat")),
            father: ParentRecord(name: father, nationality: "مغربية / marocaine"),
            mother: ParentRecord(name: mother, nationality: "مغربية / marocaine"),
            declarant: Declarant(name: father, relation: .father), declaratoryJudgment: judgment)
    }

    /// The birth form's fields.
    static func birthFields(_ lang: ConsoleLanguage, office: String) -> String {
        let f = { (key: String) in ConsolePage.field(lang, key, name: key) }
        return ConsolePage.field(lang, "office", name: "office", value: office)
            + f("child_given_ar") + f("child_given_lat") + f("family_ar") + f("family_lat")
            + ConsolePage.select(lang, "sex", name: "sex", options: ["male", "female"])
            + ConsolePage.field(lang, "birth_date", name: "birth_date", type: "date") + ConsolePage.field(lang, "birth_time", name: "birth_time", value: "09:00")
            + f("place_ar") + f("place_lat") + f("father_given_ar") + f("father_given_lat")
            + f("mother_given_ar") + f("mother_given_lat") + f("mother_family_ar") + f("mother_family_lat")
            + ConsolePage.field(lang, "judgment_court", name: "judgment_court", required: false)
            + ConsolePage.field(lang, "judgment_number", name: "judgment_number", required: false)
            + ConsolePage.field(lang, "judgment_date", name: "judgment_date", type: "date", required: false)
    }

    /// A copy request from the e-window's form.
    static func copyRequest(_ form: FormData) throws(APIError) -> CopyRequestBody {
        guard let copyForm = CopyForm.allCases.first(where: { $0.name == form["form"] }),
              let language = CopyLanguage.allCases.first(where: { $0.name == form["language"] }),
              let relation = CopyRequester.Relation.allCases.first(where: { $0.name == form["relation"] }) else {
            throw APIError.badRequest("invalid_parameter", "form, language and relation are chosen from the lists", field: "form")
        }
        guard let copies = UInt8(form["copies"]) else { throw APIError.badRequest("invalid_parameter", "copies is a number", field: "copies") }
        return CopyRequestBody(
            act: form["act"].isEmpty ? nil : form["act"], civilDigitalID: form["civil_id"].isEmpty ? nil : form["civil_id"],
            form: copyForm, language: language, copies: copies, relation: relation,
            requesterCivilID: form["requester_id"].isEmpty ? nil : form["requester_id"], evidence: form["evidence"].isEmpty ? nil : form["evidence"],
            requesterName: try form.required("requester_name"),
            delivery: DeliveryAddress(recipient: try form.required("recipient"), street: try form.required("street"), city: try form.required("city"),
                                      postalCode: form["postal_code"], country: form["country"].isEmpty ? "MA" : form["country"].uppercased()))
    }
}
