/// A field of a command, named by a stable dotted path (`child.givenName.latin`) and labelled in
/// French and Arabic so that an officer's form can point at it.
public enum Field: String, Hashable, Sendable, Codable, CaseIterable {
    /// Identifiant de la demande.
    case requestID = "requestId"
    /// Date de l'établissement.
    case recordedAt
    /// Officier de l'état civil.
    case officer = "officer.identifier"
    /// Nom de l'officier (arabe).
    case officerNameArabic = "officer.nameArabic"
    /// Nom de l'officier (latin).
    case officerNameLatin = "officer.nameLatin"
    /// Bureau de l'état civil.
    case office
    /// Prénom (arabe).
    case childGivenNameArabic = "child.givenName.arabic"
    /// Prénom (latin).
    case childGivenNameLatin = "child.givenName.latin"
    /// Prénom (tifinagh).
    case childGivenNameTifinagh = "child.givenName.tifinagh"
    /// Nom (arabe).
    case childFamilyNameArabic = "child.familyName.arabic"
    /// Nom (latin).
    case childFamilyNameLatin = "child.familyName.latin"
    /// Nom (tifinagh).
    case childFamilyNameTifinagh = "child.familyName.tifinagh"
    /// Sexe.
    case sex
    /// Date de naissance (grégorienne).
    case birthDateGregorian = "birthDate.gregorian"
    /// Date de naissance (hégirienne).
    case birthDateHijri = "birthDate.hijri"
    /// Heure de naissance.
    case birthTime
    /// Lieu de naissance (arabe).
    case birthPlaceArabic = "birthPlace.arabic"
    /// Lieu de naissance (latin).
    case birthPlaceLatin = "birthPlace.latin"
    /// Prénom du père (arabe).
    case fatherGivenNameArabic = "father.givenName.arabic"
    /// Prénom du père (latin).
    case fatherGivenNameLatin = "father.givenName.latin"
    /// Nom du père (arabe).
    case fatherFamilyNameArabic = "father.familyName.arabic"
    /// Nom du père (latin).
    case fatherFamilyNameLatin = "father.familyName.latin"
    /// Date de naissance du père.
    case fatherBirthDate = "father.birthDate"
    /// Nationalité du père.
    case fatherNationality = "father.nationality"
    /// Prénom de la mère (arabe).
    case motherGivenNameArabic = "mother.givenName.arabic"
    /// Prénom de la mère (latin).
    case motherGivenNameLatin = "mother.givenName.latin"
    /// Nom de la mère (arabe).
    case motherFamilyNameArabic = "mother.familyName.arabic"
    /// Nom de la mère (latin).
    case motherFamilyNameLatin = "mother.familyName.latin"
    /// Date de naissance de la mère.
    case motherBirthDate = "mother.birthDate"
    /// Nationalité de la mère.
    case motherNationality = "mother.nationality"
    /// Nom du déclarant.
    case declarantName = "declarant.name"
    /// Qualité du déclarant.
    case declarantRelation = "declarant.relation"
    /// Jugement déclaratif.
    case declaratoryJudgment
    /// Référence de la pré-déclaration.
    case preDeclarationReference
    /// Prénom du défunt (arabe).
    case deceasedGivenNameArabic = "deceased.givenName.arabic"
    /// Prénom du défunt (latin).
    case deceasedGivenNameLatin = "deceased.givenName.latin"
    /// Nom du défunt (arabe).
    case deceasedFamilyNameArabic = "deceased.familyName.arabic"
    /// Nom du défunt (latin).
    case deceasedFamilyNameLatin = "deceased.familyName.latin"
    /// Date de naissance du défunt.
    case deceasedBirthDate = "deceased.birthDate"
    /// Acte de naissance du défunt.
    case deceasedBirthAct = "deceased.birthAct"
    /// Date du décès (grégorienne).
    case deathDateGregorian = "deathDate.gregorian"
    /// Date du décès (hégirienne).
    case deathDateHijri = "deathDate.hijri"
    /// Heure du décès.
    case deathTime
    /// Lieu du décès (arabe).
    case deathPlaceArabic = "deathPlace.arabic"
    /// Lieu du décès (latin).
    case deathPlaceLatin = "deathPlace.latin"
    /// Acte visé par la mention.
    case mentionTarget = "mention.target"
    /// Nature de la mention.
    case mentionKind = "mention.kind"
    /// Référence légale de la mention.
    case legalReference = "mention.legalReference"
    /// Nom du conjoint.
    case spouseName = "mention.spouse.name"
    /// Identifiant numérique du conjoint.
    case spouseCivilDigitalID = "mention.spouse.civilDigitalId"
    /// Date du mariage.
    case marriageDate = "mention.marriageDate"
    /// Mariage dissous.
    case divorcedMarriage = "mention.marriageSequence"
    /// Date du divorce.
    case divorceDate = "mention.divorceDate"
    /// Date du décès (grégorienne).
    case mentionDeathDateGregorian = "mention.deathDate.gregorian"
    /// Date du décès (hégirienne).
    case mentionDeathDateHijri = "mention.deathDate.hijri"
    /// Lieu du décès.
    case mentionDeathPlace = "mention.deathPlace"
    /// Acte de décès.
    case mentionDeathAct = "mention.deathAct"
    /// Rubrique corrigée.
    case correctedField = "mention.correctedField"
    /// Nouvelle valeur.
    case correctedValue = "mention.newValue"
    /// Prénom choisi pour le père.
    case chosenFatherGivenName = "mention.fatherGivenName"
    /// Nom de famille choisi.
    case chosenFamilyName = "mention.familyName"
    /// Numéro de l'acte au registre papier.
    case importNumber = "import.number"
    /// Année du registre.
    case importRegisterYear = "import.registerYear"
    /// Date d'établissement de l'acte.
    case importDrawnUpOn = "import.drawnUpOn"
    /// Référence de numérisation.
    case importSourceReference = "import.sourceReference"
    /// Saisies de l'enregistrement en révision.
    case reviewKeyings = "review.keyings"
    /// Empreinte de l'image numérisée.
    case reviewScanDigest = "review.scanDigest"
    /// Référence de l'image numérisée.
    case reviewScanReference = "review.scanReference"
    /// Réviseur.
    case reviewReviewer = "review.reviewer"
    /// Décision de révision.
    case reviewDecision = "review.decision"
    /// The command as a whole (its encoding), when it cannot be read at all.
    case command

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
        .reviewKeyings: ("Saisies de l'enregistrement", "إدخالات السجل"),
        .reviewScanDigest: ("Empreinte de l'image numérisée", "بصمة الصورة الممسوحة"),
        .reviewScanReference: ("Référence de l'image numérisée", "مرجع الصورة الممسوحة"),
        .reviewReviewer: ("Réviseur", "المراجع"),
        .reviewDecision: ("Décision de révision", "قرار المراجعة"),
        .command: ("Demande", "الطلب"),
    ]
}
