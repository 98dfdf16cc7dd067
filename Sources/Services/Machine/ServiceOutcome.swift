import Foundation
import Registry

/// The outcome of a service command, returned to the node that proposed it. Transient (never
/// stored, hashed or signed), so it travels as JSON.
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

    /// The JSON bytes.
    public func encode() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain value types cannot fail; an empty answer would be a bug.
        guard let data = try? encoder.encode(self) else { preconditionFailure("a service outcome did not encode") }
        return Array(data)
    }

    /// Decodes the JSON bytes.
    public static func decode(_ bytes: [UInt8]) throws -> ServiceOutcome {
        try JSONDecoder().decode(ServiceOutcome.self, from: Data(bytes))
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
