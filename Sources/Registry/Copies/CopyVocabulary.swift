/// The printed words of a copy in one language.
struct CopyVocabulary {
    let language: CopyLanguage

    var isArabic: Bool { language == .arabic }

    func t(_ french: String, _ arabic: String) -> String { isArabic ? arabic : french }

    func date(_ date: GregorianDate) -> String { isArabic ? CopyText.arabicDate(date) : CopyText.frenchDate(date) }
    func date(_ date: DualDate) -> String { isArabic ? CopyText.arabicDate(date) : CopyText.frenchDate(date) }

    /// The name in the copy's script.
    func name(_ name: Name) -> String { isArabic ? name.arabic : name.latin }

    /// The name in the copy's script, then the other scripts recorded (full copy).
    func nameAllScripts(_ name: Name) -> String {
        var text = isArabic ? "\(name.arabic) (\(name.latin))" : "\(name.latin) (\(name.arabic))"
        if let tifinagh = name.tifinagh { text += " / \(tifinagh)" }
        return text
    }

    func person(_ name: PersonName) -> String {
        "\(self.name(name.givenName)) \(self.name(name.familyName))"
    }

    func place(_ place: Place) -> String { isArabic ? place.arabic : place.latin }

    func placeAllScripts(_ place: Place) -> String {
        isArabic ? "\(place.arabic) (\(place.latin))" : "\(place.latin) (\(place.arabic))"
    }

    func sex(_ sex: Sex) -> String {
        switch sex {
        case .male: t("masculin", "ذكر")
        case .female: t("féminin", "أنثى")
        }
    }

    func relation(_ relation: DeclarantRelation) -> String {
        switch relation {
        case .father: t("père", "الأب")
        case .mother: t("mère", "الأم")
        case .grandparent: t("grand-parent", "الجد أو الجدة")
        case .sibling: t("frère ou sœur", "الأخ أو الأخت")
        case .otherRelative: t("parent", "قريب")
        case .spouse: t("conjoint", "الزوج(ة)")
        case .child: t("enfant", "الابن أو البنت")
        case .medicalAttendant: t("médecin ou sage-femme", "طبيب أو قابلة")
        case .healthFacility: t("établissement de santé", "مؤسسة صحية")
        case .publicAuthority: t("autorité publique", "السلطة العمومية")
        case .other: t("autre", "آخر")
        }
    }

    func reference(_ reference: LegalReference) -> String {
        switch reference {
        case .judgment(let j):
            t("jugement n° \(j.number) du \(date(j.date)), \(j.court)",
              "الحكم عدد \(j.number) بتاريخ \(date(j.date))، \(j.court)")
        case .adoulDeed(let d):
            t("acte adoulaire n° \(d.number), page \(d.page), du \(date(d.date)), \(d.notarialSection)",
              "رسم عدلي عدد \(d.number)، صحيفة \(d.page)، بتاريخ \(date(d.date))، \(d.notarialSection)")
        case .procureurAuthorisation(let a):
            t("autorisation du procureur du Roi n° \(a.number) du \(date(a.date)), \(a.court)",
              "إذن وكيل الملك عدد \(a.number) بتاريخ \(date(a.date))، \(a.court)")
        case .motherDeclaration(let d):
            t("déclaration de la mère du \(date(d)) (article 16 de la loi 37-99)",
              "تصريح الأم بتاريخ \(date(d)) (المادة 16 من القانون 37.99)")
        }
    }

    func actReference(_ id: ActID) -> String {
        let kind = id.register.kind == .birth ? t("naissance", "ولادة") : t("décès", "وفاة")
        return t("acte de \(kind) n° \(id.number), année \(id.register.year), bureau \(id.register.office)",
                 "رسم \(kind) عدد \(id.number)، سنة \(id.register.year)، المكتب \(id.register.office)")
    }

    func correctedField(_ field: CorrectableField) -> String {
        isArabic ? field.labels.arabic : field.labels.french
    }

    func value(_ value: CorrectedValue) -> String { isArabic ? value.arabicText : value.frenchText }
}
