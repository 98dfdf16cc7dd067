import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry

/// Reading what a client sent: bodies under a size limit, ids, act paths and options, each
/// failing with an `APIError` that names the part at fault.
enum RequestParsing {
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws(APIError) -> T {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the body exceeds \(limit) bytes", field: "body")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIError.badRequest("invalid_json", "missing field \(key.stringValue)", field: path(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError.badRequest("invalid_json", context.debugDescription, field: path(context.codingPath))
        } catch let DecodingError.valueNotFound(_, context) {
            throw APIError.badRequest("invalid_json", context.debugDescription, field: path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) {
            throw APIError.badRequest("invalid_json", context.debugDescription, field: context.codingPath.isEmpty ? "body" : path(context.codingPath))
        } catch {
            throw APIError.badRequest("invalid_json", "\(error)", field: "body")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// The request id from `Idempotency-Key` (32 hex digits, or a UUID), or a new random one.
    static func requestID(_ request: Request) throws(APIError) -> Registry.RequestID {
        guard let text = request.headers[.idempotencyKey] else {
            var generator = SystemRandomNumberGenerator()
            return Registry.RequestID(high: generator.next(), low: generator.next())
        }
        guard let id = Registry.RequestID(hex: text.replacingOccurrences(of: "-", with: "")) else {
            throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 32 hex digits or a UUID", field: "Idempotency-Key")
        }
        return id
    }

    /// The `{group}` path parameter.
    static func group(_ context: some RequestContext) throws(APIError) -> UInt64 {
        guard let text = context.parameters.get("group"), let group = UInt64(text) else {
            throw APIError.badRequest("invalid_group", "group must be a group id", field: "group")
        }
        return group
    }

    static func actID(_ context: some RequestContext) throws(APIError) -> ActID {
        let parameters = context.parameters
        let office = parameters.get("office") ?? ""
        let year = parameters.get("year") ?? ""
        let kind = parameters.get("kind") ?? ""
        let number = parameters.get("number") ?? ""
        guard OfficeCode(office) != nil else { throw APIError.badRequest("invalid_act_id", "office must be 7 digits", field: "office") }
        guard let y = Int(year), (1850...2200).contains(y) else { throw APIError.badRequest("invalid_act_id", "year must be 1850 to 2200", field: "year") }
        guard ActKind.allCases.contains(where: { $0.name == kind }) else {
            throw APIError.badRequest("invalid_act_id", "kind must be birth or death", field: "kind")
        }
        guard let n = UInt64(number), n >= 1 else { throw APIError.badRequest("invalid_act_id", "number must be a positive integer", field: "number") }
        return ActID(path: "\(office)/\(y)/\(kind)/\(n)")!
    }

    /// The read policy of a request: `consistency=linearizable` (default), `stale`, or
    /// `bounded` with `max_stale_ms` (1 to `APILimits.maxStaleMsMax`).
    static func consistency(_ request: Request) throws(APIError) -> ReadPolicy {
        let bound = request.uri.queryParameters.get("max_stale_ms")
        guard let text = request.uri.queryParameters.get("consistency") else {
            if bound != nil { throw APIError.badRequest("invalid_parameter", "max_stale_ms goes with consistency=bounded", field: "max_stale_ms") }
            return .linearizable
        }
        guard let value = ReadConsistency(rawValue: text) else {
            throw APIError.badRequest("invalid_parameter", "consistency must be linearizable, stale or bounded", field: "consistency")
        }
        guard value == .bounded else {
            if bound != nil { throw APIError.badRequest("invalid_parameter", "max_stale_ms goes with consistency=bounded", field: "max_stale_ms") }
            return ReadPolicy(consistency: value)
        }
        guard let bound, let ms = UInt64(bound), (1...APILimits.maxStaleMsMax).contains(ms) else {
            throw APIError.badRequest("invalid_parameter", "consistency=bounded needs max_stale_ms from 1 to \(APILimits.maxStaleMsMax)", field: "max_stale_ms")
        }
        return .bounded(maxStaleMs: ms)
    }

    static func option<T: NamedByteEnum>(_ request: Request, _ name: String, default value: T) throws(APIError) -> T {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let parsed = T.allCases.first(where: { $0.name == text }) else {
            throw APIError.badRequest("invalid_parameter", "\(name) must be one of \(T.allCases.map(\.name).joined(separator: ", "))", field: name)
        }
        return parsed
    }

    /// The time stamped on a write: the client's when given and within the accepted window,
    /// else the node's clock, to the minute, in UTC.
    static func recordedAt(_ given: Timestamp?, now: Date, field: String = "recordedAt") throws(APIError) -> Timestamp {
        let current = Timestamp.minute(of: now)
        guard let given else { return current }
        guard given.isValid else { throw APIError.badRequest("invalid_recorded_at", "recordedAt is not a valid time", field: field) }
        let delta = given.minutesSinceEpoch - current.minutesSinceEpoch
        guard delta >= -APILimits.recordedAtPastMinutesMax, delta <= APILimits.recordedAtFutureMinutesMax else {
            throw APIError(.unprocessableContent, "recorded_at_out_of_window",
                           "recordedAt must be within \(APILimits.recordedAtPastMinutesMax) minutes before and \(APILimits.recordedAtFutureMinutesMax) after the node's clock (\(current.isoString))",
                           field: field)
        }
        return given
    }
}

extension Timestamp {
    /// The UTC minute of a wall-clock instant.
    public static func minute(of date: Date) -> Timestamp {
        let minutes = Int((date.timeIntervalSince1970 / 60).rounded(.down))
        let days = minutes.quotientAndRemainder(dividingBy: 1_440)
        let (day, minute) = days.remainder < 0 ? (days.quotient - 1, days.remainder + 1_440) : days
        return Timestamp(date: GregorianDate(daysSinceEpoch: day), time: TimeOfDay(hour: minute / 60, minute: minute % 60))
    }

    var minutesSinceEpoch: Int { date.daysSinceEpoch * 1_440 + time.hour * 60 + time.minute }
}
