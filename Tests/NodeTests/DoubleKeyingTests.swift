import Foundation
import Testing
@testable import Node
import Registry

@Suite struct DoubleKeyingTests {
    static let header = "office,register_year,kind,act_number,scan_ref,scan_sha256,keyer,drawn_up_on,child.given.ar,child.given.lat,child.family.ar,child.family.lat,sex,birth.date,birth.time,birth.place.ar,birth.place.lat,father.given.ar,father.given.lat,father.family.ar,father.family.lat,father.nationality,mother.given.ar,mother.given.lat,mother.family.ar,mother.family.lat,mother.nationality,declarant.relation"

    static func line(keyer: String, number: Int = 17, given: String = "Youssef", year: String = "1980") -> String {
        "0401003,\(year),birth,\(number),RSK-0401003-1980-B/p5,\(String(repeating: "ab", count: 32)),\(keyer),1980-03-12,يوسف,\(given),العلوي,Alaoui,male,1980-03-10,09:40,الرباط,\"Rabat, Hassan\",أحمد,Ahmed,العلوي,Alaoui,مغربية / marocaine,فاطمة,Fatima,بناني,Bennani,مغربية / marocaine,father"
    }

    static func items(_ csv: String) -> [KeyedRecordReader.Item] {
        var items: [KeyedRecordReader.Item] = []
        KeyedRecordReader.readCSV(csv, file: "batch.csv") { items.append($0) }
        return items
    }

    static func records(_ csv: String) -> [KeyedRecord] {
        items(csv).compactMap { if case .record(let r) = $0 { r } else { nil } }
    }

    static func badRows(_ csv: String) -> [BadRow] {
        items(csv).compactMap { if case .bad(let b) = $0 { b } else { nil } }
    }

    @Test func agreeingKeyingsMakeTheActWithItsPaperNumber() throws {
        var pairing = DoubleKeying()
        let keyings = Self.records([Self.header, Self.line(keyer: "K01"), Self.line(keyer: "K02")].joined(separator: "\n"))
        #expect(keyings.count == 2)
        #expect(pairing.add(keyings[0]) == nil)
        guard case .agreed(let item, let lines) = pairing.add(keyings[1]) else { Issue.record("not agreed"); return }
        #expect(item.number == 17 && item.registerYear == 1980 && item.drawnUpOn == GregorianDate(year: 1980, month: 3, day: 12))
        #expect(lines == ["batch.csv:2", "batch.csv:3"])
        guard case .birth(let birth) = item.content else { Issue.record("not a birth"); return }
        #expect(birth.child.givenName.latin == "Youssef" && birth.birthPlace.latin == "Rabat, Hassan")
        #expect(birth.declarant.name == birth.father?.name)
        #expect(pairing.unpaired.isEmpty)
    }

    @Test func disagreeingKeyingsMakeAReviewItemHoldingBoth() throws {
        var pairing = DoubleKeying()
        let keyings = Self.records([Self.header, Self.line(keyer: "K01"), Self.line(keyer: "K02", given: "Youssefe")].joined(separator: "\n"))
        _ = pairing.add(keyings[0])
        guard case .disagreed(let item, _) = pairing.add(keyings[1]) else { Issue.record("not disagreed"); return }
        #expect(item.disagreements == ["child.given.lat"])
        #expect(item.keyings.map(\.keyer) == ["K01", "K02"])
        #expect(item.place.path == "0401003/1980/birth/17")
    }

    @Test func theSameKeyerTwiceOrAThirdKeyingIsABadRowWithItsLine() throws {
        var pairing = DoubleKeying()
        let keyings = Self.records([Self.header, Self.line(keyer: "K01"), Self.line(keyer: "K01"), Self.line(keyer: "K02"), Self.line(keyer: "K03")].joined(separator: "\n"))
        _ = pairing.add(keyings[0])
        guard case .bad(let same) = pairing.add(keyings[1]) else { Issue.record("same keyer accepted"); return }
        #expect(same.rule == "import.same_keyer_twice" && same.line == 3)
        guard case .agreed = pairing.add(keyings[2]) else { Issue.record("not agreed"); return }
        guard case .bad(let third) = pairing.add(keyings[3]) else { Issue.record("third keying accepted"); return }
        #expect(third.rule == "import.keyed_more_than_twice" && third.line == 5)
    }

    @Test func badLinesNameTheirLineAndRuleAndTheRestIsRead() {
        let csv = [Self.header, Self.line(keyer: "K01", year: "19x0"), "0401003,1980,birth", Self.line(keyer: "K02"),
                   Self.line(keyer: "K01").replacingOccurrences(of: ",K01,", with: ",,")].joined(separator: "\n")
        let bad = Self.badRows(csv)
        #expect(bad.map(\.line) == [2, 3, 5])
        #expect(bad.map(\.rule) == ["import.invalid_value", "import.unreadable_line", "import.missing_field"])
        #expect(bad[0].field == "register_year" && bad[2].field == "keyer")
        #expect(Self.records(csv).count == 1)
    }

    @Test func csvQuotesMayHoldCommasQuotesAndLineBreaks() {
        var rows = CSVRows("a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\nlast,row\n")
        #expect(rows.next()?.fields == ["a", "b"])
        let quoted = rows.next()
        #expect(quoted?.fields == ["x, \"y\"", "two\nlines"] && quoted?.line == 2)
        #expect(rows.next()?.line == 4)
    }

    @Test func jsonLinesAreReadLikeCSV() {
        var items: [KeyedRecordReader.Item] = []
        let object = #"{"office":"0401003","register_year":1980,"kind":"birth","act_number":"17","scan_ref":"p5","scan_sha256":"x","keyer":"K01","drawn_up_on":"1980-03-12"}"#
        KeyedRecordReader.readJSONLines(object + "\nnot json\n", file: "b.jsonl") { items.append($0) }
        guard case .record(let record) = items[0] else { Issue.record("first line not read"); return }
        #expect(record.key.register.year == 1980 && record.fields == [KeyedField(name: "drawn_up_on", value: "1980-03-12")])
        guard case .bad(let bad) = items[1] else { Issue.record("second line read"); return }
        #expect(bad.line == 2 && bad.rule == "import.unreadable_line")
    }

    @Test func requestIDsComeFromTheContentSoReRunsSendTheSameIDs() throws {
        var pairing = DoubleKeying()
        let keyings = Self.records([Self.header, Self.line(keyer: "K01"), Self.line(keyer: "K02"), Self.line(keyer: "K01", number: 18), Self.line(keyer: "K02", number: 18)].joined(separator: "\n"))
        var operations: [RegistryOperation] = []
        for keying in keyings {
            if case .agreed(let item, _) = pairing.add(keying) { operations.append(.importHistoricalAct(item)) }
        }
        #expect(operations.count == 2)
        #expect(DoubleKeying.requestID(for: operations[0]) == DoubleKeying.requestID(for: operations[0]))
        #expect(DoubleKeying.requestID(for: operations[0]) != DoubleKeying.requestID(for: operations[1]))
    }

    @Test func birthsAfter1950AndDeathsFrom2003GoFirst() {
        func key(_ kind: ActKind, _ year: Int) -> RecordKey { RecordKey(register: RegisterID(office: OfficeCode(401003), year: year, kind: kind), number: 1) }
        #expect(key(.birth, 1951).isPriority && !key(.birth, 1950).isPriority)
        #expect(key(.death, 2003).isPriority && !key(.death, 2002).isPriority)
    }
}
