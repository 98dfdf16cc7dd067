import Foundation
import Simulator

/// Runs simulations on their own threads, at most one per core at a time. A seed is seconds of
/// synchronous work; run on Swift's cooperative pool (two threads on a two-core machine) it
/// would starve the other suites' asynchronous tests, which wait on real clusters with
/// wall-clock bounds.
enum OffPool {
    private static let slots = Slots(count: max(ProcessInfo.processInfo.activeProcessorCount, 1))

    static func run(_ options: SimulationOptions) async -> SimulationResult {
        await slots.acquire()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<SimulationResult, Never>) in
            let thread = Thread { continuation.resume(returning: Simulation(options: options).run()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
        await slots.release()
        return result
    }

    private actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(count: Int) { free = count }

        func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty {
                free += 1
            } else {
                waiting.removeFirst().resume()
            }
        }
    }
}
