/// A field of an act that a rectification, a material-error correction or a correction of the
/// Latin transcription can change. On a death act the person fields name the deceased.
public enum CorrectableField: UInt8, NamedByteEnum, CanonicalCodable {
    /// The person's given name in Arabic.
    case givenNameArabic = 1
    /// The person's given name in Latin script.
    case givenNameLatin = 2
    /// The person's given name in Tifinagh.
    case givenNameTifinagh = 3
    /// The person's family name in Arabic.
    case familyNameArabic = 4
    /// The person's family name in Latin script.
    case familyNameLatin = 5
    /// The person's family name in Tifinagh.
    case familyNameTifinagh = 6
    /// The sex.
    case sex = 7
    /// The date of the event (birth or death) in both calendars.
    case eventDate = 8
    /// The time of the event.
    case eventTime = 9
    /// The place of the event, in Arabic.
    case eventPlaceArabic = 10
    /// The place of the event, in Latin script.
    case eventPlaceLatin = 11
    /// The father's given name in Arabic.
    case fatherGivenNameArabic = 12
    /// The father's given name in Latin script.
    case fatherGivenNameLatin = 13
    /// The father's family name in Arabic.
    case fatherFamilyNameArabic = 14
    /// The father's family name in Latin script.
    case fatherFamilyNameLatin = 15
    /// The mother's given name in Arabic.
    case motherGivenNameArabic = 16
    /// The mother's given name in Latin script.
    case motherGivenNameLatin = 17
    /// The mother's family name in Arabic.
    case motherFamilyNameArabic = 18
    /// The mother's family name in Latin script.
    case motherFamilyNameLatin = 19

    /// The JSON name.
    public var name: String {
        switch self {
        case .givenNameArabic: "givenNameArabic"
        case .givenNameLatin: "givenNameLatin"
        case .givenNameTifinagh: "givenNameTifinagh"
        case .familyNameArabic: "familyNameArabic"
        case .familyNameLatin: "familyNameLatin"
        case .familyNameTifinagh: "familyNameTifinagh"
        case .sex: "sex"
        case .eventDate: "eventDate"
        case .eventTime: "eventTime"
        case .eventPlaceArabic: "eventPlaceArabic"
        case .eventPlaceLatin: "eventPlaceLatin"
        case .fatherGivenNameArabic: "fatherGivenNameArabic"
        case .fatherGivenNameLatin: "fatherGivenNameLatin"
        case .fatherFamilyNameArabic: "fatherFamilyNameArabic"
        case .fatherFamilyNameLatin: "fatherFamilyNameLatin"
        case .motherGivenNameArabic: "motherGivenNameArabic"
        case .motherGivenNameLatin: "motherGivenNameLatin"
        case .motherFamilyNameArabic: "motherFamilyNameArabic"
        case .motherFamilyNameLatin: "motherFamilyNameLatin"
        }
    }

    /// The script a text value of this field must be written in.
    public var script: Script? {
        switch self {
        case .givenNameArabic, .familyNameArabic, .eventPlaceArabic, .fatherGivenNameArabic,
             .fatherFamilyNameArabic, .motherGivenNameArabic, .motherFamilyNameArabic: .arabic
        case .givenNameLatin, .familyNameLatin, .fatherGivenNameLatin, .fatherFamilyNameLatin,
             .motherGivenNameLatin, .motherFamilyNameLatin: .latin
        case .eventPlaceLatin: .latinText
        case .givenNameTifinagh, .familyNameTifinagh: .tifinagh
        case .sex, .eventDate, .eventTime: nil
        }
    }

    /// Whether the field is a name written in Latin script, the only fields a correction of
    /// the Latin transcription may change.
    public var isLatinName: Bool {
        switch self {
        case .givenNameLatin, .familyNameLatin, .fatherGivenNameLatin, .fatherFamilyNameLatin,
             .motherGivenNameLatin, .motherFamilyNameLatin: true
        default: false
        }
    }

    /// French and Arabic labels as printed in a mention.
    public var labels: (french: String, arabic: String) {
        switch self {
        case .givenNameArabic: ("prénom (arabe)", "الاسم الشخصي بالعربية")
        case .givenNameLatin: ("prénom (latin)", "الاسم الشخصي بالحروف اللاتينية")
        case .givenNameTifinagh: ("prénom (tifinagh)", "الاسم الشخصي بتيفيناغ")
        case .familyNameArabic: ("nom (arabe)", "الاسم العائلي بالعربية")
        case .familyNameLatin: ("nom (latin)", "الاسم العائلي بالحروف اللاتينية")
        case .familyNameTifinagh: ("nom (tifinagh)", "الاسم العائلي بتيفيناغ")
        case .sex: ("sexe", "الجنس")
        case .eventDate: ("date de l'événement", "تاريخ الواقعة")
        case .eventTime: ("heure de l'événement", "ساعة الواقعة")
        case .eventPlaceArabic: ("lieu (arabe)", "المكان بالعربية")
        case .eventPlaceLatin: ("lieu (latin)", "المكان بالحروف اللاتينية")
        case .fatherGivenNameArabic: ("prénom du père (arabe)", "الاسم الشخصي للأب بالعربية")
        case .fatherGivenNameLatin: ("prénom du père (latin)", "الاسم الشخصي للأب بالحروف اللاتينية")
        case .fatherFamilyNameArabic: ("nom du père (arabe)", "الاسم العائلي للأب بالعربية")
        case .fatherFamilyNameLatin: ("nom du père (latin)", "الاسم العائلي للأب بالحروف اللاتينية")
        case .motherGivenNameArabic: ("prénom de la mère (arabe)", "الاسم الشخصي للأم بالعربية")
        case .motherGivenNameLatin: ("prénom de la mère (latin)", "الاسم الشخصي للأم بالحروف اللاتينية")
        case .motherFamilyNameArabic: ("nom de la mère (arabe)", "الاسم العائلي للأم بالعربية")
        case .motherFamilyNameLatin: ("nom de la mère (latin)", "الاسم العائلي للأم بالحروف اللاتينية")
        }
    }
}

/// The new value written by a correction.
public enum CorrectedValue: Hashable, Sendable, Codable {
    /// A name or a place.
    case text(String)
    /// A sex.
    case sex(Sex)
    /// A date in both calendars.
    case date(DualDate)
    /// A time of day.
    case time(TimeOfDay)

    /// The value as printed in French.
    public var frenchText: String {
        switch self {
        case .text(let text): text
        case .sex(let sex): sex == .male ? "masculin" : "féminin"
        case .date(let date): CopyText.frenchDate(date)
        case .time(let time): time.text
        }
    }

    /// The value as printed in Arabic.
    public var arabicText: String {
        switch self {
        case .text(let text): text
        case .sex(let sex): sex == .male ? "ذكر" : "أنثى"
        case .date(let date): CopyText.arabicDate(date)
        case .time(let time): time.text
        }
    }
}

extension CorrectedValue: CanonicalCodable {
    /// Writes a tag (1 text, 2 sex, 3 date, 4 time) then the value.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .text(let text):
            writer.write(UInt8(1))
            writer.write(text)
        case .sex(let sex):
            writer.write(UInt8(2))
            sex.encode(to: &writer)
        case .date(let date):
            writer.write(UInt8(3))
            date.encode(to: &writer)
        case .time(let time):
            writer.write(UInt8(4))
            time.encode(to: &writer)
        }
    }

    /// Reads the tag and value.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .text(try reader.readString())
        case 2: self = .sex(try Sex(from: &reader))
        case 3: self = .date(try DualDate(from: &reader))
        case 4: self = .time(try TimeOfDay(from: &reader))
        default: throw .invalidTag(offset: at)
        }
    }
}
