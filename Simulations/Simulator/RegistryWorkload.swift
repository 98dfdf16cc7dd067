import NodeCore
import Raft
import Registry

/// The civil-status workload: officers of a few offices register births and deaths, import
/// paper acts of closed years, add marginal mentions to the acts they learned of, and read
/// acts back. What the clients know is shared (the officers of an office share its
/// registers) and learned only from answers, never from the replicas' state.
///
/// Each group holds the registers of two offices of its region (reference data), so several
/// clients number the same register at once.
struct RegistryWorkload {
    /// What the clients know of one act.
    struct KnownAct {
        var id: ActID
        var imported: Bool
        var person: PersonName
        var birthDate: GregorianDate?
        var hasFather: Bool
        var fatherChosen = false
        var civilID: CivilDigitalID?
        /// Marriage mentions by sequence, with their dates.
        var marriages: [UInt32: GregorianDate] = [:]
        var dissolved: Set<UInt32> = []
        var deceased = false
    }

    /// The next thing a client does.
    enum Plan {
        /// A request; `invalid` when it breaks a content rule by construction and must be
        /// refused before the log.
        case write(RegistryRequest, invalid: Bool)
        case read(RegistryQuery)
    }

    /// The offices whose registers each group of a region holds, in group order. Two
    /// arrondissements or communes per group: Rabat and Salé for Rabat-Salé-Kénitra,
    /// Casablanca and Mohammédia for Casablanca-Settat.
    static let officesByRegion: [String: [[OfficeCode]]] = [
        "RSK": [[OfficeCode(401003), OfficeCode(401001)], [OfficeCode(402002), OfficeCode(402001)]],
        "CS": [[OfficeCode(601001), OfficeCode(601002)], [OfficeCode(602001), OfficeCode(601012)]],
    ]

    /// Years of the paper registers the digitisation imports (closed years).
    static let importYears = 1970...1999
    /// Paper act numbers imported per register: a small range, so that two clients keying in
    /// the same page collide (`import_number_taken`).
    static let importNumbers: ClosedRange<UInt64> = 1...12

    var rng: SplitMix64
    private(set) var offices: [GroupID: [OfficeCode]]
    private(set) var acts: [ActID: KnownAct] = [:]
    private var actsByGroup: [GroupID: [ActID]] = [:]
    /// A death act that named a birth act of the same shard: its client writes the death
    /// mention on the birth act next (the registry leaves that to the node; law 37-99).
    private var followUps: [Int: (target: ActID, death: DeathMention)] = [:]
    private var counters: [Int: UInt64] = [:]

    init(seed: UInt64, groups: [GroupDescriptor]) {
        rng = SplitMix64(seed: seed ^ 0x5EED_0F_AC75)
        var offices: [GroupID: [OfficeCode]] = [:]
        for (region, tables) in Self.officesByRegion {
            let regionGroups = groups.filter { $0.region == region }.map(\.id).sorted()
            for (position, group) in regionGroups.enumerated() { offices[group] = tables[position % tables.count] }
        }
        self.offices = offices
    }

    /// A fresh request id: the client in the high half, its own counter in the low half.
    mutating func requestID(client: Int) -> RequestID {
        counters[client, default: 0] += 1
        return RequestID(high: 0x5EED_0000_0000 | UInt64(client + 1), low: counters[client]!)
    }

    /// The request id of a group's progress probe.
    static func probeRequestID(group: GroupID, round: UInt64) -> RequestID {
        RequestID(high: 0xFFFF_0000_0000 | group, low: round)
    }

    /// The instant `ms` (milliseconds since 1970, UTC) to the minute.
    static func timestamp(ms: UInt64) -> Timestamp {
        let minutes = Int(ms / 60_000)
        return Timestamp(date: GregorianDate(daysSinceEpoch: minutes / 1_440),
                         time: TimeOfDay(hour: minutes % 1_440 / 60, minute: minutes % 60))
    }

    /// A shard split: `office` and the acts known in it now belong to `newGroup`.
    mutating func split(office: OfficeCode, from group: GroupID, to newGroup: GroupID) {
        offices[group]?.removeAll { $0 == office }
        offices[newGroup] = [office]
        let moving = (actsByGroup[group] ?? []).filter { $0.register.office == office }
        actsByGroup[group]?.removeAll { $0.register.office == office }
        actsByGroup[newGroup, default: []] += moving
    }

    /// The group whose registers hold `office`, as the clients know it.
    func group(of office: OfficeCode) -> GroupID? {
        offices.first { $0.value.contains(office) }?.key
    }

    func knownActs(in group: GroupID) -> [ActID] { actsByGroup[group] ?? [] }

    // MARK: - Planning

    mutating func plan(group: GroupID, client: Int, at now: Timestamp) -> Plan {
        if let followUp = followUps.removeValue(forKey: client), acts[followUp.target]?.deceased == false {
            return .write(request(client, now, .appendMention(target: followUp.target, body: .death(followUp.death))), invalid: false)
        }
        let known = knownActs(in: group)
        let roll = rng.below(100)
        switch roll {
        case 0..<30 where !known.isEmpty: return .read(readQuery(group: group, known: known))
        case 0..<30: return .read(.stats)
        case 30..<55: return birth(group: group, client: client, now: now)
        case 55..<62: return .write(request(client, now, .registerDeath(death(group: group, now: now))), invalid: false)
        case 62..<70: return .write(request(client, now, .importHistoricalAct(historicalBirth(group: group))), invalid: false)
        default:
            guard !known.isEmpty else { return birth(group: group, client: client, now: now) }
            let target = rng.pick(known)
            return .write(request(client, now, .appendMention(target: target, body: mention(on: acts[target]!, now: now))), invalid: false)
        }
    }

    private mutating func request(_ client: Int, _ now: Timestamp, _ operation: RegistryOperation) -> RegistryRequest {
        RegistryRequest(requestID: requestID(client: client), recordedAt: now, officer: RegistryContent.officer(of: operation.office), operation: operation)
    }

    private mutating func readQuery(group: GroupID, known: [ActID]) -> RegistryQuery {
        switch rng.below(20) {
        case 0..<13: return .act(rng.pick(known))
        case 13..<16:
            // The next number of a live register: it may be taken by then, or not yet.
            let live = known.filter { !(acts[$0]?.imported ?? true) }
            guard let base = live.isEmpty ? nil : rng.pick(live) else { return .act(rng.pick(known)) }
            return .act(ActID(register: base.register, number: base.number + 1))
        case 16..<19:
            let births = known.compactMap { acts[$0]?.civilID }
            return births.isEmpty ? .stats : .actByCivilID(rng.pick(births))
        default: return .stats
        }
    }

    mutating func birth(group: GroupID, client: Int, now: Timestamp) -> Plan {
        let office = rng.pick(offices[group]!)
        let sex: Sex = rng.chance(50) ? .male : .female
        let familyName = rng.pick(RegistryContent.family)
        let withFather = rng.chance(88)
        let late = rng.chance(5)
        let born = now.date.adding(days: late ? -(400 + rng.below(1_500)) : -rng.below(30))
        let father = RegistryContent.person(.male, familyName: familyName, using: &rng)
        let mother = RegistryContent.person(.female, using: &rng)
        var declaration = BirthDeclaration(
            office: office, child: RegistryContent.person(sex, familyName: familyName, using: &rng), sex: sex,
            birthDate: DualDate(gregorian: born), birthTime: RegistryContent.time(using: &rng),
            birthPlace: RegistryContent.place(in: office, using: &rng),
            father: withFather ? ParentRecord(name: father, birthDate: born.adding(days: -(9_000 + rng.below(5_000))), nationality: RegistryContent.nationality) : nil,
            mother: ParentRecord(name: mother, birthDate: born.adding(days: -(8_000 + rng.below(5_000))), nationality: RegistryContent.nationality),
            declarant: Declarant(name: withFather ? father : mother, relation: withFather ? .father : .mother),
            declaratoryJudgment: late ? JudgmentReference(court: RegistryContent.court(of: office), number: "\(rng.below(9_000) + 100)/1611/\(now.date.year)", date: now.date.adding(days: -rng.below(20))) : nil,
            preDeclarationReference: !late && rng.chance(40) ? "PD-\(office)-\(rng.below(900_000) + 100_000)" : nil)
        if rng.chance(15) { declaration.child.givenName.tifinagh = nil }
        let invalid = rng.chance(5)
        if invalid {
            switch rng.below(4) {
            case 0: declaration.child.givenName.latin = "Yass1ne"                                   // wrong_script
            case 1: declaration.birthDate.hijri = HijriCalendar.hijriDate(of: born.adding(days: 4)) // calendar_mismatch
            case 2: declaration.birthDate = DualDate(gregorian: now.date.adding(days: 2))           // event_in_future
            default: declaration.office = OfficeCode(UInt32(office.province.rawValue) * 1_000 + 999)   // unknown_office
            }
        }
        return .write(request(client, now, .registerBirth(declaration)), invalid: invalid)
    }

    private mutating func death(group: GroupID, now: Timestamp) -> DeathDeclaration {
        let office = rng.pick(offices[group]!)
        let died = now.date.adding(days: -rng.below(10))
        let imported = knownActs(in: group).filter { acts[$0]!.imported && !acts[$0]!.deceased }
        let known = rng.chance(35) && !imported.isEmpty ? acts[rng.pick(imported)] : nil
        let sex: Sex = rng.chance(50) ? .male : .female
        let person = known?.person ?? RegistryContent.person(sex, using: &rng)
        return DeathDeclaration(
            office: office, deceased: person, sex: sex,
            birthDate: known?.birthDate ?? GregorianDate(year: 1930 + rng.below(60), month: 1 + rng.below(12), day: 1 + rng.below(28)),
            birthPlace: known == nil ? nil : RegistryContent.place(in: known!.id.register.office, using: &rng),
            civilDigitalID: known?.civilID, birthAct: known?.id,
            fatherName: RegistryContent.person(.male, familyName: nil, using: &rng),
            motherName: RegistryContent.person(.female, using: &rng),
            deathDate: DualDate(gregorian: died), deathTime: RegistryContent.time(using: &rng),
            deathPlace: RegistryContent.place(in: office, using: &rng),
            declarant: Declarant(name: RegistryContent.person(.male, using: &rng), relation: rng.chance(50) ? .child : .spouse))
    }

    private mutating func historicalBirth(group: GroupID) -> HistoricalActImport {
        let office = rng.pick(offices[group]!)
        let year = Self.importYears.lowerBound + rng.below(Self.importYears.count)
        let number = Self.importNumbers.lowerBound + UInt64(rng.below(Self.importNumbers.count))
        let born = GregorianDate(year: year, month: 1 + rng.below(11), day: 1 + rng.below(28))
        let drawnUp = born.adding(days: 1 + rng.below(20))
        let sex: Sex = rng.chance(50) ? .male : .female
        let familyName = rng.pick(RegistryContent.family)
        let father = RegistryContent.person(.male, familyName: familyName, using: &rng)
        var child = RegistryContent.person(sex, familyName: familyName, using: &rng)
        child.givenName.tifinagh = nil
        child.familyName.tifinagh = nil
        let content = BirthDeclaration(
            office: office, child: child, sex: sex, birthDate: DualDate(gregorian: born),
            birthTime: RegistryContent.time(using: &rng), birthPlace: RegistryContent.place(in: office, using: &rng),
            father: ParentRecord(name: father, nationality: RegistryContent.nationality),
            mother: ParentRecord(name: RegistryContent.person(.female, using: &rng), nationality: RegistryContent.nationality),
            declarant: Declarant(name: father, relation: .father))
        return HistoricalActImport(registerYear: year, number: number, drawnUpOn: drawnUp,
                                   sourceReference: "\(office.region)-\(office)-\(year)-N/p\(number)", content: .birth(content))
    }

    /// A mention that fits what is known of the act (it may still be refused: another client
    /// may have written on the act since).
    private mutating func mention(on act: KnownAct, now: Timestamp) -> MentionBody {
        let office = act.id.register.office
        let today = now.date
        let procureur = LegalReference.procureurAuthorisation(ProcureurAuthorisation(
            court: RegistryContent.court(of: office), number: "\(rng.below(900) + 100)/\(today.year)", date: today.adding(days: -rng.below(5))))
        let judgment = LegalReference.judgment(JudgmentReference(
            court: RegistryContent.court(of: office), number: "\(rng.below(9_000) + 100)/1402/\(today.year)", date: today.adding(days: -rng.below(5))))
        if act.id.register.kind == .death {
            return rng.chance(50)
                ? .materialErrorCorrection(CorrectionMention(field: .eventTime, newValue: .time(RegistryContent.time(using: &rng)), reference: procureur))
                : .rectification(CorrectionMention(field: .eventPlaceLatin, newValue: .text(RegistryContent.place(in: office, using: &rng).latin), reference: judgment))
        }
        let transcription = MentionBody.latinTranscriptionCorrection(CorrectionMention(
            field: .givenNameLatin, newValue: .text(rng.pick(RegistryContent.latinRespellings)), reference: procureur))
        guard act.imported else {
            switch rng.below(3) {
            case 0: return transcription
            case 1 where !act.hasFather && !act.fatherChosen:
                return .singleMotherChosenName(ChosenNameMention(
                    fatherGivenName: rng.pick(RegistryContent.maleGiven).name, familyName: rng.pick(RegistryContent.family).name,
                    reference: .motherDeclaration(date: today)))
            default:
                return .materialErrorCorrection(CorrectionMention(field: .eventTime, newValue: .time(RegistryContent.time(using: &rng)), reference: procureur))
            }
        }
        let open = act.marriages.keys.filter { !act.dissolved.contains($0) }.sorted()
        switch rng.below(10) {
        case 0..<4 where !act.deceased:
            let date = today.adding(days: -(1 + rng.below(30)))
            let deed = AdoulDeedReference(notarialSection: RegistryContent.notarialSection(of: office),
                                          number: "\(rng.below(900) + 10)", page: "\(rng.below(400) + 1)", date: date)
            return .marriage(MarriageMention(spouse: RegistryContent.person(rng.chance(50) ? .male : .female, using: &rng),
                                             marriageDate: date, reference: .adoulDeed(deed)))
        case 4..<6 where !open.isEmpty:
            return .divorce(DivorceMention(marriageSequence: rng.pick(open), divorceDate: today, reference: judgment))
        case 6 where !act.deceased:
            return .death(DeathMention(deathDate: DualDate(gregorian: today.adding(days: -rng.below(3))),
                                       deathPlace: RegistryContent.place(in: office, using: &rng), deathAct: nil))
        case 7:
            return .rectification(CorrectionMention(field: .eventPlaceLatin, newValue: .text(RegistryContent.place(in: office, using: &rng).latin), reference: judgment))
        default:
            return transcription
        }
    }

    // MARK: - Learning

    /// Learns what an acknowledged request created or changed.
    mutating func learn(_ entry: AcceptedEntry, of request: RegistryRequest, group: GroupID, client: Int) {
        switch request.operation {
        case .registerBirth(let b):
            add(KnownAct(id: entry.actID, imported: false, person: b.child, birthDate: b.birthDate.gregorian,
                         hasFather: b.father != nil, civilID: entry.civilDigitalID), group: group)
        case .importHistoricalAct(let item):
            learn(imported: item, entry: entry, group: group)
        case .settleReview(let decision):
            // A reviewed record imported is an imported act; a discarded one is never accepted.
            if case .importAct(let item) = decision.resolution { learn(imported: item, entry: entry, group: group) }
        case .submitForReview:
            // Queued, not an act: a queued record is never acknowledged with an entry.
            return
        case .registerDeath(let d):
            add(KnownAct(id: entry.actID, imported: false, person: d.deceased, birthDate: d.birthDate, hasFather: d.fatherName != nil), group: group)
            if let birthAct = d.birthAct, acts[birthAct] != nil, entry.mentionSequence == nil {
                followUps[client] = (birthAct, DeathMention(deathDate: d.deathDate, deathPlace: d.deathPlace, deathAct: entry.actID))
            }
        case .appendMention(let target, let body):
            guard let sequence = entry.mentionSequence else { return }
            learn(mention: body, sequence: sequence, on: target)
        }
    }

    private mutating func learn(imported item: HistoricalActImport, entry: AcceptedEntry, group: GroupID) {
        guard case .birth(let b) = item.content else { return }
        add(KnownAct(id: entry.actID, imported: true, person: b.child, birthDate: b.birthDate.gregorian,
                     hasFather: b.father != nil, civilID: entry.civilDigitalID), group: group)
    }

    /// Learns an act and its mentions from a read.
    mutating func learn(_ record: ActRecord, group: GroupID) {
        let id = record.act.id
        if acts[id] == nil {
            switch record.act.content {
            case .birth(let b):
                var imported = false
                if case .imported = record.act.origin { imported = true }
                add(KnownAct(id: id, imported: imported, person: b.child, birthDate: b.birthDate.gregorian,
                             hasFather: b.father != nil, civilID: record.act.civilDigitalID), group: group)
            case .death(let d):
                add(KnownAct(id: id, imported: false, person: d.deceased, birthDate: d.birthDate, hasFather: d.fatherName != nil), group: group)
            }
        }
        for mention in record.mentions { learn(mention: mention.body, sequence: mention.sequence, on: id) }
    }

    private mutating func learn(mention body: MentionBody, sequence: UInt32, on target: ActID) {
        guard acts[target] != nil else { return }
        switch body {
        case .marriage(let m): acts[target]!.marriages[sequence] = m.marriageDate
        case .divorce(let d): acts[target]!.dissolved.insert(d.marriageSequence)
        case .death: acts[target]!.deceased = true
        case .singleMotherChosenName: acts[target]!.fatherChosen = true
        case .rectification, .materialErrorCorrection, .latinTranscriptionCorrection: break
        }
    }

    private mutating func add(_ act: KnownAct, group: GroupID) {
        guard acts[act.id] == nil else { return }
        acts[act.id] = act
        // By the act's office: an answer from before a split names the group it came from.
        actsByGroup[self.group(of: act.id.register.office) ?? group, default: []].append(act.id)
    }
}
