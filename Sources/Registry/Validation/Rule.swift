/// A rule of the register. The raw value is the stable code stored in outcomes and shown by
/// the API; a code is never reused for another rule.
public enum Rule: UInt16, Hashable, Sendable, CaseIterable {
    /// A required text field is empty.
    case requiredFieldEmpty = 1
    /// A text field is longer than its limit.
    case fieldTooLong = 2
    /// A text field contains characters outside its script, control characters, or stray spaces.
    case wrongScript = 3
    /// A Gregorian date does not exist or is outside the supported years.
    case invalidGregorianDate = 4
    /// A Hijri date is out of range.
    case invalidHijriDate = 5
    /// The Hijri and Gregorian dates are more than one day apart.
    case calendarMismatch = 6
    /// An hour or minute is out of range.
    case invalidTime = 7
    /// The time the request was drawn up is not a valid instant.
    case invalidRecordedAt = 8
    /// The office does not exist in the reference data.
    case unknownOffice = 9
    /// The office is retired and registers nothing new.
    case retiredOffice = 10
    /// The event is dated after the request was drawn up.
    case eventInFuture = 11
    /// The declaration is later than 30 days (one year abroad) and has no declaratory judgment.
    case lateDeclarationWithoutJudgment = 12
    /// A judgment or deed is dated after the request, or before the event it concerns.
    case referenceDateOutOfOrder = 13
    /// A death is dated before the birth.
    case deathBeforeBirth = 14
    /// A death is recorded for a person already recorded as dead.
    case alreadyDeceased = 15
    /// A divorce names no marriage on the act.
    case divorceWithoutMarriage = 16
    /// A divorce names a marriage already dissolved.
    case marriageAlreadyDissolved = 17
    /// An event (marriage, divorce) is dated after the person's death.
    case eventAfterDeath = 18
    /// An event (marriage, divorce, parent's birth) is dated before the birth it follows.
    case eventBeforeBirth = 19
    /// The act a mention targets does not exist.
    case actNotFound = 20
    /// This kind of mention cannot be written on this kind of act.
    case mentionNotAllowedOnAct = 21
    /// The legal reference is of a kind this mention does not accept.
    case legalReferenceKindNotAllowed = 22
    /// The corrected field does not exist on this act.
    case fieldNotOnAct = 23
    /// The new value does not fit the corrected field.
    case valueKindMismatch = 24
    /// The names chosen by a single mother, on an act whose father is recorded.
    case fatherAlreadyRecorded = 25
    /// The act carries the maximum number of mentions.
    case tooManyMentions = 26
    /// The request id was already used for a different request.
    case requestIDReused = 27
    /// The register has reached the highest act number.
    case registerFull = 28
    /// An imported number is already taken in its register.
    case importNumberTaken = 29
    /// An import targets a register that already holds live acts.
    case importIntoLiveRegister = 30
    /// A live act targets a register that holds imported acts.
    case liveIntoHistoricalRegister = 31
    /// An import targets a register year that is not closed.
    case importRegisterNotClosed = 32
    /// An imported number is zero or above the maximum.
    case importNumberOutOfRange = 33
    /// A reference to another act names an act of the wrong kind, or a civil id that does not match it.
    case inconsistentActReference = 34
    /// A correction writes the value the field already has.
    case correctionChangesNothing = 35
    /// The divorce is dated before the marriage it dissolves.
    case divorceBeforeMarriage = 36
    /// The field cannot be changed by this kind of mention (a transcription correction touches
    /// only Latin names).
    case fieldNotCorrectableThisWay = 37
    /// An imported act's register year is not the year it was drawn up.
    case importYearMismatch = 38
    /// The command's bytes are not a registry command (unknown version, malformed encoding,
    /// over a limit). Only a faulty or foreign proposer produces one; it is refused before the
    /// log and, should it reach the log anyway, applied as this rejection on every replica.
    case malformedCommand = 39
    /// A review item is not well formed: not two keyings, the same keyer twice, keyings that
    /// agree, a scan digest that is not 64 hex digits.
    case reviewItemMalformed = 40
    /// A paper record is already queued for review by another request, or already settled.
    case reviewAlreadyRecorded = 41
    /// No review record for this register and number.
    case reviewNotFound = 42
    /// The review record is already settled.
    case reviewAlreadySettled = 43
    /// The paper record is waiting in the review queue: only a reviewer's decision imports it.
    case importUnderReview = 44
    /// A decision imports an act of another register or number than the queued record.
    case reviewDecisionMismatch = 45

    /// A stable, readable code, e.g. `registry.calendar_mismatch`.
    public var code: String {
        switch self {
        case .requiredFieldEmpty: "registry.required_field_empty"
        case .fieldTooLong: "registry.field_too_long"
        case .wrongScript: "registry.wrong_script"
        case .invalidGregorianDate: "registry.invalid_gregorian_date"
        case .invalidHijriDate: "registry.invalid_hijri_date"
        case .calendarMismatch: "registry.calendar_mismatch"
        case .invalidTime: "registry.invalid_time"
        case .invalidRecordedAt: "registry.invalid_recorded_at"
        case .unknownOffice: "registry.unknown_office"
        case .retiredOffice: "registry.retired_office"
        case .eventInFuture: "registry.event_in_future"
        case .lateDeclarationWithoutJudgment: "registry.late_declaration_without_judgment"
        case .referenceDateOutOfOrder: "registry.reference_date_out_of_order"
        case .deathBeforeBirth: "registry.death_before_birth"
        case .alreadyDeceased: "registry.already_deceased"
        case .divorceWithoutMarriage: "registry.divorce_without_marriage"
        case .marriageAlreadyDissolved: "registry.marriage_already_dissolved"
        case .eventAfterDeath: "registry.event_after_death"
        case .eventBeforeBirth: "registry.event_before_birth"
        case .actNotFound: "registry.act_not_found"
        case .mentionNotAllowedOnAct: "registry.mention_not_allowed_on_act"
        case .legalReferenceKindNotAllowed: "registry.legal_reference_kind_not_allowed"
        case .fieldNotOnAct: "registry.field_not_on_act"
        case .valueKindMismatch: "registry.value_kind_mismatch"
        case .fatherAlreadyRecorded: "registry.father_already_recorded"
        case .tooManyMentions: "registry.too_many_mentions"
        case .requestIDReused: "registry.request_id_reused"
        case .registerFull: "registry.register_full"
        case .importNumberTaken: "registry.import_number_taken"
        case .importIntoLiveRegister: "registry.import_into_live_register"
        case .liveIntoHistoricalRegister: "registry.live_into_historical_register"
        case .importRegisterNotClosed: "registry.import_register_not_closed"
        case .importNumberOutOfRange: "registry.import_number_out_of_range"
        case .inconsistentActReference: "registry.inconsistent_act_reference"
        case .correctionChangesNothing: "registry.correction_changes_nothing"
        case .divorceBeforeMarriage: "registry.divorce_before_marriage"
        case .fieldNotCorrectableThisWay: "registry.field_not_correctable_this_way"
        case .importYearMismatch: "registry.import_year_mismatch"
        case .malformedCommand: "registry.malformed_command"
        case .reviewItemMalformed: "registry.review_item_malformed"
        case .reviewAlreadyRecorded: "registry.review_already_recorded"
        case .reviewNotFound: "registry.review_not_found"
        case .reviewAlreadySettled: "registry.review_already_settled"
        case .importUnderReview: "registry.import_under_review"
        case .reviewDecisionMismatch: "registry.review_decision_mismatch"
        }
    }
}
