/// What a copy prints: title, heading, lines and mentions, before signing.
struct CopyContent {
    var title: String
    var header: [String]
    var lines: [CopyLine]
    var mentions: [String]

    /// Builds the content of a copy.
    ///
    /// The full copy prints the act exactly as drawn up (every recorded field, names in every
    /// script) followed by every mention in order with its legal reference. The extract prints
    /// the person's current data (corrections merged, the mother's chosen names shown as the
    /// names, without saying so) and only the mentions of civil status: marriage, divorce, death.
    init(record: ActRecord, form: CopyForm, language: CopyLanguage, reference: ReferenceData) {
        let w = CopyVocabulary(language: language)
        let act = record.act
        let kindWord = act.id.register.kind == .birth ? w.t("naissance", "الولادة") : w.t("décès", "الوفاة")
        title = form == .fullCopy
            ? w.t("Copie intégrale d'acte de \(kindWord)", "نسخة كاملة من رسم \(kindWord)")
            : w.t("Extrait d'acte de \(kindWord)", "نسخة موجزة من رسم \(kindWord)")
        header = Self.header(office: act.id.register.office, words: w, reference: reference)
        var lines = [
            CopyLine(label: w.t("Acte n°", "رقم الرسم"), value: "\(act.id.number)"),
            CopyLine(label: w.t("Registre", "السجل"),
                     value: w.t("\(act.id.register.kind == .birth ? "naissances" : "décès") de l'année \(act.id.register.year)",
                                "\(act.id.register.kind == .birth ? "الولادات" : "الوفيات") لسنة \(act.id.register.year)")),
        ]
        if let cdi = act.civilDigitalID {
            lines.append(CopyLine(label: w.t("Identifiant numérique civil et social", "المعرف الرقمي المدني والاجتماعي"), value: cdi.digits))
        }
        let mentionText = MentionText(words: w)
        switch form {
        case .fullCopy:
            lines += Self.fullLines(act, words: w)
            mentions = record.mentions.map(mentionText.full)
        case .extract:
            lines += Self.extractLines(ActView(record), kind: act.id.register.kind, words: w)
            mentions = record.mentions.compactMap(mentionText.abridged)
        }
        self.lines = lines
    }

    private static func header(office code: OfficeCode, words w: CopyVocabulary, reference: ReferenceData) -> [String] {
        var lines = [w.t("Royaume du Maroc", "المملكة المغربية"), w.t("Ministère de l'Intérieur", "وزارة الداخلية")]
        guard let office = reference.office(code) else {
            return lines + [w.t("Bureau de l'état civil \(code)", "مكتب الحالة المدنية \(code)")]
        }
        if let region = reference.regions[office.region] {
            lines.append(w.t("Région : \(region.nameFrench)", region.nameArabic))
        }
        if let province = reference.provinces[office.province] {
            let kind = province.kind == .prefecture ? w.t("Préfecture", "عمالة") : w.t("Province", "إقليم")
            lines.append(w.t("\(kind) : \(province.nameFrench)", "\(kind) \(province.nameArabic)"))
        }
        lines.append(w.t("\(office.nameFrench) (\(code))", "\(office.nameArabic) (\(code))"))
        return lines
    }

    private static func parentLines(_ parent: ParentRecord, father: Bool, words w: CopyVocabulary) -> [CopyLine] {
        let role = father ? w.t("Père", "الأب") : w.t("Mère", "الأم")
        var lines = [CopyLine(label: role, value: "\(w.nameAllScripts(parent.name.givenName)) \(w.nameAllScripts(parent.name.familyName))")]
        if let date = parent.birthDate {
            let place = parent.birthPlace.map { w.t(" à \(w.place($0))", " بـ \(w.place($0))") } ?? ""
            lines.append(CopyLine(label: w.t(father ? "Père, né le" : "Mère, née le", "\(role)، تاريخ الازدياد"), value: w.date(date) + place))
        }
        lines.append(CopyLine(label: w.t("\(role), nationalité", "\(role)، الجنسية"), value: parent.nationality))
        if let cdi = parent.civilDigitalID {
            lines.append(CopyLine(label: w.t("\(role), identifiant numérique", "\(role)، المعرف الرقمي"), value: cdi.digits))
        }
        return lines
    }

    private static func fullLines(_ act: Act, words w: CopyVocabulary) -> [CopyLine] {
        var lines: [CopyLine] = []
        switch act.content {
        case .birth(let b):
            lines += [
                CopyLine(label: w.t("Prénom", "الاسم الشخصي"), value: w.nameAllScripts(b.child.givenName)),
                CopyLine(label: w.t("Nom", "الاسم العائلي"), value: w.nameAllScripts(b.child.familyName)),
                CopyLine(label: w.t("Sexe", "الجنس"), value: w.sex(b.sex)),
                CopyLine(label: w.t("Date de naissance", "تاريخ الازدياد"), value: w.date(b.birthDate)),
                CopyLine(label: w.t("Heure de naissance", "ساعة الازدياد"), value: b.birthTime.text),
                CopyLine(label: w.t("Lieu de naissance", "مكان الازدياد"),
                         value: w.placeAllScripts(b.birthPlace) + (b.occurredAbroad ? w.t(" (à l'étranger)", " (بالخارج)") : "")),
            ]
            if let father = b.father { lines += parentLines(father, father: true, words: w) }
            lines += parentLines(b.mother, father: false, words: w)
            lines += declarationLines(b.declarant, judgment: b.declaratoryJudgment, words: w)
            if let pre = b.preDeclarationReference {
                lines.append(CopyLine(label: w.t("Pré-déclaration électronique", "التصريح الإلكتروني الأولي"), value: pre))
            }
        case .death(let d):
            lines += [
                CopyLine(label: w.t("Prénom du défunt", "الاسم الشخصي للمتوفى"), value: w.nameAllScripts(d.deceased.givenName)),
                CopyLine(label: w.t("Nom du défunt", "الاسم العائلي للمتوفى"), value: w.nameAllScripts(d.deceased.familyName)),
                CopyLine(label: w.t("Sexe", "الجنس"), value: w.sex(d.sex)),
            ]
            if let born = d.birthDate {
                let place = d.birthPlace.map { w.t(" à \(w.place($0))", " بـ \(w.place($0))") } ?? ""
                lines.append(CopyLine(label: w.t("Né(e) le", "تاريخ الازدياد"), value: w.date(born) + place))
            }
            if let cdi = d.civilDigitalID {
                lines.append(CopyLine(label: w.t("Identifiant numérique du défunt", "المعرف الرقمي للمتوفى"), value: cdi.digits))
            }
            if let birthAct = d.birthAct {
                lines.append(CopyLine(label: w.t("Acte de naissance", "رسم الولادة"), value: w.actReference(birthAct)))
            }
            if let father = d.fatherName {
                lines.append(CopyLine(label: w.t("Père", "الأب"), value: "\(w.nameAllScripts(father.givenName)) \(w.nameAllScripts(father.familyName))"))
            }
            if let mother = d.motherName {
                lines.append(CopyLine(label: w.t("Mère", "الأم"), value: "\(w.nameAllScripts(mother.givenName)) \(w.nameAllScripts(mother.familyName))"))
            }
            lines += [
                CopyLine(label: w.t("Date du décès", "تاريخ الوفاة"), value: w.date(d.deathDate)),
                CopyLine(label: w.t("Heure du décès", "ساعة الوفاة"), value: d.deathTime.text),
                CopyLine(label: w.t("Lieu du décès", "مكان الوفاة"),
                         value: w.placeAllScripts(d.deathPlace) + (d.occurredAbroad ? w.t(" (à l'étranger)", " (بالخارج)") : "")),
            ]
            lines += declarationLines(d.declarant, judgment: d.declaratoryJudgment, words: w)
        }
        lines.append(CopyLine(label: w.t("Dressé le", "حرر بتاريخ"), value: "\(w.date(act.recordedAt.date)) \(act.recordedAt.time.text) UTC"))
        lines.append(CopyLine(label: w.t("Officier de l'état civil", "ضابط الحالة المدنية"),
                              value: w.isArabic ? act.officer.nameArabic : act.officer.nameLatin))
        if case .imported(let drawnUpOn, let source) = act.origin {
            lines.append(CopyLine(label: w.t("Acte du registre papier, dressé le", "رسم من السجل الورقي، حرر بتاريخ"), value: w.date(drawnUpOn)))
            lines.append(CopyLine(label: w.t("Référence de numérisation", "مرجع الرقمنة"), value: source))
        }
        return lines
    }

    private static func declarationLines(_ declarant: Declarant, judgment: JudgmentReference?, words w: CopyVocabulary) -> [CopyLine] {
        var lines = [
            CopyLine(label: w.t("Déclarant", "المصرح"), value: w.person(declarant.name)),
            CopyLine(label: w.t("Qualité du déclarant", "صفة المصرح"), value: w.relation(declarant.relation)),
        ]
        if let judgment {
            lines.append(CopyLine(label: w.t("Jugement déclaratif", "الحكم التصريحي"), value: w.reference(.judgment(judgment))))
        }
        return lines
    }

    private static func extractLines(_ view: ActView, kind: ActKind, words w: CopyVocabulary) -> [CopyLine] {
        var lines = [
            CopyLine(label: w.t("Prénom", "الاسم الشخصي"), value: w.name(view.person.givenName)),
            CopyLine(label: w.t("Nom", "الاسم العائلي"), value: w.name(view.person.familyName)),
            CopyLine(label: w.t("Sexe", "الجنس"), value: w.sex(view.sex)),
        ]
        switch kind {
        case .birth:
            lines.append(CopyLine(label: w.t("Date de naissance", "تاريخ الازدياد"), value: w.date(view.eventDate)))
            lines.append(CopyLine(label: w.t("Lieu de naissance", "مكان الازدياد"), value: w.place(view.eventPlace)))
        case .death:
            if let born = view.birthDate {
                lines.append(CopyLine(label: w.t("Né(e) le", "تاريخ الازدياد"), value: w.date(born)))
            }
            lines.append(CopyLine(label: w.t("Date du décès", "تاريخ الوفاة"), value: w.date(view.eventDate)))
            lines.append(CopyLine(label: w.t("Lieu du décès", "مكان الوفاة"), value: w.place(view.eventPlace)))
        }
        if let father = view.fatherName { lines.append(CopyLine(label: w.t("Père", "الأب"), value: w.person(father))) }
        if let mother = view.motherName { lines.append(CopyLine(label: w.t("Mère", "الأم"), value: w.person(mother))) }
        return lines
    }
}
