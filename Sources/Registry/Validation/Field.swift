/// A field of a command, named by a stable dotted path (`child.givenName.latin`) and labelled in
/// French and Arabic so that an officer's form can point at it.
public enum Field: String, Hashable, Sendable, Codable, CaseIterable {
    case requestID = "requestId"
    case recordedAt
    case officer = "officer.identifier"
    case officerNameArabic = "officer.nameArabic"
    case officerNameLatin = "officer.nameLatin"
    case office
    case childGivenNameArabic = "child.givenName.arabic"
    case childGivenNameLatin = "child.givenName.latin"
    case childGivenNameTifinagh = "child.givenName.tifinagh"
    case childFamilyNameArabic = "child.familyName.arabic"
    case childFamilyNameLatin = "child.familyName.latin"
    case childFamilyNameTifinagh = "child.familyName.tifinagh"
    case sex
    case birthDateGregorian = "birthDate.gregorian"
    case birthDateHijri = "birthDate.hijri"
    case birthTime
    case birthPlaceArabic = "birthPlace.arabic"
    case birthPlaceLatin = "birthPlace.latin"
    case fatherGivenNameArabic = "father.givenName.arabic"
    case fatherGivenNameLatin = "father.givenName.latin"
    case fatherFamilyNameArabic = "father.familyName.arabic"
    case fatherFamilyNameLatin = "father.familyName.latin"
    case fatherBirthDate = "father.birthDate"
    case fatherNationality = "father.nationality"
    case motherGivenNameArabic = "mother.givenName.arabic"
    case motherGivenNameLatin = "mother.givenName.latin"
    case motherFamilyNameArabic = "mother.familyName.arabic"
    case motherFamilyNameLatin = "mother.familyName.latin"
    case motherBirthDate = "mother.birthDate"
    case motherNationality = "mother.nationality"
    case declarantName = "declarant.name"
    case declarantRelation = "declarant.relation"
    case declaratoryJudgment
    case preDeclarationReference
    case deceasedGivenNameArabic = "deceased.givenName.arabic"
    case deceasedGivenNameLatin = "deceased.givenName.latin"
    case deceasedFamilyNameArabic = "deceased.familyName.arabic"
    case deceasedFamilyNameLatin = "deceased.familyName.latin"
    case deceasedBirthDate = "deceased.birthDate"
    case deceasedBirthAct = "deceased.birthAct"
    case deathDateGregorian = "deathDate.gregorian"
    case deathDateHijri = "deathDate.hijri"
    case deathTime
    case deathPlaceArabic = "deathPlace.arabic"
    case deathPlaceLatin = "deathPlace.latin"
    case mentionTarget = "mention.target"
    case mentionKind = "mention.kind"
    case legalReference = "mention.legalReference"
    case spouseName = "mention.spouse.name"
    case spouseCivilDigitalID = "mention.spouse.civilDigitalId"
    case marriageDate = "mention.marriageDate"
    case divorcedMarriage = "mention.marriageSequence"
    case divorceDate = "mention.divorceDate"
    case mentionDeathDateGregorian = "mention.deathDate.gregorian"
    case mentionDeathDateHijri = "mention.deathDate.hijri"
    case mentionDeathPlace = "mention.deathPlace"
    case mentionDeathAct = "mention.deathAct"
    case correctedField = "mention.correctedField"
    case correctedValue = "mention.newValue"
    case chosenFatherGivenName = "mention.fatherGivenName"
    case chosenFamilyName = "mention.familyName"
    case importNumber = "import.number"
    case importRegisterYear = "import.registerYear"
    case importDrawnUpOn = "import.drawnUpOn"
    case importSourceReference = "import.sourceReference"

    /// The label in French, as on the paper form.
    public var frenchLabel: String { Self.labels[self]!.french }
    /// The label in Arabic, as on the paper form.
    public var arabicLabel: String { Self.labels[self]!.arabic }

    private static let labels: [Field: (french: String, arabic: String)] = [
        .requestID: ("Identifiant de la demande", "معرف الطلب"),
        .recordedAt: ("Date de l'établissement", "تاريخ التحرير"),
        .officer: ("Officier de l'état civil", "ضابط الحالة المدنية"),
        .officerNameArabic: ("Nom de l'officier (arabe)", "اسم ضابط الحالة المدنية (بالعربية)"),
        .officerNameLatin: ("Nom de l'officier (latin)", "اسم ضابط الحالة المدنية (بالحروف اللاتينية)"),
        .office: ("Bureau de l'état civil", "مكتب الحالة المدنية"),
        .childGivenNameArabic: ("Prénom (arabe)", "الاسم الشخصي (بالعربية)"),
        .childGivenNameLatin: ("Prénom (latin)", "الاسم الشخصي (بالحروف اللاتينية)"),
        .childGivenNameTifinagh: ("Prénom (tifinagh)", "الاسم الشخصي (بتيفيناغ)"),
        .childFamilyNameArabic: ("Nom (arabe)", "الاسم العائلي (بالعربية)"),
        .childFamilyNameLatin: ("Nom (latin)", "الاسم العائلي (بالحروف اللاتينية)"),
        .childFamilyNameTifinagh: ("Nom (tifinagh)", "الاسم العائلي (بتيفيناغ)"),
        .sex: ("Sexe", "الجنس"),
        .birthDateGregorian: ("Date de naissance (grégorienne)", "تاريخ الازدياد (الميلادي)"),
        .birthDateHijri: ("Date de naissance (hégirienne)", "تاريخ الازدياد (الهجري)"),
        .birthTime: ("Heure de naissance", "ساعة الازدياد"),
        .birthPlaceArabic: ("Lieu de naissance (arabe)", "مكان الازدياد (بالعربية)"),
        .birthPlaceLatin: ("Lieu de naissance (latin)", "مكان الازدياد (بالحروف اللاتينية)"),
        .fatherGivenNameArabic: ("Prénom du père (arabe)", "الاسم الشخصي للأب (بالعربية)"),
        .fatherGivenNameLatin: ("Prénom du père (latin)", "الاسم الشخصي للأب (بالحروف اللاتينية)"),
        .fatherFamilyNameArabic: ("Nom du père (arabe)", "الاسم العائلي للأب (بالعربية)"),
        .fatherFamilyNameLatin: ("Nom du père (latin)", "الاسم العائلي للأب (بالحروف اللاتينية)"),
        .fatherBirthDate: ("Date de naissance du père", "تاريخ ازدياد الأب"),
        .fatherNationality: ("Nationalité du père", "جنسية الأب"),
        .motherGivenNameArabic: ("Prénom de la mère (arabe)", "الاسم الشخصي للأم (بالعربية)"),
        .motherGivenNameLatin: ("Prénom de la mère (latin)", "الاسم الشخصي للأم (بالحروف اللاتينية)"),
        .motherFamilyNameArabic: ("Nom de la mère (arabe)", "الاسم العائلي للأم (بالعربية)"),
        .motherFamilyNameLatin: ("Nom de la mère (latin)", "الاسم العائلي للأم (بالحروف اللاتينية)"),
        .motherBirthDate: ("Date de naissance de la mère", "تاريخ ازدياد الأم"),
        .motherNationality: ("Nationalité de la mère", "جنسية الأم"),
        .declarantName: ("Nom du déclarant", "اسم المصرح"),
        .declarantRelation: ("Qualité du déclarant", "صفة المصرح"),
        .declaratoryJudgment: ("Jugement déclaratif", "الحكم التصريحي"),
        .preDeclarationReference: ("Référence de la pré-déclaration", "مرجع التصريح الأولي"),
        .deceasedGivenNameArabic: ("Prénom du défunt (arabe)", "الاسم الشخصي للمتوفى (بالعربية)"),
        .deceasedGivenNameLatin: ("Prénom du défunt (latin)", "الاسم الشخصي للمتوفى (بالحروف اللاتينية)"),
        .deceasedFamilyNameArabic: ("Nom du défunt (arabe)", "الاسم العائلي للمتوفى (بالعربية)"),
        .deceasedFamilyNameLatin: ("Nom du défunt (latin)", "الاسم العائلي للمتوفى (بالحروف اللاتينية)"),
        .deceasedBirthDate: ("Date de naissance du défunt", "تاريخ ازدياد المتوفى"),
        .deceasedBirthAct: ("Acte de naissance du défunt", "رسم ولادة المتوفى"),
        .deathDateGregorian: ("Date du décès (grégorienne)", "تاريخ الوفاة (الميلادي)"),
        .deathDateHijri: ("Date du décès (hégirienne)", "تاريخ الوفاة (الهجري)"),
        .deathTime: ("Heure du décès", "ساعة الوفاة"),
        .deathPlaceArabic: ("Lieu du décès (arabe)", "مكان الوفاة (بالعربية)"),
        .deathPlaceLatin: ("Lieu du décès (latin)", "مكان الوفاة (بالحروف اللاتينية)"),
        .mentionTarget: ("Acte visé par la mention", "الرسم المعني بالبيان"),
        .mentionKind: ("Nature de la mention", "نوع البيان الهامشي"),
        .legalReference: ("Référence légale de la mention", "المرجع القانوني للبيان"),
        .spouseName: ("Nom du conjoint", "اسم الزوج(ة)"),
        .spouseCivilDigitalID: ("Identifiant numérique du conjoint", "المعرف الرقمي للزوج(ة)"),
        .marriageDate: ("Date du mariage", "تاريخ الزواج"),
        .divorcedMarriage: ("Mariage dissous", "الزواج المنحل"),
        .divorceDate: ("Date du divorce", "تاريخ الطلاق"),
        .mentionDeathDateGregorian: ("Date du décès (grégorienne)", "تاريخ الوفاة (الميلادي)"),
        .mentionDeathDateHijri: ("Date du décès (hégirienne)", "تاريخ الوفاة (الهجري)"),
        .mentionDeathPlace: ("Lieu du décès", "مكان الوفاة"),
        .mentionDeathAct: ("Acte de décès", "رسم الوفاة"),
        .correctedField: ("Rubrique corrigée", "البيان المصحح"),
        .correctedValue: ("Nouvelle valeur", "القيمة الجديدة"),
        .chosenFatherGivenName: ("Prénom choisi pour le père", "الاسم المختار للأب"),
        .chosenFamilyName: ("Nom de famille choisi", "الاسم العائلي المختار"),
        .importNumber: ("Numéro de l'acte au registre papier", "رقم الرسم في السجل الورقي"),
        .importRegisterYear: ("Année du registre", "سنة السجل"),
        .importDrawnUpOn: ("Date d'établissement de l'acte", "تاريخ تحرير الرسم"),
        .importSourceReference: ("Référence de numérisation", "مرجع الرقمنة"),
    ]
}
