/// Checks of an act's content that need no state: text, dates in both calendars, times,
/// declaration delays. Shared by live registration and imports.
struct ContentRules {
    let reference: ReferenceData

    func checkOffice(_ code: OfficeCode, into v: inout Violations) {
        guard let office = reference.office(code) else {
            v.add(.unknownOffice, .office, "no civil-status office has code \(code)")
            return
        }
        if office.status == .retired {
            v.add(.retiredOffice, .office, "office \(code) is retired and registers nothing new")
        }
    }

    /// Checks a dual date; returns whether the Gregorian part is valid (so later rules can use it).
    @discardableResult
    func checkDualDate(_ date: DualDate, gregorian: Field, hijri: Field, into v: inout Violations) -> Bool {
        let gregorianValid = date.gregorian.isValid
        if !gregorianValid {
            v.add(.invalidGregorianDate, gregorian, "\(date.gregorian.isoString) is not a date between \(GregorianDate.supportedYears.lowerBound) and \(GregorianDate.supportedYears.upperBound)")
        }
        guard date.hijri.isValid else {
            v.add(.invalidHijriDate, hijri, "\(date.hijri.isoString) is not a Hijri date between \(HijriDate.supportedYears.lowerBound) and \(HijriDate.supportedYears.upperBound)")
            return gregorianValid
        }
        if gregorianValid && !HijriCalendar.matches(date.hijri, date.gregorian) {
            let computed = HijriCalendar.hijriDate(of: date.gregorian)
            let offset = HijriCalendar.offsetDays(stated: date.hijri, gregorian: date.gregorian)
            v.add(.calendarMismatch, hijri, "\(date.hijri.isoString) AH is \(offset) days from \(date.gregorian.isoString), which is \(computed.isoString) AH (tolerance \(HijriCalendar.toleranceDays) day)")
        }
        return gregorianValid
    }

    func checkDate(_ date: GregorianDate, field: Field, into v: inout Violations) -> Bool {
        guard date.isValid else {
            v.add(.invalidGregorianDate, field, "\(date.isoString) is not a date between \(GregorianDate.supportedYears.lowerBound) and \(GregorianDate.supportedYears.upperBound)")
            return false
        }
        return true
    }

    func checkTime(_ time: TimeOfDay, field: Field, into v: inout Violations) {
        if !time.isValid { v.add(.invalidTime, field, "\(time.hour):\(time.minute) is not a time of day") }
    }

    func checkPlace(_ place: Place, arabic: Field, latin: Field, into v: inout Violations) {
        TextRules.check(place.arabic, .freeText, maxBytes: RegistryLimits.textBytesMax, field: arabic, into: &v)
        TextRules.check(place.latin, .latinText, maxBytes: RegistryLimits.textBytesMax, field: latin, into: &v)
    }

    func checkPersonName(_ name: PersonName, fields: [Field], into v: inout Violations) {
        // fields: given arabic, given latin, family arabic, family latin, [given tifinagh, family tifinagh]
        TextRules.checkName(name.givenName, arabic: fields[0], latin: fields[1], tifinagh: fields.count > 4 ? fields[4] : nil, into: &v)
        TextRules.checkName(name.familyName, arabic: fields[2], latin: fields[3], tifinagh: fields.count > 5 ? fields[5] : nil, into: &v)
    }

    /// A name reported under one field (declarant, spouse).
    func checkPersonName(_ name: PersonName, field: Field, into v: inout Violations) {
        checkPersonName(name, fields: [field, field, field, field, field, field], into: &v)
    }

    func checkJudgment(_ judgment: JudgmentReference, field: Field, notBefore: GregorianDate?, notAfter: GregorianDate?, into v: inout Violations) {
        TextRules.check(judgment.court, .freeText, maxBytes: RegistryLimits.textBytesMax, field: field, into: &v)
        TextRules.check(judgment.number, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: field, into: &v)
        guard checkDate(judgment.date, field: field, into: &v) else { return }
        checkOrder(judgment.date, field: field, notBefore: notBefore, notAfter: notAfter, into: &v)
    }

    func checkOrder(_ date: GregorianDate, field: Field, notBefore: GregorianDate?, notAfter: GregorianDate?, into v: inout Violations) {
        if let notBefore, notBefore.isValid, date < notBefore {
            v.add(.referenceDateOutOfOrder, field, "dated \(date.isoString), before the event of \(notBefore.isoString)")
        }
        if let notAfter, notAfter.isValid, notAfter < date {
            v.add(.referenceDateOutOfOrder, field, "dated \(date.isoString), after the request of \(notAfter.isoString)")
        }
    }

    func checkLegalReference(_ reference: LegalReference, field: Field, notBefore: GregorianDate?, notAfter: GregorianDate?, into v: inout Violations) {
        switch reference {
        case .judgment(let j):
            checkJudgment(j, field: field, notBefore: notBefore, notAfter: notAfter, into: &v)
        case .adoulDeed(let d):
            TextRules.check(d.notarialSection, .freeText, maxBytes: RegistryLimits.textBytesMax, field: field, into: &v)
            TextRules.check(d.number, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: field, into: &v)
            TextRules.check(d.page, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: field, into: &v)
            if checkDate(d.date, field: field, into: &v) { checkOrder(d.date, field: field, notBefore: notBefore, notAfter: notAfter, into: &v) }
        case .procureurAuthorisation(let a):
            TextRules.check(a.court, .freeText, maxBytes: RegistryLimits.textBytesMax, field: field, into: &v)
            TextRules.check(a.number, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: field, into: &v)
            if checkDate(a.date, field: field, into: &v) { checkOrder(a.date, field: field, notBefore: notBefore, notAfter: notAfter, into: &v) }
        case .motherDeclaration(let date):
            if checkDate(date, field: field, into: &v) { checkOrder(date, field: field, notBefore: notBefore, notAfter: notAfter, into: &v) }
        }
    }

    /// The delay rule of law 37-99: a declaration more than 30 days after the event (one year
    /// abroad) needs a declaratory judgment. Measured from the event to `declaredOn`, the date
    /// the request was drawn up, never the time of apply.
    func checkDeclarationDelay(event: GregorianDate, declaredOn: GregorianDate, abroad: Bool,
                               judgment: JudgmentReference?, eventField: Field, into v: inout Violations) {
        if declaredOn < event {
            v.add(.eventInFuture, eventField, "\(event.isoString) is after the declaration of \(declaredOn.isoString)")
            return
        }
        let limit = abroad ? RegistryLimits.declarationDelayAbroadDays : RegistryLimits.declarationDelayDays
        let elapsed = event.days(until: declaredOn)
        if elapsed > limit && judgment == nil {
            v.add(.lateDeclarationWithoutJudgment, .declaratoryJudgment,
                  "declared \(elapsed) days after the event, more than \(limit)\(abroad ? " (abroad)" : ""), without a declaratory judgment")
        }
    }

    func checkParent(_ parent: ParentRecord, isFather: Bool, childBirth: GregorianDate?, into v: inout Violations) {
        let fields: [Field] = isFather
            ? [.fatherGivenNameArabic, .fatherGivenNameLatin, .fatherFamilyNameArabic, .fatherFamilyNameLatin]
            : [.motherGivenNameArabic, .motherGivenNameLatin, .motherFamilyNameArabic, .motherFamilyNameLatin]
        checkPersonName(parent.name, fields: fields, into: &v)
        let dateField: Field = isFather ? .fatherBirthDate : .motherBirthDate
        if let birth = parent.birthDate, checkDate(birth, field: dateField, into: &v),
           let childBirth, childBirth.isValid, !(birth < childBirth) {
            v.add(.eventBeforeBirth, dateField, "parent born \(birth.isoString), not before the child (\(childBirth.isoString))")
        }
        if let place = parent.birthPlace {
            checkPlace(place, arabic: dateField, latin: dateField, into: &v)
        }
        TextRules.check(parent.nationality, .freeText, maxBytes: RegistryLimits.textBytesMax,
                        field: isFather ? .fatherNationality : .motherNationality, into: &v)
    }

    func checkBirth(_ b: BirthDeclaration, declaredOn: GregorianDate?, applyDelay: Bool, into v: inout Violations) {
        checkOffice(b.office, into: &v)
        checkPersonName(b.child, fields: [.childGivenNameArabic, .childGivenNameLatin, .childFamilyNameArabic,
                                          .childFamilyNameLatin, .childGivenNameTifinagh, .childFamilyNameTifinagh], into: &v)
        let dateValid = checkDualDate(b.birthDate, gregorian: .birthDateGregorian, hijri: .birthDateHijri, into: &v)
        checkTime(b.birthTime, field: .birthTime, into: &v)
        checkPlace(b.birthPlace, arabic: .birthPlaceArabic, latin: .birthPlaceLatin, into: &v)
        let childBirth = dateValid ? b.birthDate.gregorian : nil
        if let father = b.father { checkParent(father, isFather: true, childBirth: childBirth, into: &v) }
        checkParent(b.mother, isFather: false, childBirth: childBirth, into: &v)
        checkPersonName(b.declarant.name, field: .declarantName, into: &v)
        if b.declarant.relation == .father && b.father == nil {
            v.add(.fieldNotOnAct, .declarantRelation, "the declarant is the father but the act records no father")
        }
        if let judgment = b.declaratoryJudgment {
            checkJudgment(judgment, field: .declaratoryJudgment, notBefore: childBirth, notAfter: declaredOn, into: &v)
        }
        if let reference = b.preDeclarationReference {
            TextRules.check(reference, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: .preDeclarationReference, into: &v)
        }
        if let childBirth, let declaredOn {
            if applyDelay {
                checkDeclarationDelay(event: childBirth, declaredOn: declaredOn, abroad: b.occurredAbroad,
                                      judgment: b.declaratoryJudgment, eventField: .birthDateGregorian, into: &v)
            } else if declaredOn < childBirth {
                v.add(.eventInFuture, .birthDateGregorian, "\(childBirth.isoString) is after the act was drawn up (\(declaredOn.isoString))")
            }
        }
    }

    func checkDeath(_ d: DeathDeclaration, declaredOn: GregorianDate?, applyDelay: Bool, into v: inout Violations) {
        checkOffice(d.office, into: &v)
        checkPersonName(d.deceased, fields: [.deceasedGivenNameArabic, .deceasedGivenNameLatin,
                                             .deceasedFamilyNameArabic, .deceasedFamilyNameLatin], into: &v)
        let dateValid = checkDualDate(d.deathDate, gregorian: .deathDateGregorian, hijri: .deathDateHijri, into: &v)
        checkTime(d.deathTime, field: .deathTime, into: &v)
        checkPlace(d.deathPlace, arabic: .deathPlaceArabic, latin: .deathPlaceLatin, into: &v)
        if let birth = d.birthDate, checkDate(birth, field: .deceasedBirthDate, into: &v), dateValid,
           d.deathDate.gregorian < birth {
            v.add(.deathBeforeBirth, .deathDateGregorian, "death on \(d.deathDate.gregorian.isoString) is before the birth on \(birth.isoString)")
        }
        if let place = d.birthPlace { checkPlace(place, arabic: .deceasedBirthDate, latin: .deceasedBirthDate, into: &v) }
        if let father = d.fatherName {
            checkPersonName(father, fields: [.fatherGivenNameArabic, .fatherGivenNameLatin, .fatherFamilyNameArabic, .fatherFamilyNameLatin], into: &v)
        }
        if let mother = d.motherName {
            checkPersonName(mother, fields: [.motherGivenNameArabic, .motherGivenNameLatin, .motherFamilyNameArabic, .motherFamilyNameLatin], into: &v)
        }
        if let act = d.birthAct, act.register.kind != .birth {
            v.add(.inconsistentActReference, .deceasedBirthAct, "\(act) is not a birth act")
        }
        if let cdi = d.civilDigitalID, let act = d.birthAct, cdi.birthAct != act {
            v.add(.inconsistentActReference, .deceasedBirthAct, "civil digital id \(cdi) was assigned by \(cdi.birthAct), not \(act)")
        }
        checkPersonName(d.declarant.name, field: .declarantName, into: &v)
        let deathDate = dateValid ? d.deathDate.gregorian : nil
        if let judgment = d.declaratoryJudgment {
            checkJudgment(judgment, field: .declaratoryJudgment, notBefore: deathDate, notAfter: declaredOn, into: &v)
        }
        if let deathDate, let declaredOn {
            if applyDelay {
                checkDeclarationDelay(event: deathDate, declaredOn: declaredOn, abroad: d.occurredAbroad,
                                      judgment: d.declaratoryJudgment, eventField: .deathDateGregorian, into: &v)
            } else if declaredOn < deathDate {
                v.add(.eventInFuture, .deathDateGregorian, "\(deathDate.isoString) is after the act was drawn up (\(declaredOn.isoString))")
            }
        }
    }
}
