import Foundation
import NIOConcurrencyHelpers

/// How long a test waits for a state on real sockets before failing. Generous because the test
/// machine may be loaded; a passing test never waits this long, it only bounds a failing one.
let stateWaitSeconds: Double = 120

/// A wait for a state that did not happen within its bound.
struct TimedOut: Error, CustomStringConvertible {
    let what: String
    let seconds: Double
    var description: String { "timed out after \(seconds) s waiting for \(what)" }
}

private enum Outcome<Value: Sendable>: Sendable {
    case value(Value)
    case timedOut
}

/// Runs `body` and returns its result, or throws ``TimedOut`` once `seconds` have passed.
/// `body` must end when cancelled; `onTimeout` can unblock a body that waits on something
/// that does not observe cancellation (an event loop future).
func withTimeout<Value: Sendable>(
    seconds: Double = stateWaitSeconds,
    _ what: String,
    onTimeout: @escaping @Sendable () -> Void = {},
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    // Set before `onTimeout` runs, so a body that `onTimeout` unblocks still counts as late.
    let expired = NIOLockedValueBox(false)
    return try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
        group.addTask { .value(try await body()) }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            expired.withLockedValue { $0 = true }
            onTimeout()
            return .timedOut
        }
        defer { group.cancelAll() }
        switch try await group.next()! {
        case .value(let value) where !expired.withLockedValue({ $0 }):
            return value
        case .value, .timedOut:
            throw TimedOut(what: what, seconds: seconds)
        }
    }
}

/// Waits, without sleeping, until `condition` holds, yielding between checks; throws
/// ``TimedOut`` after `seconds`. For states that no event announces (a counter, a gauge).
func waitUntil(
    seconds: Double = stateWaitSeconds,
    _ what: String,
    _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what, seconds: seconds) }
        await Task.yield()
    }
}
