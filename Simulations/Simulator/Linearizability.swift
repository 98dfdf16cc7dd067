/// One operation on one register, as a client saw it.
struct RegisterOperation: Sendable {
    enum Kind: Sendable, Equatable {
        case write(UInt64)
        case read(UInt64)
    }

    var kind: Kind
    var invokedAt: UInt64
    /// `UInt64.max` when the outcome is unknown (the write may or may not have taken effect).
    var returnedAt: UInt64
    var client: Int
}

/// Checks that a history of register operations is linearizable: Wing & Gong's search with
/// Lowe's memoisation of (linearized set, state), as Porcupine does. Operations whose outcome
/// is unknown return at infinity, so they may take effect at any point after their call, or
/// (being last) effectively never.
enum LinearizabilityChecker {
    /// Returns nil when linearizable, or a description of why not.
    static func check(_ operations: [RegisterOperation], initial: UInt64 = 0, stepsMax: Int = 5_000_000) -> String? {
        guard !operations.isEmpty else { return nil }
        // Events: a call and a return per operation, in time order; calls before returns at the
        // same instant (an operation that returns at t cannot precede one called at t... so
        // returns come first to be conservative: ties ordered return-first would forbid
        // concurrency, which is the stricter and correct reading of "returned before called").
        struct Event { var time: UInt64; var isCall: Bool; var op: Int }
        var events: [Event] = []
        for (index, op) in operations.enumerated() {
            events.append(Event(time: op.invokedAt, isCall: true, op: index))
            events.append(Event(time: op.returnedAt, isCall: false, op: index))
        }
        events.sort { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.isCall != b.isCall { return !a.isCall }
            return a.op < b.op
        }
        // Doubly linked list over events.
        let count = events.count
        var next = Array(1...count)
        var prev = Array(-1..<(count - 1))
        var head = 0
        next[count - 1] = -1
        var returnPosition = [Int](repeating: -1, count: operations.count)
        for (position, event) in events.enumerated() where !event.isCall { returnPosition[event.op] = position }

        func unlink(_ p: Int, _ head: inout Int) {
            if prev[p] >= 0 { next[prev[p]] = next[p] } else { head = next[p] }
            if next[p] >= 0 { prev[next[p]] = prev[p] }
        }
        func relink(_ p: Int, _ head: inout Int) {
            if prev[p] >= 0 { next[prev[p]] = p } else { head = p }
            if next[p] >= 0 { prev[next[p]] = p }
        }

        var linearized = Bitset(count: operations.count)
        var state = initial
        var cache = Set<CacheKey>()
        var stack: [(position: Int, state: UInt64)] = []
        var position = head
        var steps = 0
        while head >= 0 {
            steps += 1
            if steps > stepsMax { return "linearizability search exceeded \(stepsMax) steps (inconclusive)" }
            let event = events[position]
            if event.isCall {
                let op = operations[event.op]
                var ok = false
                var newState = state
                switch op.kind {
                case .write(let value): ok = true; newState = value
                case .read(let value): ok = value == state
                }
                if ok {
                    var candidate = linearized
                    candidate.set(event.op)
                    if cache.insert(CacheKey(bits: candidate, state: newState)).inserted {
                        stack.append((position, state))
                        state = newState
                        linearized = candidate
                        unlink(position, &head)
                        unlink(returnPosition[event.op], &head)
                        position = head
                        continue
                    }
                }
                position = next[position]
            } else {
                guard let top = stack.popLast() else {
                    let op = operations[event.op]
                    return "no linearization: operation \(op.kind) of client \(op.client) called at \(op.invokedAt) ms, returned at \(op.returnedAt) ms cannot be placed"
                }
                let op = events[top.position].op
                relink(returnPosition[op], &head)
                relink(top.position, &head)
                linearized.clear(op)
                state = top.state
                position = next[top.position]
            }
            if position < 0 && head >= 0 {
                // Walked past the end without placing the head's operation: backtrack.
                guard let top = stack.popLast() else { return "no linearization found" }
                let op = events[top.position].op
                relink(returnPosition[op], &head)
                relink(top.position, &head)
                linearized.clear(op)
                state = top.state
                position = next[top.position]
            }
        }
        return nil
    }

    struct CacheKey: Hashable {
        var bits: Bitset
        var state: UInt64
    }

    struct Bitset: Hashable {
        var words: [UInt64]
        init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }
        mutating func set(_ i: Int) { words[i / 64] |= 1 << UInt64(i % 64) }
        mutating func clear(_ i: Int) { words[i / 64] &= ~(1 << UInt64(i % 64)) }
    }
}
