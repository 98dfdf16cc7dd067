/// The identity of an act: its register and its number in that register.
public struct ActID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The register.
    public var register: RegisterID
    /// The number, from 1, consecutive in live registers.
    public var number: UInt64

    /// Creates an act id.
    public init(register: RegisterID, number: UInt64) {
        self.register = register
        self.number = number
    }

    /// `0401003/2024/birth/17`.
    public var description: String { "\(register)/\(number)" }

    /// Orders by register then number.
    public static func < (lhs: ActID, rhs: ActID) -> Bool {
        (lhs.register, lhs.number) < (rhs.register, rhs.number)
    }
}

extension ActID: CanonicalCodable {
    /// Writes the register then the number.
    public func encode(to writer: inout ByteWriter) {
        register.encode(to: &writer)
        writer.write(number)
    }

    /// Reads the register then the number.
    public init(from reader: inout ByteReader) throws(CodecError) {
        register = try RegisterID(from: &reader)
        number = try reader.readUInt64()
    }
}
