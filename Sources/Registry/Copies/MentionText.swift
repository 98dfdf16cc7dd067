/// The printed text of marginal mentions: in full (full copy) and abridged (extract).
struct MentionText {
    let words: CopyVocabulary

    /// The full text of a mention with its legal references, as on the full copy.
    func full(_ mention: MarginalMention) -> String {
        let w = words
        let prefix = w.t("Mention n° \(mention.sequence), inscrite le \(w.date(mention.recordedAt.date)) : ",
                         "بيان عدد \(mention.sequence)، مسجل بتاريخ \(w.date(mention.recordedAt.date)): ")
        let body: String
        switch mention.body {
        case .marriage(let m):
            body = w.t("Mariage contracté le \(w.date(m.marriageDate)) avec \(w.person(m.spouse))\(cdi(m.spouseCivilDigitalID)), \(w.reference(m.reference)).",
                       "تزوج(ت) بتاريخ \(w.date(m.marriageDate)) بـ \(w.person(m.spouse))\(cdi(m.spouseCivilDigitalID))، \(w.reference(m.reference)).")
        case .divorce(let d):
            body = w.t("Divorce le \(w.date(d.divorceDate)), dissolvant le mariage de la mention n° \(d.marriageSequence), \(w.reference(d.reference)).",
                       "طلاق بتاريخ \(w.date(d.divorceDate))، منهٍ للزواج موضوع البيان عدد \(d.marriageSequence)، \(w.reference(d.reference)).")
        case .death(let d):
            let act = d.deathAct.map { w.t(", \(w.actReference($0))", "، \(w.actReference($0))") } ?? ""
            body = w.t("Décédé(e) le \(w.date(d.deathDate)) à \(w.place(d.deathPlace))\(act).",
                       "توفي(ت) بتاريخ \(w.date(d.deathDate)) بـ \(w.place(d.deathPlace))\(act).")
        case .rectification(let c):
            body = w.t("Rectification ordonnée par \(w.reference(c.reference)) : la rubrique « \(w.correctedField(c.field)) » est rectifiée en « \(w.value(c.newValue)) ».",
                       "تصحيح بمقتضى \(w.reference(c.reference)): يصحح البيان «\(w.correctedField(c.field))» إلى «\(w.value(c.newValue))».")
        case .materialErrorCorrection(let c):
            body = w.t("Correction d'une erreur matérielle, \(w.reference(c.reference)) : la rubrique « \(w.correctedField(c.field)) » est corrigée en « \(w.value(c.newValue)) ».",
                       "تصحيح خطأ مادي، \(w.reference(c.reference)): يصحح البيان «\(w.correctedField(c.field))» إلى «\(w.value(c.newValue))».")
        case .latinTranscriptionCorrection(let c):
            body = w.t("Correction de la transcription en caractères latins, \(w.reference(c.reference)) : la rubrique « \(w.correctedField(c.field)) » s'écrit « \(w.value(c.newValue)) ».",
                       "تصحيح الكتابة بالحروف اللاتينية، \(w.reference(c.reference)): يكتب البيان «\(w.correctedField(c.field))» «\(w.value(c.newValue))».")
        case .singleMotherChosenName(let n):
            body = w.t("Sur \(w.reference(n.reference)), prénom choisi pour le père : « \(w.name(n.fatherGivenName)) » ; nom de famille de l'enfant : « \(w.name(n.familyName)) ».",
                       "بناء على \(w.reference(n.reference))، الاسم المختار للأب: «\(w.name(n.fatherGivenName))»؛ الاسم العائلي للمولود: «\(w.name(n.familyName))».")
        }
        return prefix + body
    }

    /// The abridged text shown on the extract, or nil when the extract does not show the mention
    /// (corrections are merged into the data; the mother's choice of names is not revealed).
    func abridged(_ mention: MarginalMention) -> String? {
        let w = words
        switch mention.body {
        case .marriage(let m):
            return w.t("Marié(e) le \(w.date(m.marriageDate)) avec \(w.person(m.spouse)).",
                       "تزوج(ت) بتاريخ \(w.date(m.marriageDate)) بـ \(w.person(m.spouse)).")
        case .divorce(let d):
            return w.t("Divorcé(e) le \(w.date(d.divorceDate)) (mariage de la mention n° \(d.marriageSequence)).",
                       "طلق(ت) بتاريخ \(w.date(d.divorceDate)) (الزواج موضوع البيان عدد \(d.marriageSequence)).")
        case .death(let d):
            return w.t("Décédé(e) le \(w.date(d.deathDate)) à \(w.place(d.deathPlace)).",
                       "توفي(ت) بتاريخ \(w.date(d.deathDate)) بـ \(w.place(d.deathPlace)).")
        case .rectification, .materialErrorCorrection, .latinTranscriptionCorrection, .singleMotherChosenName:
            return nil
        }
    }

    private func cdi(_ id: CivilDigitalID?) -> String {
        guard let id else { return "" }
        return words.t(" (identifiant \(id))", " (المعرف \(id))")
    }
}
