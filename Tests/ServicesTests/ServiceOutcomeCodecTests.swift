import Registry
import Services
import Testing

/// Service outcomes are transient, but they cross the network (a forwarded write's answer) and
/// the search index reads them back: every case must come back as it was. The register's and the
/// audit's, on the hot paths, travel in binary; the others as JSON.
@Suite struct ServiceOutcomeCodecTests {
    typealias F = ServiceFixtures

    static let accepted = AcceptedEntry(
        requestID: F.id(1), actID: ActID(register: RegisterID(office: F.rabatHassan, year: 2026, kind: .birth), number: 7),
        civilDigitalID: nil, mentionSequence: nil, chainPosition: 7, chainHead: ChainDigest(bytes: Array(repeating: 0xAB, count: 32))!)

    @Test("every kind of outcome decodes to itself", arguments: [
        ServiceOutcome.registry(.accepted(accepted)),
        .registry(.batch([.accepted(accepted), .duplicate(accepted)])),
        .audited(firstPosition: 1_234_567),
        .rejected([ServiceViolation("service.malformed_command", "command", "the command does not decode")]),
    ])
    func roundTrip(outcome: ServiceOutcome) throws {
        #expect(try ServiceOutcome.decode(outcome.encode()) == outcome)
    }

    @Test func theHotPathsAreBinaryAndTheOthersJSON() {
        #expect(ServiceOutcome.registry(.accepted(Self.accepted)).encode().first == 0x52)
        #expect(ServiceOutcome.audited(firstPosition: 1).encode().first == 0x41)
        #expect(ServiceOutcome.rejected([]).encode().first == UInt8(ascii: "{"))
    }

    @Test func truncatedBytesAreRefusedNotMisread() {
        let bytes = ServiceOutcome.registry(.accepted(Self.accepted)).encode()
        #expect(throws: (any Error).self) { try ServiceOutcome.decode(Array(bytes.dropLast())) }
        #expect(throws: (any Error).self) { try ServiceOutcome.decode([0x41, 0, 0]) }
    }
}
