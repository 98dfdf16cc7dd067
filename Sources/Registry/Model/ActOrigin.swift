/// Where an act comes from.
public enum ActOrigin: Hashable, Sendable, Codable {
    /// Drawn up electronically by an officer, numbered by the state machine.
    case live
    /// Keyed in from a paper register by the digitisation campaign, with its historical number.
    case imported(drawnUpOn: GregorianDate, sourceReference: String)
}

extension ActOrigin: CanonicalCodable {
    /// Writes a tag (1 live, 2 imported) then the import details.
    public func encode(to writer: inout ByteWriter) {
        switch self {
        case .live:
            writer.write(UInt8(1))
        case .imported(let drawnUpOn, let sourceReference):
            writer.write(UInt8(2))
            drawnUpOn.encode(to: &writer)
            writer.write(sourceReference)
        }
    }

    /// Reads the tag and details.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: self = .live
        case 2: self = .imported(drawnUpOn: try GregorianDate(from: &reader), sourceReference: try reader.readString())
        default: throw .invalidTag(offset: at)
        }
    }
}
