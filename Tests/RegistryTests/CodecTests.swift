import Foundation
import Testing
@testable import Registry

@Suite struct CodecTests {
    typealias F = Fixtures

    static func sampleCommands() -> [RegistryCommand] {
        let act = ActID(register: RegisterID(office: F.rabatHassan, year: 2024, kind: .birth), number: 17)
        var birth = F.birth()
        birth.declaratoryJudgment = F.judgment
        birth.preDeclarationReference = "CHU-IBN-SINA-2024-000812"
        return [
            .single(F.request(1, .registerBirth(birth))),
            .single(F.request(2, .registerDeath(F.death(birthAct: act)))),
            .single(F.request(3, .appendMention(target: act, body: F.marriage()))),
            .single(F.request(4, .appendMention(target: act, body: .rectification(CorrectionMention(
                field: .eventDate, newValue: .date(DualDate(gregorian: F.date(2024, 7, 6))), reference: .judgment(F.judgment)))))),
            .batch([
                F.request(5, .importHistoricalAct(F.historicalBirth(year: 1962, number: 4))),
                F.request(6, .appendMention(target: act, body: .singleMotherChosenName(ChosenNameMention(
                    fatherGivenName: Name(arabic: "عمر", latin: "Omar"), familyName: Name(arabic: "النوري", latin: "Nouri"),
                    reference: .motherDeclaration(date: F.date(2024, 7, 9)))))),
            ]),
        ]
    }

    @Test func commandsRoundTripThroughTheirBinaryEncoding() throws {
        for command in Self.sampleCommands() {
            let bytes = command.encode()
            #expect(try RegistryCommand.decode(bytes) == command)
            #expect(try RegistryCommand.decode(bytes).encode() == bytes)
        }
    }

    @Test func commandsRoundTripThroughJSON() throws {
        for command in Self.sampleCommands() {
            let json = try JSONEncoder().encode(command)
            #expect(try JSONDecoder().decode(RegistryCommand.self, from: json) == command)
        }
        let text = String(decoding: try JSONEncoder().encode(F.birth()), as: UTF8.self)
        #expect(text.contains("\"birthDate\"") && text.contains("\"givenName\"") && text.contains("\"2024-07-07\""))
    }

    @Test func outcomesRoundTripThroughTheirBinaryEncoding() throws {
        let entry = AcceptedEntry(requestID: F.requestID(1), actID: ActID(register: RegisterID(office: F.rabatHassan, year: 2024, kind: .birth), number: 3),
                                  civilDigitalID: CivilDigitalID(birthAct: ActID(register: RegisterID(office: F.rabatHassan, year: 2024, kind: .birth), number: 3)),
                                  mentionSequence: nil, chainPosition: 5, chainHead: .sha256([7]))
        let outcomes: [CommandOutcome] = [
            .accepted(entry), .duplicate(entry),
            .rejected([RuleViolation(.calendarMismatch, .birthDateHijri, "off by 3 days"), RuleViolation(.unknownOffice, .office, "none")]),
            .batch([.accepted(entry), .rejected([RuleViolation(.requestIDReused, .requestID, "used")])]),
        ]
        for outcome in outcomes {
            #expect(try CommandOutcome.decode(outcome.encode()) == outcome)
            let json = try JSONEncoder().encode(outcome)
            #expect(try JSONDecoder().decode(CommandOutcome.self, from: json) == outcome)
        }
    }

    @Test func violationJSONCarriesTheFieldAndBothLabels() throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RuleViolation(.calendarMismatch, .birthDateHijri, "why"))) as? [String: String]
        #expect(json?["code"] == "registry.calendar_mismatch")
        #expect(json?["field"] == "birthDate.hijri")
        #expect(json?["labelFrench"] == "Date de naissance (hégirienne)")
        #expect(json?["labelArabic"] == "تاريخ الازدياد (الهجري)")
    }

    @Test func everyTruncationOfAValidCommandFailsCleanly() throws {
        for command in Self.sampleCommands() {
            let bytes = command.encode()
            for length in 0..<bytes.count {
                #expect(throws: CodecError.self) { try RegistryCommand.decode(Array(bytes.prefix(length))) }
            }
            #expect(throws: CodecError.self) { try RegistryCommand.decode(bytes + [0]) }
        }
    }

    @Test(arguments: PropertySeeds.seeds(default: [11, 12, 13]))
    func randomAndMutatedBytesNeverCrashTheDecoder(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let valid = Self.sampleCommands().map { $0.encode() }
        var decoded = 0
        for _ in 0..<5_000 {
            var bytes: [UInt8]
            if rng.chance(50) {
                bytes = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = rng.pick(valid)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            if (try? RegistryCommand.decode(bytes)) != nil { decoded += 1 }
        }
        // Reaching here without a trap is the property; some mutations still decode (a changed
        // letter in a name), which shows the mutations reach deep into the structure.
        #expect(decoded > 0, "seed \(seed)")
    }

    @Test(arguments: PropertySeeds.seeds(default: [21, 22]))
    func mutatedOutcomesAndSnapshotChunksNeverCrashTheirDecoders(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let entry = AcceptedEntry(requestID: F.requestID(1), actID: ActID(register: RegisterID(office: F.rabatHassan, year: 2024, kind: .death), number: 3),
                                  civilDigitalID: nil, mentionSequence: 2, chainPosition: 5, chainHead: .sha256([7]))
        let outcome = CommandOutcome.batch([.accepted(entry), .rejected([RuleViolation(.unknownOffice, .office, "none")])]).encode()
        let chunk = SnapshotChunk(sequence: 0, pairs: [([1], [2, 3]), ([4], [5])], streamDigest: .sha256([1])).encode()
        for _ in 0..<3_000 {
            var a = outcome, b = chunk
            a[Int.random(in: 0..<a.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            _ = try? CommandOutcome.decode(Array(a.prefix(Int.random(in: 0...a.count, using: &rng))))
            var restorer = SnapshotRestorer()
            // Any single changed byte of a chunk is caught by its checksum.
            #expect(throws: SnapshotError.self, "seed \(seed)") { _ = try restorer.accept(b == chunk ? [] : b) }
        }
    }

    @Test func hugeCountsAndLengthsAreRefusedBeforeAllocating() {
        // version 1, batch, count 0xFFFFFFFF
        #expect(throws: CodecError.self) { try RegistryCommand.decode([1, 2, 0xFF, 0xFF, 0xFF, 0xFF]) }
        // A string length over the limit inside a request.
        var writer = ByteWriter()
        writer.write(UInt8(1)); writer.write(UInt8(1))
        F.requestID(1).encode(to: &writer)
        F.at(2024, 7, 10).encode(to: &writer)
        writer.write(UInt32(1 << 30))
        #expect(throws: CodecError.lengthOverLimit(offset: 24, length: 1 << 30, limit: CodecLimits.stringBytesMax)) {
            try RegistryCommand.decode(writer.bytes)
        }
        #expect(throws: CodecError.self) { try RegistryCommand.decode([UInt8](repeating: 1, count: RegistryLimits.commandBytesMax + 1)) }
    }

    @Test func invalidUTF8IsRefused() {
        var writer = ByteWriter()
        writer.write(UInt8(1)); writer.write(UInt8(1))
        F.requestID(1).encode(to: &writer)
        F.at(2024, 7, 10).encode(to: &writer)
        writer.writeBytes([0xC3, 0x28])
        #expect(throws: CodecError.invalidUTF8(offset: 24)) { try RegistryCommand.decode(writer.bytes) }
    }

    @Test func aStringIsReadOnlyWhenItsBytesAreValidUTF8() throws {
        // Truncated, overlong, surrogate, out of range, stray continuation: each is refused, also
        // when its repair (U+FFFD) would have as many bytes as the input.
        let invalid: [[UInt8]] = [[0xC3, 0x28], [0xF0, 0x9F, 0x98], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
                                  [0xF4, 0x90, 0x80, 0x80], [0x80], [0x61, 0xFF, 0x62], [0xEF, 0xBF],
                                  // Long, with a repair of the same length in the middle of a
                                  // word of eight bytes, and at the very end.
                                  Array("Rabat-Salé-Kénitra".utf8) + [0xF0, 0x9F, 0x98] + Array(", 1915".utf8),
                                  Array("Rabat-Salé-Kénitra, 1915".utf8) + [0xF0, 0x9F, 0x98]]
        for bytes in invalid {
            var writer = ByteWriter()
            writer.writeBytes(bytes)
            var reader = ByteReader(writer.bytes)
            #expect(throws: CodecError.invalidUTF8(offset: 0), "\(bytes)") { try reader.readString() }
        }
        for text in ["", "Rabat", "\u{FFFD}", "الرباط", "ⵔⴱⴰⵟ", "😀 x", "Rabat-Salé-Kénitra الرباط سلا القنيطرة 😀"] {
            var writer = ByteWriter()
            writer.write(text)
            var reader = ByteReader(writer.bytes)
            let read = try reader.readString()
            #expect(Array(read.utf8) == Array(text.utf8))
            #expect(reader.remaining == 0)
        }
    }

    @Test func batchOfMoreThanTheLimitIsRefused() {
        let request = F.request(1, .registerBirth(F.birth()))
        let command = RegistryCommand.batch(Array(repeating: request, count: RegistryLimits.batchCommandsMax + 1))
        #expect(throws: CodecError.self) { try RegistryCommand.decode(command.encode()) }
    }
}

@Suite struct CivilDigitalIDTests {
    @Test func identifierEncodesItsBirthActAndChecks() {
        let act = ActID(register: RegisterID(office: OfficeCode(401003), year: 2024, kind: .birth), number: 17)
        let id = CivilDigitalID(birthAct: act)
        #expect(id.digits.count == 19)
        #expect(id.digits.hasPrefix("04010032024000017"))
        #expect(id.birthAct == act)
        #expect(CivilDigitalID(id.digits) == id)
    }

    @Test func everySingleDigitErrorAndAdjacentSwapIsDetected() {
        let id = CivilDigitalID(birthAct: ActID(register: RegisterID(office: OfficeCode(601012), year: 1987, kind: .birth), number: 40_512))
        let digits = Array(id.digits)
        for index in digits.indices {
            for replacement in "0123456789" where replacement != digits[index] {
                var wrong = digits
                wrong[index] = replacement
                #expect(!CivilDigitalID.isWellFormed(String(wrong)), "\(String(wrong))")
            }
            if index + 1 < digits.count, digits[index] != digits[index + 1] {
                var swapped = digits
                swapped.swapAt(index, index + 1)
                #expect(!CivilDigitalID.isWellFormed(String(swapped)), "\(String(swapped))")
            }
        }
    }

    @Test func distinctActsGetDistinctIdentifiers() {
        var seen = Set<String>()
        for office in [OfficeCode(401001), OfficeCode(401003), OfficeCode(601001)] {
            for year in [1962, 2024] {
                for number: UInt64 in [1, 2, 10, 999_999] {
                    let id = CivilDigitalID(birthAct: ActID(register: RegisterID(office: office, year: year, kind: .birth), number: number))
                    #expect(seen.insert(id.digits).inserted)
                }
            }
        }
    }
}
