/// The rules of marginal mentions: which mention goes on which act, with which legal basis,
/// and in which order of life events.
struct MentionRules {
    let content: ContentRules

    func check(target: ActID, body: MentionBody, recordedOn: GregorianDate?, reader: some KeyValueReader,
               into v: inout Violations) throws {
        checkStatic(body, recordedOn: recordedOn, into: &v)
        guard let record = try RegistryQueries.record(target, in: reader) else {
            v.add(.actNotFound, .mentionTarget, "no act \(target)")
            return
        }
        if record.mentions.count >= RegistryLimits.mentionsPerActMax {
            v.add(.tooManyMentions, .mentionTarget, "\(target) already carries \(record.mentions.count) mentions, the limit")
        }
        let view = ActView(record)
        let isBirthAct = target.register.kind == .birth
        let birth = view.birthDate
        switch body {
        case .marriage(let m):
            requireBirthAct(isBirthAct, body.kind, into: &v)
            checkLifeEvent(m.marriageDate, field: .marriageDate, view: view, into: &v)
            if let spouse = m.spouseCivilDigitalID, spouse == record.act.civilDigitalID {
                v.add(.inconsistentActReference, .spouseCivilDigitalID, "the spouse's civil digital id is the person's own")
            }
        case .divorce(let d):
            requireBirthAct(isBirthAct, body.kind, into: &v)
            guard let marriage = view.marriages.first(where: { $0.sequence == d.marriageSequence }) else {
                v.add(.divorceWithoutMarriage, .divorcedMarriage, "\(target) has no marriage mention with sequence \(d.marriageSequence)")
                return
            }
            if let earlier = marriage.divorce {
                v.add(.marriageAlreadyDissolved, .divorcedMarriage, "marriage \(d.marriageSequence) was dissolved on \(earlier.divorceDate.isoString)")
            }
            if d.divorceDate.isValid, d.divorceDate < marriage.marriage.marriageDate {
                v.add(.divorceBeforeMarriage, .divorceDate, "\(d.divorceDate.isoString) is before the marriage of \(marriage.marriage.marriageDate.isoString)")
            }
            checkLifeEvent(d.divorceDate, field: .divorceDate, view: view, into: &v)
        case .death(let d):
            requireBirthAct(isBirthAct, body.kind, into: &v)
            if let existing = view.death {
                v.add(.alreadyDeceased, .mentionDeathDateGregorian, "\(target) already records a death on \(existing.deathDate.gregorian.isoString)")
            }
            let deathDate = d.deathDate.gregorian
            if deathDate.isValid {
                if let birth, deathDate < birth {
                    v.add(.deathBeforeBirth, .mentionDeathDateGregorian, "death on \(deathDate.isoString) is before the birth on \(birth.isoString)")
                }
                for marriage in view.marriages where deathDate < marriage.marriage.marriageDate {
                    v.add(.eventAfterDeath, .mentionDeathDateGregorian, "marriage \(marriage.sequence) of \(marriage.marriage.marriageDate.isoString) is after this death")
                }
            }
        case .rectification(let c), .materialErrorCorrection(let c), .latinTranscriptionCorrection(let c):
            checkCorrection(c, kind: body.kind, view: view, into: &v)
        case .singleMotherChosenName(let n):
            requireBirthAct(isBirthAct, body.kind, into: &v)
            if view.fatherName != nil {
                v.add(.fatherAlreadyRecorded, .chosenFatherGivenName,
                      view.fatherNameChosen ? "the mother has already chosen the names" : "the act records the father")
            }
            if case .motherDeclaration(let date) = n.reference, date.isValid, let birth, date < birth {
                v.add(.referenceDateOutOfOrder, .legalReference, "declaration of \(date.isoString) is before the birth on \(birth.isoString)")
            }
        }
    }

    /// Rules that need only the mention itself.
    private func checkStatic(_ body: MentionBody, recordedOn: GregorianDate?, into v: inout Violations) {
        switch body {
        case .marriage(let m):
            content.checkPersonName(m.spouse, field: .spouseName, into: &v)
            if content.checkDate(m.marriageDate, field: .marriageDate, into: &v), let recordedOn, recordedOn < m.marriageDate {
                v.add(.eventInFuture, .marriageDate, "\(m.marriageDate.isoString) is after the request (\(recordedOn.isoString))")
            }
            requireReference(m.reference, allowed: [.adoulDeed, .judgment], kind: .marriage, into: &v)
            content.checkLegalReference(m.reference, field: .legalReference, notBefore: m.marriageDate, notAfter: recordedOn, into: &v)
        case .divorce(let d):
            if content.checkDate(d.divorceDate, field: .divorceDate, into: &v), let recordedOn, recordedOn < d.divorceDate {
                v.add(.eventInFuture, .divorceDate, "\(d.divorceDate.isoString) is after the request (\(recordedOn.isoString))")
            }
            requireReference(d.reference, allowed: [.adoulDeed, .judgment], kind: .divorce, into: &v)
            content.checkLegalReference(d.reference, field: .legalReference, notBefore: nil, notAfter: recordedOn, into: &v)
        case .death(let d):
            if content.checkDualDate(d.deathDate, gregorian: .mentionDeathDateGregorian, hijri: .mentionDeathDateHijri, into: &v),
               let recordedOn, recordedOn < d.deathDate.gregorian {
                v.add(.eventInFuture, .mentionDeathDateGregorian, "\(d.deathDate.gregorian.isoString) is after the request (\(recordedOn.isoString))")
            }
            content.checkPlace(d.deathPlace, arabic: .mentionDeathPlace, latin: .mentionDeathPlace, into: &v)
            if let act = d.deathAct, act.register.kind != .death {
                v.add(.inconsistentActReference, .mentionDeathAct, "\(act) is not a death act")
            }
        case .rectification(let c):
            requireReference(c.reference, allowed: [.judgment], kind: .rectification, into: &v)
            content.checkLegalReference(c.reference, field: .legalReference, notBefore: nil, notAfter: recordedOn, into: &v)
        case .materialErrorCorrection(let c):
            requireReference(c.reference, allowed: [.procureurAuthorisation], kind: .materialErrorCorrection, into: &v)
            content.checkLegalReference(c.reference, field: .legalReference, notBefore: nil, notAfter: recordedOn, into: &v)
        case .latinTranscriptionCorrection(let c):
            requireReference(c.reference, allowed: [.procureurAuthorisation, .judgment], kind: .latinTranscriptionCorrection, into: &v)
            content.checkLegalReference(c.reference, field: .legalReference, notBefore: nil, notAfter: recordedOn, into: &v)
            if !c.field.isLatinName {
                v.add(.fieldNotCorrectableThisWay, .correctedField, "a transcription correction changes only names in Latin script, not \(c.field.name)")
            }
        case .singleMotherChosenName(let n):
            TextRules.checkName(n.fatherGivenName, arabic: .chosenFatherGivenName, latin: .chosenFatherGivenName, tifinagh: .chosenFatherGivenName, into: &v)
            TextRules.checkName(n.familyName, arabic: .chosenFamilyName, latin: .chosenFamilyName, tifinagh: .chosenFamilyName, into: &v)
            requireReference(n.reference, allowed: [.motherDeclaration], kind: .singleMotherChosenName, into: &v)
            content.checkLegalReference(n.reference, field: .legalReference, notBefore: nil, notAfter: recordedOn, into: &v)
        }
    }

    private enum ReferenceKind: String {
        case judgment, adoulDeed, procureurAuthorisation, motherDeclaration
    }

    private func requireReference(_ reference: LegalReference, allowed: [ReferenceKind], kind: MentionKind, into v: inout Violations) {
        let actual: ReferenceKind
        switch reference {
        case .judgment: actual = .judgment
        case .adoulDeed: actual = .adoulDeed
        case .procureurAuthorisation: actual = .procureurAuthorisation
        case .motherDeclaration: actual = .motherDeclaration
        }
        if !allowed.contains(actual) {
            v.add(.legalReferenceKindNotAllowed, .legalReference,
                  "a \(kind.name) mention needs \(allowed.map(\.rawValue).joined(separator: " or ")), not \(actual.rawValue)")
        }
    }

    private func requireBirthAct(_ isBirthAct: Bool, _ kind: MentionKind, into v: inout Violations) {
        if !isBirthAct {
            v.add(.mentionNotAllowedOnAct, .mentionKind, "a \(kind.name) mention is written on a birth act, not a death act")
        }
    }

    /// A marriage or divorce must fall between the person's birth and death.
    private func checkLifeEvent(_ date: GregorianDate, field: Field, view: ActView, into v: inout Violations) {
        guard date.isValid else { return }
        if let birth = view.birthDate, date < birth {
            v.add(.eventBeforeBirth, field, "\(date.isoString) is before the birth on \(birth.isoString)")
        }
        if let death = view.death, death.deathDate.gregorian < date {
            v.add(.eventAfterDeath, field, "\(date.isoString) is after the death on \(death.deathDate.gregorian.isoString)")
        }
    }

    private func checkCorrection(_ c: CorrectionMention, kind: MentionKind, view: ActView, into v: inout Violations) {
        guard view.hasField(c.field) else {
            v.add(.fieldNotOnAct, .correctedField, "the act records no \(c.field.name)")
            return
        }
        switch (c.field, c.newValue) {
        case (.sex, .sex), (.eventTime, .time), (.eventDate, .date):
            break
        case (_, .text(let text)) where c.field.script != nil:
            let script = c.field.script!
            let maxBytes = script == .latinText ? RegistryLimits.textBytesMax : RegistryLimits.nameBytesMax
            TextRules.check(text, script == .latinText ? .latinText : script, maxBytes: maxBytes, field: .correctedValue, into: &v)
        default:
            v.add(.valueKindMismatch, .correctedValue, "the new value does not fit the field \(c.field.name)")
            return
        }
        if case .date(let date) = c.newValue {
            content.checkDualDate(date, gregorian: .correctedValue, hijri: .correctedValue, into: &v)
        }
        if case .time(let time) = c.newValue { content.checkTime(time, field: .correctedValue, into: &v) }
        if view.value(of: c.field)?.canonicalBytes == c.newValue.canonicalBytes {
            v.add(.correctionChangesNothing, .correctedValue, "\(c.field.name) already has this value")
        }
    }
}
