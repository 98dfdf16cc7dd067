@testable import NodeCore
import Testing

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("known values (RFC 3720, B.4)")
    func knownValues() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(UInt8(0)...UInt8(31))) == 0x46DD_794E)
    }

    @Test("a checksum continued from a seed equals the checksum of the whole")
    func continued() {
        let bytes = Array("état civil الحالة المدنية, 1915–2026".utf8)
        for cut in 0...bytes.count {
            let first = CRC32C.checksum(bytes[..<cut])
            #expect(CRC32C.checksum(bytes[cut...], seed: first) == CRC32C.checksum(bytes), "cut at \(cut)")
        }
    }

    @Test("the processor's instruction and the table agree on every length and alignment")
    func hardwareMatchesTable() {
        // This machine's processor has the instruction (x86-64 since 2008, AArch64 servers);
        // without it this test would compare only the table with itself.
        #expect(CRC32C.hardware)
        // Fixed bytes and seeds that look random (multiplicative hashing of the position).
        let bytes = (0..<4_096).map { UInt8(truncatingIfNeeded: (UInt64($0) &* 0x9E37_79B9_7F4A_7C15) >> 37) }
        bytes.withUnsafeBufferPointer { all in
            for start in 0..<16 {
                for count in [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1_000, 4_000] {
                    let part = UnsafeBufferPointer(rebasing: all[start..<(start + count)])
                    let seed = UInt32(truncatingIfNeeded: (UInt64(start * 4_099 + count) &* 0xBF58_476D_1CE4_E5B9) >> 29)
                    let table = CRC32C.tableUpdate(seed, part)
                    if CRC32C.hardware {
                        #expect(CRC32C.hardwareUpdate(seed, part) == table, "start \(start), count \(count), seed \(seed)")
                    }
                    #expect(CRC32C.checksum(Array(part)) == ~CRC32C.tableUpdate(~0, part))
                }
            }
        }
    }
}
