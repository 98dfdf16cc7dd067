import Foundation
import Registry

/// The closing report of an import run.
public struct ImportReport: Codable, Sendable {
    /// A record the register refused, with the rules it broke.
    public struct Refusal: Codable, Sendable, Equatable {
        /// "office/year/kind/number".
        public var record: String
        /// Where its keyings were read.
        public var lines: [String]
        /// The rules.
        public var violations: [String]
    }

    /// Files read.
    public var files: [String] = []
    /// Keyings read (lines that name a record).
    public var keyings = 0
    /// Lines that could not be used, each with its rule.
    public var badRows: [BadRow] = []
    /// Acts imported by this run.
    public var imported = 0
    /// Acts or review items already in the register (a re-run): nothing written again.
    public var alreadyPresent = 0
    /// Records queued for review by this run.
    public var queuedForReview = 0
    /// Records the register refused.
    public var refused: [Refusal] = []
    /// Keyings whose record has no second keying in the files given.
    public var awaitingSecondKeying: [String] = []
    /// Requests sent and retried after a node said to retry (a leader change, overload).
    public var retries = 0
    /// Seconds the run took.
    public var seconds = 0.0

    /// Acts and review items handled per second.
    public var recordsPerSecond: Double { seconds > 0 ? Double(imported + alreadyPresent + queuedForReview + refused.count) / seconds : 0 }

    /// The report for people; at most `listed` lines of each list.
    public func text(listed: Int = 20) -> String {
        var lines = [
            "import: \(files.count) file(s), \(keyings) keyings, \(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", recordsPerSecond)) records/s)",
            "  imported \(imported), already present \(alreadyPresent), queued for review \(queuedForReview), refused \(refused.count), bad rows \(badRows.count), awaiting a second keying \(awaitingSecondKeying.count)",
        ]
        if retries > 0 { lines.append("  requests retried: \(retries)") }
        for row in badRows.prefix(listed) { lines.append("  bad row \(row.text)") }
        if badRows.count > listed { lines.append("  ... \(badRows.count - listed) more bad rows (--report FILE lists all)") }
        for refusal in refused.prefix(listed) {
            lines.append("  refused \(refusal.record) (\(refusal.lines.joined(separator: ", "))): \(refusal.violations.joined(separator: "; "))")
        }
        if refused.count > listed { lines.append("  ... \(refused.count - listed) more refusals") }
        for waiting in awaitingSecondKeying.prefix(listed) { lines.append("  awaiting second keying: \(waiting)") }
        return lines.joined(separator: "\n")
    }
}

/// Where a run stands, for the progress bar.
public struct ImportProgress: Sendable {
    /// Keyings handled so far and in all.
    public var done: Int
    public var total: Int
    /// Seconds since the start.
    public var seconds: Double

    /// "[#####.....]  45%  120,000/265,000 keyings  24,512/s  ETA 6 s".
    public var bar: String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        return "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + String(format: "%3.0f%%  %d/%d keyings  %.0f/s  ETA %.0f s", fraction * 100, done, total, rate, eta)
    }
}
