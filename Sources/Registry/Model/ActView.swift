/// The current state of a person as an act and its mentions, read in order, establish it:
/// corrections applied, marriages and their dissolution, death. The act itself never changes;
/// this is a reading of it, used by validation and by the abridged extract.
public struct ActView: Hashable, Sendable {
    /// A marriage recorded on the act and whether a divorce dissolved it.
    public struct Marriage: Hashable, Sendable {
        /// The marriage mention's sequence.
        public var sequence: UInt32
        /// The marriage.
        public var marriage: MarriageMention
        /// The divorce that dissolved it, if any.
        public var divorce: DivorceMention?
    }

    /// The act's identity.
    public var actID: ActID
    /// The person's current names (child or deceased).
    public var person: PersonName
    /// The current sex.
    public var sex: Sex
    /// The current date of the event.
    public var eventDate: DualDate
    /// The current time of the event.
    public var eventTime: TimeOfDay
    /// The current place of the event.
    public var eventPlace: Place
    /// The father's current names, if recorded or chosen by the mother.
    public var fatherName: PersonName?
    /// Whether the father's name was chosen by the mother (art. 16).
    public var fatherNameChosen: Bool
    /// The mother's current names, if recorded.
    public var motherName: PersonName?
    /// The person's date of birth (for a birth act, the event date).
    public var birthDate: GregorianDate?
    /// The marriages recorded, in order.
    public var marriages: [Marriage]
    /// The death recorded by a mention (birth acts).
    public var death: DeathMention?
    /// Sequences of stored corrections that could not be applied (a value of the wrong kind
    /// for its field). Validation never stores one, so a non-empty list means the stored state
    /// was altered; copies are refused for such an act.
    public var inconsistentMentions: [UInt32] = []

    /// Reads an act and its mentions.
    public init(_ record: ActRecord) {
        let act = record.act
        actID = act.id
        fatherNameChosen = false
        marriages = []
        death = nil
        switch act.content {
        case .birth(let b):
            person = b.child
            sex = b.sex
            eventDate = b.birthDate
            eventTime = b.birthTime
            eventPlace = b.birthPlace
            fatherName = b.father?.name
            motherName = b.mother.name
            birthDate = b.birthDate.gregorian
        case .death(let d):
            person = d.deceased
            sex = d.sex
            eventDate = d.deathDate
            eventTime = d.deathTime
            eventPlace = d.deathPlace
            fatherName = d.fatherName
            motherName = d.motherName
            birthDate = d.birthDate
        }
        for mention in record.mentions { apply(mention) }
    }

    private mutating func apply(_ mention: MarginalMention) {
        switch mention.body {
        case .marriage(let m):
            marriages.append(Marriage(sequence: mention.sequence, marriage: m, divorce: nil))
        case .divorce(let d):
            if let index = marriages.firstIndex(where: { $0.sequence == d.marriageSequence }) {
                marriages[index].divorce = d
            }
        case .death(let d):
            death = d
        case .rectification(let c), .materialErrorCorrection(let c), .latinTranscriptionCorrection(let c):
            if !set(c.field, c.newValue) { inconsistentMentions.append(mention.sequence) }
        case .singleMotherChosenName(let n):
            person.familyName = n.familyName
            fatherName = PersonName(givenName: n.fatherGivenName, familyName: n.familyName)
            fatherNameChosen = true
        }
    }

    /// The current value of a field, or nil when the act does not have it.
    public func value(of field: CorrectableField) -> CorrectedValue? {
        switch field {
        case .givenNameArabic: .text(person.givenName.arabic)
        case .givenNameLatin: .text(person.givenName.latin)
        case .givenNameTifinagh: person.givenName.tifinagh.map(CorrectedValue.text)
        case .familyNameArabic: .text(person.familyName.arabic)
        case .familyNameLatin: .text(person.familyName.latin)
        case .familyNameTifinagh: person.familyName.tifinagh.map(CorrectedValue.text)
        case .sex: .sex(sex)
        case .eventDate: .date(eventDate)
        case .eventTime: .time(eventTime)
        case .eventPlaceArabic: .text(eventPlace.arabic)
        case .eventPlaceLatin: .text(eventPlace.latin)
        case .fatherGivenNameArabic: fatherName.map { .text($0.givenName.arabic) }
        case .fatherGivenNameLatin: fatherName.map { .text($0.givenName.latin) }
        case .fatherFamilyNameArabic: fatherName.map { .text($0.familyName.arabic) }
        case .fatherFamilyNameLatin: fatherName.map { .text($0.familyName.latin) }
        case .motherGivenNameArabic: motherName.map { .text($0.givenName.arabic) }
        case .motherGivenNameLatin: motherName.map { .text($0.givenName.latin) }
        case .motherFamilyNameArabic: motherName.map { .text($0.familyName.arabic) }
        case .motherFamilyNameLatin: motherName.map { .text($0.familyName.latin) }
        }
    }

    /// Whether a field can be corrected on this act: Tifinagh names can be added, parents'
    /// names only corrected where recorded.
    public func hasField(_ field: CorrectableField) -> Bool {
        switch field {
        case .givenNameTifinagh, .familyNameTifinagh: true
        default: value(of: field) != nil
        }
    }

    private mutating func set(_ field: CorrectableField, _ value: CorrectedValue) -> Bool {
        switch (field, value) {
        case (.givenNameArabic, .text(let t)): person.givenName.arabic = t
        case (.givenNameLatin, .text(let t)): person.givenName.latin = t
        case (.givenNameTifinagh, .text(let t)): person.givenName.tifinagh = t
        case (.familyNameArabic, .text(let t)): person.familyName.arabic = t
        case (.familyNameLatin, .text(let t)): person.familyName.latin = t
        case (.familyNameTifinagh, .text(let t)): person.familyName.tifinagh = t
        case (.sex, .sex(let s)): sex = s
        case (.eventDate, .date(let d)):
            eventDate = d
            if case .birth = actID.register.kind { birthDate = d.gregorian }
        case (.eventTime, .time(let t)): eventTime = t
        case (.eventPlaceArabic, .text(let t)): eventPlace.arabic = t
        case (.eventPlaceLatin, .text(let t)): eventPlace.latin = t
        case (.fatherGivenNameArabic, .text(let t)): fatherName?.givenName.arabic = t
        case (.fatherGivenNameLatin, .text(let t)): fatherName?.givenName.latin = t
        case (.fatherFamilyNameArabic, .text(let t)): fatherName?.familyName.arabic = t
        case (.fatherFamilyNameLatin, .text(let t)): fatherName?.familyName.latin = t
        case (.motherGivenNameArabic, .text(let t)): motherName?.givenName.arabic = t
        case (.motherGivenNameLatin, .text(let t)): motherName?.givenName.latin = t
        case (.motherFamilyNameArabic, .text(let t)): motherName?.familyName.arabic = t
        case (.motherFamilyNameLatin, .text(let t)): motherName?.familyName.latin = t
        default:
            // Validation rejects a value of the wrong kind before it is stored.
            return false
        }
        return true
    }
}
