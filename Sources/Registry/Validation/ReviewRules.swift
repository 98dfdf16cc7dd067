/// The rules of the review queue of the digitisation campaign: what a queued record must look
/// like, and when a reviewer's decision may settle it.
struct ReviewRules {
    /// The item is well formed and may be queued: two keyings by different keyers that disagree,
    /// a scan reference and digest, a closed register year, a free number.
    func checkSubmission(_ item: ReviewItem, recordedOn: GregorianDate?, reader: some KeyValueReader, into v: inout Violations) throws {
        if item.keyings.count != ReviewLimits.keyingsPerItem {
            v.add(.reviewItemMalformed, .reviewKeyings, "a review item holds \(ReviewLimits.keyingsPerItem) keyings, not \(item.keyings.count)")
        } else if item.keyings[0].keyer == item.keyings[1].keyer {
            v.add(.reviewItemMalformed, .reviewKeyings, "both keyings are by \(item.keyings[0].keyer); double keying needs two keyers")
        } else if item.disagreements.isEmpty {
            v.add(.reviewItemMalformed, .reviewKeyings, "the keyings agree on every field: import the act instead")
        }
        for keying in item.keyings {
            TextRules.check(keying.keyer, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: .reviewKeyings, into: &v)
            if keying.fields.count > ReviewLimits.fieldsPerKeyingMax {
                v.add(.reviewItemMalformed, .reviewKeyings, "\(keying.fields.count) fields, at most \(ReviewLimits.fieldsPerKeyingMax)")
            }
        }
        TextRules.check(item.scanReference, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: .reviewScanReference, into: &v)
        if !Self.isDigest(item.scanDigest) {
            v.add(.reviewItemMalformed, .reviewScanDigest, "the scan digest must be 64 lowercase hex digits (SHA-256)")
        }
        try checkPlace(item.register, number: item.number, recordedOn: recordedOn, reader: reader, into: &v)
        if let record = try Self.record(item.place, in: reader) {
            v.add(.reviewAlreadyRecorded, .importNumber, "record \(item.place) is already in the review queue (\(record.status.name))")
        }
    }

    /// The decision may settle the queued record: it is open, and an imported act stands at the
    /// record's place.
    func checkDecision(_ decision: ReviewDecision, reader: some KeyValueReader, into v: inout Violations) throws {
        TextRules.check(decision.reviewer, .freeText, maxBytes: RegistryLimits.referenceBytesMax, field: .reviewReviewer, into: &v)
        guard let record = try Self.record(decision.place, in: reader) else {
            v.add(.reviewNotFound, .reviewDecision, "no record \(decision.place) in the review queue")
            return
        }
        guard record.status == .open else {
            v.add(.reviewAlreadySettled, .reviewDecision, "record \(decision.place) is already \(record.status.name)")
            return
        }
        switch decision.resolution {
        case .importAct(let item):
            if item.register != decision.register || item.number != decision.number {
                v.add(.reviewDecisionMismatch, .reviewDecision,
                      "the decision imports \(ActID(register: item.register, number: item.number)), the queued record is \(decision.place)")
            }
        case .discard(let reason):
            TextRules.check(reason, .freeText, maxBytes: RegistryLimits.textBytesMax, field: .reviewDecision, into: &v)
        }
    }

    /// The register year is closed, the number in range, not taken, the register not live.
    private func checkPlace(_ register: RegisterID, number: UInt64, recordedOn: GregorianDate?, reader: some KeyValueReader,
                            into v: inout Violations) throws {
        if number == 0 || number > RegistryLimits.actNumberMax {
            v.add(.importNumberOutOfRange, .importNumber, "\(number) is not between 1 and \(RegistryLimits.actNumberMax)")
            return
        }
        if let recordedOn, !(register.year < recordedOn.year) {
            v.add(.importRegisterNotClosed, .importRegisterYear, "register year \(register.year) is not closed on \(recordedOn.isoString)")
        }
        guard GregorianDate.supportedYears.contains(register.year) else {
            v.add(.invalidGregorianDate, .importRegisterYear, "register year \(register.year) is outside \(GregorianDate.supportedYears)")
            return
        }
        if let state = try RegistryQueries.registerState(register, in: reader), state.mode == .live {
            v.add(.importIntoLiveRegister, .importRegisterYear, "register \(register) is numbered live; paper acts cannot be imported into it")
        }
        if try reader.get(StateKeys.act(ActID(register: register, number: number))) != nil {
            v.add(.importNumberTaken, .importNumber, "number \(number) is already taken in register \(register)")
        }
    }

    static func record(_ place: ActID, in reader: some KeyValueReader) throws -> ReviewRecord? {
        let key = StateKeys.review(place)
        guard let bytes = try reader.get(key) else { return nil }
        return try RegistryQueries.decode(ReviewRecord.self, bytes, key: key)
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
