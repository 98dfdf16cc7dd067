import Foundation
import Registry

/// The outcome of a service command, returned to the node that proposed it. Transient (never
/// stored, hashed or signed). The two outcomes of the hot paths travel in binary: a register
/// write's (`registryMarker`, then the register's own `CommandOutcome` encoding) and an audit
/// append's (`auditedMarker`, then the position); the others travel as JSON, which always
/// starts with `{`.
public enum ServiceOutcome: Hashable, Sendable, Codable {
    /// Audit records appended; the position of the first.
    case audited(firstPosition: UInt64)
    /// The register's outcome of a `registryWrite`.
    case registry(CommandOutcome)
    /// The declaration as it now stands; `changed` is false when the command was a repeat
    /// that wrote nothing.
    case declaration(PreliminaryDeclaration, changed: Bool)
    /// The copy request as it now stands; `changed` as above.
    case copyRequest(CopyRequest, changed: Bool)
    /// The command broke rules; nothing was written. For a declaration's review, the
    /// register's violations are listed here too.
    case rejected([ServiceViolation])

    /// The first byte of a register write's outcome in binary.
    static let registryMarker: UInt8 = 0x52
    /// The first byte of an audit append's outcome in binary.
    static let auditedMarker: UInt8 = 0x41

    /// The bytes: binary for a register write or an audit append, JSON otherwise.
    public func encode() -> [UInt8] {
        switch self {
        case .registry(let outcome):
            return [Self.registryMarker] + outcome.encode()
        case .audited(let position):
            var writer = ByteWriter(reservingCapacity: 9)
            writer.write(Self.auditedMarker)
            writer.write(position)
            return writer.bytes
        default:
            return json()
        }
    }

    /// The JSON bytes (every case has them; `encode` uses them for the cases off the hot paths).
    func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain value types cannot fail; an empty answer would be a bug.
        guard let data = try? encoder.encode(self) else { preconditionFailure("a service outcome did not encode") }
        return Array(data)
    }

    /// Decodes the bytes `encode` makes.
    public static func decode(_ bytes: [UInt8]) throws -> ServiceOutcome {
        switch bytes.first {
        case registryMarker:
            return .registry(try CommandOutcome.decode(Array(bytes.dropFirst())))
        case auditedMarker:
            var reader = ByteReader(Array(bytes.dropFirst()))
            let position = try reader.readUInt64()
            try reader.expectEnd()
            return .audited(firstPosition: position)
        default:
            return try JSONDecoder().decode(ServiceOutcome.self, from: Data(bytes))
        }
    }

    /// Whether applying left the state untouched (refused before the log when so).
    public var writesNothing: Bool {
        switch self {
        case .audited: false
        case .registry(let outcome): Self.registryWritesNothing(outcome)
        case .declaration(_, let changed), .copyRequest(_, let changed): !changed
        case .rejected: true
        }
    }

    /// Whether a register outcome left the state untouched (rejected, a duplicate, or a review
    /// operation the register had already applied).
    public static func registryWritesNothing(_ outcome: CommandOutcome) -> Bool {
        switch outcome {
        case .accepted: false
        case .rejected, .duplicate: true
        case .review(let receipt): !receipt.isNew
        case .batch(let outcomes): outcomes.allSatisfy(registryWritesNothing)
        }
    }
}
