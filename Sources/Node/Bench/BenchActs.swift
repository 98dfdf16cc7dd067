import Foundation
import Registry

/// The birth acts the load generator registers: real offices of the cluster's region, names in
/// Arabic, Latin and Tifinagh, both parents with their dates and places of birth, a body of
/// about the requested size (the anchors' act is about 1.5 KB of JSON). Each request differs
/// by its pre-declaration reference, a number the generator counts up.
///
/// A body is built once per office as JSON, split around the reference, and each request
/// only joins the parts with its number: the generator spends its CPU on the network, not on
/// encoding.
public struct BenchActs: Sendable {
    /// A body split around the spot where the request's number goes.
    struct Template: Sendable {
        var office: OfficeCode
        var before: [UInt8]
        var after: [UInt8]
    }

    /// Where the number goes: a reference the JSON encoder copies as is.
    static let marker = "BENCH0000000000000000"
    /// Digits of the number in a body (a run never registers 10^12 acts).
    static let numberDigits = 12

    let templates: [Template]
    /// The size of every body, in bytes.
    public let bodyBytes: Int

    /// Builds templates for `offices`, dated so that every act is declared within the legal
    /// delay of `today`, padded towards `targetBytes`.
    public init(offices: [OfficeCode], today: GregorianDate, targetBytes: Int) throws {
        precondition(!offices.isEmpty, "at least one office")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var templates: [Template] = []
        var size = 0
        for office in offices {
            var padding = 0
            var body: [UInt8] = []
            // Grow the place of birth's address until the body reaches the target (or the
            // field's limit): the size of a real act varies with its addresses and names.
            while true {
                let declaration = Self.declaration(office: office, today: today, addressWords: padding)
                body = Array(try encoder.encode(RegisterBirthBody(officer: Self.officer, declaration: declaration, recordedAt: nil)))
                if body.count >= targetBytes || Self.address(words: padding + 1).utf8.count > RegistryLimits.textBytesMax { break }
                padding += 1
            }
            let marker = Array(Self.marker.utf8)
            guard let at = Self.find(marker, in: body) else { preconditionFailure("the marker is in the body") }
            templates.append(Template(office: office, before: Array(body[..<at]), after: Array(body[(at + marker.count)...])))
            size = body.count - marker.count + 6 + Self.numberDigits
        }
        self.templates = templates
        self.bodyBytes = size
    }

    /// The body of request `sequence`, for the office `templates[sequence % count]`.
    func body(_ sequence: UInt64) -> (office: OfficeCode, body: [UInt8]) {
        let template = templates[Int(sequence % UInt64(templates.count))]
        var body: [UInt8] = []
        body.reserveCapacity(template.before.count + template.after.count + 6 + Self.numberDigits)
        body += template.before
        body += Array("BENCH-".utf8)
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: Self.numberDigits)
        var value = sequence
        for index in stride(from: Self.numberDigits - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        body += digits
        body += template.after
        return (template.office, body)
    }

    static let officer = OfficerRef(identifier: "OEC-BENCH-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")

    static func address(words: Int) -> String {
        let base = "Maternité de l'hôpital provincial, quartier Hay Riad"
        guard words > 0 else { return base }
        return base + (1...words).map { ", secteur \($0)" }.joined()
    }

    static func declaration(office: OfficeCode, today: GregorianDate, addressWords: Int) -> BirthDeclaration {
        func day(_ back: Int) -> GregorianDate { GregorianDate(daysSinceEpoch: today.daysSinceEpoch - back) }
        let family = Name(arabic: "بن عبد الرحمان", latin: "Benabderrahmane", tifinagh: "ⴱⵏⵄⴱⴷⵔⵔⴰⵃⵎⴰⵏ")
        let father = PersonName(givenName: Name(arabic: "عبد القادر", latin: "Abdelkader"), familyName: family)
        let mother = PersonName(givenName: Name(arabic: "فاطمة الزهراء", latin: "Fatima Zohra"), familyName: Name(arabic: "بوزيد", latin: "Bouzid"))
        return BirthDeclaration(
            office: office,
            child: PersonName(givenName: Name(arabic: "محمد أمين", latin: "Mohamed Amine", tifinagh: "ⵎⵓⵃⴰⵎⴻⴷ ⴰⵎⵉⵏ"), familyName: family),
            sex: .male, birthDate: DualDate(gregorian: day(3)), birthTime: TimeOfDay(hour: 6, minute: 45),
            birthPlace: Place(arabic: "مستشفى الولادة، حي الرياض، الرباط", latin: address(words: addressWords)),
            father: ParentRecord(name: father, birthDate: GregorianDate(year: today.year - 41, month: 11, day: 2),
                                 birthPlace: Place(arabic: "سلا", latin: "Salé"), nationality: "مغربية / marocaine"),
            mother: ParentRecord(name: mother, birthDate: GregorianDate(year: today.year - 37, month: 5, day: 19),
                                 birthPlace: Place(arabic: "تيزنيت", latin: "Tiznit"), nationality: "مغربية / marocaine"),
            declarant: Declarant(name: father, relation: .father),
            preDeclarationReference: marker)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
