/// Validates a request against the rules and against the current state. Used before proposing
/// (so invalid acts never reach the log) and again at apply time (the state may have changed).
/// Returns every violated rule at once.
struct RequestValidator {
    let content: ContentRules

    init(reference: ReferenceData) {
        content = ContentRules(reference: reference)
    }

    func validate(_ request: RegistryRequest, against reader: some KeyValueReader) throws -> [RuleViolation] {
        var v = Violations()
        let recordedOn: GregorianDate? = request.recordedAt.isValid ? request.recordedAt.date : nil
        if recordedOn == nil {
            v.add(.invalidRecordedAt, .recordedAt, "\(request.recordedAt.isoString) is not a valid UTC date and time")
        }
        TextRules.check(request.officer.identifier, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: .officer, into: &v)
        TextRules.check(request.officer.nameArabic, .arabic, maxBytes: RegistryLimits.textBytesMax, field: .officerNameArabic, into: &v)
        TextRules.check(request.officer.nameLatin, .latin, maxBytes: RegistryLimits.textBytesMax, field: .officerNameLatin, into: &v)

        switch request.operation {
        case .registerBirth(let birth):
            content.checkBirth(birth, declaredOn: recordedOn, applyDelay: true, into: &v)
            if let recordedOn {
                try checkLiveRegister(RegisterID(office: birth.office, year: recordedOn.year, kind: .birth), reader, into: &v)
            }
        case .registerDeath(let death):
            content.checkDeath(death, declaredOn: recordedOn, applyDelay: true, into: &v)
            if let recordedOn {
                try checkLiveRegister(RegisterID(office: death.office, year: recordedOn.year, kind: .death), reader, into: &v)
            }
            try checkDeathAgainstBirthAct(death, reader, into: &v)
        case .appendMention(let target, let body):
            try MentionRules(content: content).check(target: target, body: body, recordedOn: recordedOn, reader: reader, into: &v)
        case .importHistoricalAct(let item):
            try checkImport(item, recordedOn: recordedOn, reader, into: &v)
            if let record = try ReviewRules.record(ActID(register: item.register, number: item.number), in: reader), record.status == .open {
                v.add(.importUnderReview, .importNumber, "record \(item.register) \(item.number) is in the review queue: a reviewer's decision imports it")
            }
        case .submitForReview(let item):
            try ReviewRules().checkSubmission(item, recordedOn: recordedOn, reader: reader, into: &v)
        case .settleReview(let decision):
            try ReviewRules().checkDecision(decision, reader: reader, into: &v)
            if case .importAct(let item) = decision.resolution {
                try checkImport(item, recordedOn: recordedOn, reader, into: &v)
            }
        }
        return v.items
    }

    private func checkLiveRegister(_ register: RegisterID, _ reader: some KeyValueReader, into v: inout Violations) throws {
        guard let state = try RegistryQueries.registerState(register, in: reader) else { return }
        if state.mode == .historical {
            v.add(.liveIntoHistoricalRegister, .recordedAt, "register \(register) holds imported paper acts; live acts cannot join it")
        }
        if state.highestNumber >= RegistryLimits.actNumberMax {
            v.add(.registerFull, .office, "register \(register) has reached number \(RegistryLimits.actNumberMax)")
        }
    }

    private func checkDeathAgainstBirthAct(_ death: DeathDeclaration, _ reader: some KeyValueReader, into v: inout Violations) throws {
        guard let birthActID = death.birthAct ?? death.civilDigitalID?.birthAct, birthActID.register.kind == .birth,
              let record = try RegistryQueries.record(birthActID, in: reader) else { return }
        let view = ActView(record)
        if let existing = view.death {
            v.add(.alreadyDeceased, .deceasedBirthAct, "\(birthActID) already records a death on \(existing.deathDate.gregorian.isoString)")
        }
        if let born = view.birthDate, death.deathDate.gregorian.isValid, death.deathDate.gregorian < born {
            v.add(.deathBeforeBirth, .deathDateGregorian, "death on \(death.deathDate.gregorian.isoString) is before the birth recorded in \(birthActID) on \(born.isoString)")
        }
    }

    private func checkImport(_ item: HistoricalActImport, recordedOn: GregorianDate?, _ reader: some KeyValueReader, into v: inout Violations) throws {
        let drawnUpValid = content.checkDate(item.drawnUpOn, field: .importDrawnUpOn, into: &v)
        let drawnUpOn = drawnUpValid ? item.drawnUpOn : nil
        switch item.content {
        case .birth(let birth): content.checkBirth(birth, declaredOn: drawnUpOn, applyDelay: false, into: &v)
        case .death(let death): content.checkDeath(death, declaredOn: drawnUpOn, applyDelay: false, into: &v)
        }
        TextRules.check(item.sourceReference, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: .importSourceReference, into: &v)
        if item.number == 0 || item.number > RegistryLimits.actNumberMax {
            v.add(.importNumberOutOfRange, .importNumber, "\(item.number) is not between 1 and \(RegistryLimits.actNumberMax)")
        }
        if let drawnUpOn, item.registerYear != drawnUpOn.year {
            v.add(.importYearMismatch, .importRegisterYear, "register year \(item.registerYear) is not the year the act was drawn up (\(drawnUpOn.isoString))")
        }
        if let recordedOn {
            if !(item.registerYear < recordedOn.year) {
                v.add(.importRegisterNotClosed, .importRegisterYear, "register year \(item.registerYear) is not closed on \(recordedOn.isoString); only past years are imported")
            }
            if let drawnUpOn, recordedOn < drawnUpOn {
                v.add(.eventInFuture, .importDrawnUpOn, "\(drawnUpOn.isoString) is after the import request (\(recordedOn.isoString))")
            }
        }
        guard GregorianDate.supportedYears.contains(item.registerYear), item.number >= 1,
              item.number <= RegistryLimits.actNumberMax else { return }
        let register = item.register
        if let state = try RegistryQueries.registerState(register, in: reader), state.mode == .live {
            v.add(.importIntoLiveRegister, .importRegisterYear, "register \(register) is numbered live; paper acts cannot be imported into it")
        }
        if try reader.get(StateKeys.act(ActID(register: register, number: item.number))) != nil {
            v.add(.importNumberTaken, .importNumber, "number \(item.number) is already taken in register \(register)")
        }
    }
}
